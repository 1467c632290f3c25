"""The needs-action queue (issue 17, item 4): what waits on each party of the demo on
2 December 2026, oldest first, the same through the service, the CLI, the API and the page."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.access import Principal
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.reads import lateness, todo
from test_dashboard_sessions import sign_in

AS_OF = date(2026, 12, 2)
OPERATOR = Actor("operator", via="test")


def queue(store, party: str, role: str) -> list[tuple]:
    with store.read() as conn:
        data = todo.needs_action(conn, Principal(party, role), AS_OF, lateness.everything)
    return [(i["since"], i["days"], i["action"], i["kind"], i["id"]) for i in data["items"]]


def test_each_party_of_the_demo_sees_what_waits_on_it_oldest_first(demo_store):
    # the seller decides PKG-CA-1 (as it stood that day: it rejected it on 3 December) and
    # explains SH-DE-1, which it sent; PKG-DEC-1 is not its to decide until Poland concurs
    assert queue(demo_store, "US-GOV", "seller") == [
        ("2025-08-28", 461, "decide", "package", "PKG-CA-1"),
        ("2026-04-30", 216, "explain", "shipment", "SH-DE-1"),
    ]
    with demo_store.read() as conn:
        seller = todo.needs_action(conn, Principal("US-GOV", "seller"), AS_OF, lateness.everything)
    assert [(i["id"], i["days"], i["detail"]["waiting_on"]) for i in seller["waiting"]] == [
        ("PKG-DEC-1", 362, {"role": "funder", "parties": ["PL-GOV"]})
    ]
    assert seller["counts"] == {"decide": 1, "explain": 1}
    # Ukraine confirms SH-DE-1's receipt and inventories 60 interceptors overdue since 2 March,
    # at the depot and at the unit's store the demo handed ten on to (a to-do per site)
    assert queue(demo_store, "UA-MOD", "recipient") == [
        ("2026-02-10", 295, "receive", "shipment", "SH-DE-1"),
        ("2026-03-02", 275, "inventory", "package", "PKG-NL-1"),
        ("2026-03-02", 275, "inventory", "package", "PKG-NL-1"),
    ]
    # the joint venture explains the Drone Deal's late entries and orders, both dated alike
    assert queue(demo_store, "UA-US-JV", "supplier") == [
        ("2026-04-30", 216, "explain", "contract", "DD-PA-1"),
        ("2026-04-30", 216, "explain", "order", "PO-DD-1"),
        ("2026-06-30", 155, "explain", "contract", "DD-PA-1"),
        ("2026-06-30", 155, "explain", "order", "PO-DD-2"),
    ]
    # the coordinator funds the five requirements past their needed-by date
    assert [(i[4], i[1]) for i in queue(demo_store, "NATO-NSATU", "coordinator")] == [
        ("REQ-02", 246),
        ("REQ-01", 155),
        ("REQ-03", 155),
        ("REQ-05", 155),
        ("REQ-07", 155),
    ]
    assert queue(demo_store, "NL-GOV", "funder") == []
    # Poland has not concurred with PKG-DEC-1, which its pledge pays for, waiting since it was funded
    assert queue(demo_store, "PL-GOV", "funder") == [("2025-12-05", 362, "concur", "package", "PKG-DEC-1")]


def test_the_cli_the_api_and_the_page_show_the_same_queue(demo_store, demo_sqlite_url):
    out = CliRunner().invoke(
        app,
        ["--db", demo_sqlite_url, "todo", "--as", "UA-MOD", "--role", "recipient", "--as-of", "2026-12-02", "--json"],
    )
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    assert cli["counts"] == {"receive": 1, "inventory": 2}
    assert sorted(tuple(i["detail"].values()) for i in cli["items"][1:]) == [
        ("ST-0001", 50, True),
        ("ST-0003", 10, True),
    ]
    secret = tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken(party="UA-MOD", role="recipient")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    api = client.get("/api/v1/todo?as_of=2026-12-02", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert api.json() == cli
    # the CLI finds the party's role from its token when none is given
    out = CliRunner().invoke(app, ["--db", demo_sqlite_url, "--as", "UA-MOD", "todo", "--as-of", "2026-12-02"])
    assert "What waits on UA-MOD (recipient)" in out.output and "receive" in out.output
    assert client.get("/todo?as_of=2026-12-02").status_code == 403
    sign_in(client, secret)
    page = client.get("/todo?as_of=2026-12-02&lang=uk")
    assert page.status_code == 200
    assert (
        '<tr><td>2026-03-02</td><td class="num">275</td><td>провести інвентаризацію</td>'
        '<td>пакет <a href="/packages/PKG-NL-1">PKG-NL-1</a></td></tr>'
    ) in page.text


def test_the_joint_venture_reads_its_own_confidential_dates_in_its_queue(demo_store):
    # the Drone Deal's schedule is confidential to its parties: the supplier's own queue,
    # kept like report late by what the caller may read, still holds all four rows
    secret = tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken(party="UA-US-JV", role="supplier")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    mine = client.get("/api/v1/todo?as_of=2026-12-02", headers={"Authorization": f"Bearer {secret}"}).json()
    assert mine["counts"] == {"explain": 4}


def test_a_proposed_list_version_waits_on_each_approver_until_it_approves(demo_store):
    from supplyline.services import bus
    from supplyline.services.records import lists

    propose = lists.ProposeListVersion(
        recipient="UA-MOD", month="2027-01", coordinator="NATO-NSATU", seller="US-GOV", on="2026-11-20"
    )
    version = bus.handle(demo_store, Actor("UA-MOD", via="test"), propose).id
    bus.handle(demo_store, Actor("UA-MOD", via="test"), lists.ApproveListVersion(version_id=version, on="2026-11-21"))
    waiting = ("2026-11-20", 12, "approve", "list_version", version)
    assert waiting in queue(demo_store, "US-GOV", "seller")
    assert waiting in queue(demo_store, "NATO-NSATU", "coordinator")
    assert waiting not in queue(demo_store, "UA-MOD", "recipient")


def test_the_seller_s_page_lists_what_waits_on_others_apart(demo_store):
    secret = tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken(party="US-GOV", role="seller")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    sign_in(client, secret)
    page = client.get("/todo?as_of=2026-12-02&lang=uk").text
    todo_table, waiting_table = page.split('<table id="todo">')[1].split('<table id="waiting">')
    assert "PKG-DEC-1" not in todo_table and "PKG-CA-1" in todo_table
    assert (
        '<tr><td>2025-12-05</td><td class="num">362</td><td>ухвалити рішення щодо пакета</td>'
        '<td>пакет <a href="/packages/PKG-DEC-1">PKG-DEC-1</a></td><td>донор (погодження): PL-GOV</td></tr>'
    ) in waiting_table

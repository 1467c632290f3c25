"""Schedules that move and what is late (issue 17, item 3): reschedules of contract delivery
schedule entries and production orders, and ``report late`` on the demo."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import event_count
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput, RuleViolation
from supplyline.domain.schedule import months_elapsed
from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.plans import planning
from supplyline.services.reads import lateness
from supplyline.services.reads.lateness_models import LateReport
from supplyline.services.records import contracts, production
from supplyline.store import schema as t

AS_OF = date(2026, 12, 2)
JV = Actor("UA-US-JV", via="test")
US = Actor("US-GOV", via="test")


def late(store, as_of: date = AS_OF) -> LateReport:
    with store.read() as conn:
        return lateness.late(conn, as_of)


def test_report_late_on_the_demo_lists_the_late_drone_orders_and_the_waiting_packages(demo_store):
    data = late(demo_store)
    orders = {o["order_id"]: o for o in data["orders"]}
    assert set(orders) == {"PO-DD-1", "PO-DD-2"}
    one, two = orders["PO-DD-1"], orders["PO-DD-2"]
    # due 30 April, 3,000 of 6,000 accepted: 7 whole months (216 days) late on 2 December
    assert (one["due"], one["accepted"], one["short"], one["months_late"], one["days_late"]) == (
        "2026-04-30",
        3000,
        3000,
        7,
        216,
    )
    assert (two["due"], two["accepted"], two["short"], two["months_late"], two["days_late"]) == (
        "2026-06-30",
        0,
        20,
        5,
        155,
    )
    assert one["must_act"] == {"role": "supplier", "parties": ["UA-US-JV"]}
    packages = [(p["package_id"], p["waiting_since"], p["months_waiting"], p["days_waiting"]) for p in data["packages"]]
    # waiting since their last allocation, oldest first: PKG-CA-1 as it stood that day (the US
    # rejected it on 3 December), PKG-DEC-1 on Poland's concurrence before the seller may decide;
    # PKG-CA-2, funded on 4 December with Canada's money, was not there yet
    assert packages == [("PKG-CA-1", "2025-08-28", 15, 461), ("PKG-DEC-1", "2025-12-05", 11, 362)]
    assert [(p["state"], p["must_act"]) for p in data["packages"]] == [
        ("proposed", {"role": "approver", "parties": ["US-GOV"]}),
        ("proposed", {"role": "funder", "parties": ["PL-GOV"]}),
    ]
    # a day later PKG-CA-1 is decided, and PKG-CA-2 (validated, Canada concurred) waits on the US
    later = [
        (p["package_id"], p["waiting_since"], p["must_act"]) for p in late(demo_store, date(2026, 12, 4))["packages"]
    ]
    assert later == [
        ("PKG-DEC-1", "2025-12-05", {"role": "funder", "parties": ["PL-GOV"]}),
        ("PKG-CA-2", "2026-12-04", {"role": "approver", "parties": ["US-GOV"]}),
    ]
    # Germany's first shipment, expected 13 March, moved to 30 April, never arrived
    assert [(s["shipment_id"], s["expected_arrival"], s["months_late"], s["days_late"]) for s in data["shipments"]] == [
        ("SH-DE-1", "2026-04-30", 7, 216)
    ]


def test_who_must_act_follows_each_kind_of_entry(demo_store):
    data = late(demo_store)
    # the US government sent SH-DE-1 from stock: the seller, not the contract's supplier, must act
    assert [(s["shipment_id"], s["must_act"]) for s in data["shipments"]] == [
        ("SH-DE-1", {"role": "seller", "parties": ["US-GOV"]})
    ]
    # schedule entries and orders wait on the contract's supplier, packages on the approvers
    # that have not decided once their steps are taken (else on who must take them), late
    # requirements on the coordinator while they are not funded
    assert {e["must_act"]["role"] for e in data["schedule_entries"]} == {"supplier"}
    assert {o["order_id"]: o["must_act"] for o in data["orders"]}["PO-DD-2"] == {
        "role": "supplier",
        "parties": ["UA-US-JV"],
    }
    assert [p["must_act"]["role"] for p in data["packages"]] == ["approver", "funder"]
    roles = {(r["funded"] < r["quantity"], r["must_act"]["role"]) for r in data["requirements"]}
    assert roles <= {(True, "coordinator"), (False, "seller")}


def test_report_late_counts_receipts_against_the_earliest_schedule_entries(demo_store):
    entries = {(e["contract_id"], e["entry"]): e for e in late(demo_store)["schedule_entries"]}
    # CT-NL-1 line 1: 60 received fill entry 1; entry 2 (moved to 31 May in the demo) is short 60
    assert (entries["CT-NL-1", 2]["due"], entries["CT-NL-1", 2]["short"], entries["CT-NL-1", 2]["months_late"]) == (
        "2026-05-31",
        60,
        6,
    )
    assert ("CT-NL-1", 1) not in entries
    # line 3: 150 + 146 of 300 received, 4 damaged in transit
    assert entries["CT-NL-1", 4]["short"] == 4
    # DD-PA-1: the first 3,000 drones were received in January, the second 3,000 are late
    assert (entries["DD-PA-1", 2]["short"], entries["DD-PA-1", 2]["months_late"]) == (3000, 7)
    assert ("DD-PA-1", 1) not in entries
    assert entries["DD-PA-1", 2]["must_act"] == {"role": "supplier", "parties": ["UA-US-JV"]}


def test_the_planner_and_the_report_agree_on_which_orders_are_late_and_by_how_many_units(demo_store):
    with demo_store.read() as conn:
        plan = planning.plan_production_report(
            conn, planning.PlanRequest(first_month="2026-12", horizon=12, time_limit=5), today=AS_OF
        )["plan"]
    planned = {o["order"]: o for o in plan["orders"] if o["months_late"]}
    reported = {o["order_id"]: o for o in late(demo_store)["orders"]}
    assert set(planned) == set(reported) == {"PO-DD-1", "PO-DD-2"}
    for order_id, row in reported.items():
        assert planned[order_id]["quantity"] == row["short"]
        # the planner counts the month a unit is made in: made in December, it is one month
        # later than the whole months the report counts on 2 December
        assert planned[order_id]["months_late"] >= row["months_late"] + 1


def test_an_order_is_rescheduled_with_a_reason_keeping_both_dates(demo_store):
    bus.handle(
        demo_store,
        JV,
        production.RescheduleOrder(order_id="PO-DD-2", due="2026-11-30", reason="component_shortage", on="2026-06-20"),
    )
    with demo_store.read() as conn:
        row = conn.execute(
            select(t.events.c.type, t.events.c.payload).where(t.events.c.stream_id == "order:PO-DD-2")
        ).all()[-1]
    assert row.type == "ProductionOrderRescheduled"
    payload = json.loads(row.payload)
    assert (payload["reason"], payload["on"]) == ("component_shortage", "2026-06-20")
    # the Drone Deal's dates are confidential until mid-2027 (its schedule is): the reschedule
    # repeats the order's due date, so both of its dates are sealed as strictly
    for name in ("old_due", "new_due"):
        sealed = payload[name]["$withheld"]
        assert (sealed["level"], sealed["embargo"]) == ("confidential", "2027-06-30")
    two = {o["order_id"]: o for o in late(demo_store)["orders"]}["PO-DD-2"]
    assert (two["due"], two["months_late"], two["days_late"]) == ("2026-11-30", 0, 2)


def test_a_schedule_entry_is_rescheduled_by_the_seller(demo_store):
    bus.handle(
        demo_store,
        US,
        contracts.RescheduleDelivery(
            contract_id="CT-NL-1", entry=4, due="2027-01-31", reason="transport", on="2026-11-01"
        ),
    )
    entries = {(e["contract_id"], e["entry"]) for e in late(demo_store)["schedule_entries"]}
    assert ("CT-NL-1", 4) not in entries and ("CT-NL-1", 2) in entries


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"reason": "we were busy"}, InvalidInput, "reason"),
        ({"due": "2026-06-30"}, RuleViolation, "due"),
        ({"due": "2026-13-01"}, InvalidInput, "due"),
    ],
)
def test_a_bad_order_reschedule_names_the_field_and_writes_nothing(demo_store, change, error, field):
    before = event_count(demo_store)
    args = {"due": "2026-09-30", "reason": "quality_rework", **change}
    with pytest.raises(error) as refused:
        bus.handle(demo_store, JV, production.RescheduleOrder(order_id="PO-DD-2", on="2026-06-20", **args))
    assert refused.value.field == field
    assert event_count(demo_store) == before


def test_a_schedule_entry_that_does_not_exist_or_moves_before_signing_is_refused(demo_store):
    before = event_count(demo_store)
    with pytest.raises(InvalidInput) as refused:
        bus.handle(
            demo_store,
            US,
            contracts.RescheduleDelivery(contract_id="CT-NL-1", entry=5, due="2026-12-31", reason="transport"),
        )
    assert refused.value.field == "entry"
    with pytest.raises(InvalidInput, match="before 2025-09-01"):
        bus.handle(
            demo_store,
            US,
            contracts.RescheduleDelivery(contract_id="CT-NL-1", entry=2, due="2025-08-01", reason="transport"),
        )
    assert event_count(demo_store) == before


def test_report_late_cli_as_json(demo_sqlite_url):
    result = CliRunner().invoke(app, ["--db", demo_sqlite_url, "report", "late", "--as-of", "2026-12-02", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [o["order_id"] for o in data["orders"]] == ["PO-DD-1", "PO-DD-2"]
    assert [p["package_id"] for p in data["packages"]] == ["PKG-CA-1", "PKG-DEC-1"]


@pytest.mark.parametrize(
    ("since", "on", "months"),
    [
        (date(2026, 4, 30), date(2026, 12, 2), 7),
        (date(2026, 4, 30), date(2026, 11, 30), 7),
        (date(2026, 4, 30), date(2026, 11, 29), 6),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 5, 1), date(2026, 4, 1), 0),
    ],
)
def test_whole_months_elapsed(since, on, months):
    assert months_elapsed(since, on) == months


def test_the_lateness_page_shows_what_the_api_reports_in_ukrainian_and_nothing_to_the_public(demo_store):
    from fastapi.testclient import TestClient

    from supplyline.api import create_app
    from supplyline.services.access import tokens
    from test_dashboard_sessions import sign_in

    client = TestClient(create_app(demo_store, read_cache=False))
    public = client.get("/late?as_of=2026-12-02")
    assert (public.status_code, "shown to signed-in parties" in public.text, "SH-DE-1" in public.text) == (
        403,
        True,
        False,
    )
    secret = tokens.issue_token(demo_store, US, tokens.IssueToken(party="US-GOV", role="seller")).secret
    sign_in(client, secret)
    page = client.get("/late?as_of=2026-12-02&lang=uk")
    assert page.status_code == 200
    assert "<th>Відвантаження</th><th>Контракт</th><th>Відвантажено</th><th>Очікується</th>" in page.text
    assert (
        '<td><a href="/shipments/SH-DE-1">SH-DE-1</a></td><td><a href="/contracts/CT-DE-1">CT-DE-1</a></td>'
        '<td>2026-02-10</td><td>2026-04-30</td><td class="num">7</td>'
        '<td class="num">216</td><td>продавець: <a href="/parties/US-GOV">US-GOV</a></td>'
    ) in page.text
    assert (
        '<td><a href="/packages/PKG-CA-1">PKG-CA-1</a></td><td>PURL package 4 — Canada</td><td>2025-08-28</td>'
        '<td class="num">15</td><td class="num">461</td><td>затверджувач: <a href="/parties/US-GOV">US-GOV</a></td>'
    ) in page.text
    api = client.get("/api/v1/reports/late?as_of=2026-12-02", headers={"Authorization": f"Bearer {secret}"}).json()
    # the page keeps the rows the API keeps for the same party
    for key, ident in [("orders", "order_id"), ("shipments", "shipment_id"), ("packages", "package_id")]:
        for row in api[key]:
            assert f"<td>{row[ident]}</td>" in page.text or f">{row[ident]}</a></td>" in page.text
    assert client.get("/late?as_of=2026-13-01").status_code == 400

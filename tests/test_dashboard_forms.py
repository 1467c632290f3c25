"""The dashboard's forms (issue 21 item 5) on both databases: each sends the API's command
through the same policy, refuses a post without the session's form token (403) or with a
stale version (409), places a refusal beside its field, and shows a party only the forms it
may use; whatever is refused writes nothing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from conftest import event_count
from scenario import OP, allocate, base, funded_and_contracted
from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.reads import queries
from supplyline.services.records import parties, shipments


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def signed_in(store, party: str, role: str) -> TestClient:
    secret = tokens.issue_token(store, OP, tokens.IssueToken(party=party, role=role)).secret
    client = TestClient(create_app(store, read_cache=False))
    token = form_token(client.get("/signin").text)
    assert client.post("/signin", data={"token": secret, "csrf": token}, follow_redirects=False).status_code == 303
    return client


@pytest.fixture
def ledger(store):
    """PKG-1 in draft, its one line fully funded by PL-A (no steps before the seller decides)."""
    base(store, pledge_amounts=(("PL-A", "10000.00", "USD"),))
    allocate(store, "PL-A", "10000.00")
    bus.handle(store, OP, parties.RegisterParty(id="NSATU", name="NSATU", kind="organisation", country="DE"))
    return store


def state_and_version(store, package_id: str = "PKG-1") -> tuple[str, int]:
    with store.read() as conn:
        found = queries.package(conn, package_id)
    return found["state"], found["version"]


def post_form(client: TestClient, path: str, **fields) -> Any:
    page = client.get(path)
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="([0-9]+)"', page.text)
    data = {"csrf": form_token(page.text), **({"version": version.group(1)} if version else {}), **fields}
    return client.post(path, data=data, follow_redirects=False)


def test_a_coordinator_proposes_and_the_seller_approves_through_the_forms(ledger):
    coordinator = signed_in(ledger, "NSATU", "coordinator")
    assert 'href="/packages/PKG-1/act/propose"' in coordinator.get("/packages/PKG-1").text
    answer = post_form(coordinator, "/packages/PKG-1/act/propose")
    assert answer.status_code == 303 and answer.headers["location"] == "/packages/PKG-1#actions"
    assert state_and_version(ledger) == ("proposed", 3)
    seller = signed_in(ledger, "US", "seller")
    page = seller.get("/packages/PKG-1").text
    assert 'href="/packages/PKG-1/act/decide"' in page and "/act/propose" not in page
    answer = post_form(seller, "/packages/PKG-1/act/decide", decision="approve", on="2025-08-05")
    assert answer.status_code == 303
    assert state_and_version(ledger) == ("approved", 5)
    with ledger.read() as conn:
        decision = queries.package(conn, "PKG-1")["decisions"][0]
    assert (decision["party"], decision["decision"], decision["decided_on"]) == ("US", "approve", "2025-08-05")


def test_a_form_without_the_sessions_token_is_refused_and_writes_nothing(ledger):
    coordinator = signed_in(ledger, "NSATU", "coordinator")
    before = event_count(ledger)
    answer = coordinator.post("/packages/PKG-1/act/propose", data={"version": "2"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "the form has expired or was not sent from this dashboard" in answer.text
    answer = coordinator.post("/packages/PKG-1/act/propose", data={"csrf": "forged", "version": "2"})
    assert answer.status_code == 403
    assert event_count(ledger) == before and state_and_version(ledger) == ("draft", 2)


def test_a_stale_version_is_refused_with_409_and_said_on_the_page(ledger):
    coordinator = signed_in(ledger, "NSATU", "coordinator")
    page = coordinator.get("/packages/PKG-1/act/propose").text
    before = event_count(ledger)
    answer = coordinator.post("/packages/PKG-1/act/propose", data={"csrf": form_token(page), "version": "1"})
    assert answer.status_code == 409
    assert "package:PKG-1 is at version 2, not 1: reload it and try again" in answer.text
    assert 'id="form-problem"' in answer.text
    assert event_count(ledger) == before and state_and_version(ledger) == ("draft", 2)


def test_a_rejection_without_a_reason_is_refused_beside_the_reason(ledger):
    coordinator = signed_in(ledger, "NSATU", "coordinator")
    post_form(coordinator, "/packages/PKG-1/act/propose")
    seller = signed_in(ledger, "US", "seller")
    before = event_count(ledger)
    answer = post_form(seller, "/packages/PKG-1/act/decide", decision="reject", reason="  ")
    assert answer.status_code == 422
    beside = re.search(r'<p class="field-error" id="error-reason">([^<]+)</p>', answer.text)
    assert beside and beside.group(1).startswith("reason: ")
    assert 'name="decision" value="reject" checked' in answer.text  # what was chosen stays chosen
    assert event_count(ledger) == before and state_and_version(ledger) == ("proposed", 3)


def test_a_party_that_may_not_act_gets_no_form_and_403(ledger):
    coordinator = signed_in(ledger, "NSATU", "coordinator")
    post_form(coordinator, "/packages/PKG-1/act/propose")
    assert "/act/decide" not in coordinator.get("/packages/PKG-1").text
    funder = signed_in(ledger, "NL", "funder")
    page = funder.get("/packages/PKG-1").text
    assert 'id="actions"' not in page and "/act/decide" not in page
    assert funder.get("/packages/PKG-1/act/decide").status_code == 403
    before = event_count(ledger)
    token = form_token(page)
    answer = funder.post("/packages/PKG-1/act/decide", data={"csrf": token, "decision": "approve"})
    assert answer.status_code == 403
    assert "NL acting as funder may not package.decide package &#39;PKG-1&#39;" in answer.text
    assert event_count(ledger) == before and state_and_version(ledger) == ("proposed", 3)


def test_a_funder_announces_and_commits_a_pledge_through_the_forms(ledger):
    funder = signed_in(ledger, "NL", "funder")
    assert 'href="/pledges/new"' in funder.get("/act").text
    before = event_count(ledger)
    answer = post_form(funder, "/pledges/new", amount="12.5", currency="eur", pledged_on="2025-09-01", categories="x")
    assert answer.status_code == 422
    beside = re.search(r'id="error-categories">([^<]+)<', answer.text)
    assert beside and beside.group(1).startswith("categories")
    assert event_count(ledger) == before
    fields = {"id": "PL-NL-9", "amount": "2500000.00", "currency": "eur", "pledged_on": "2025-09-01"}
    answer = post_form(funder, "/pledges/new", mechanism="purl", categories="air_defence", **fields)
    assert answer.status_code == 303 and answer.headers["location"] == "/act?done=PL-NL-9"
    with ledger.read() as conn:
        pledge = queries.pledge(conn, "PL-NL-9")
    assert (pledge["funder"], pledge["amount"], pledge["amount_currency"], pledge["state"]) == (
        "NL",
        "2500000.00",
        "EUR",
        "announced",
    )
    assert pledge["categories"] == ["air_defence"]
    assert 'href="/pledges/PL-NL-9/act/commit"' in funder.get("/act").text
    assert 'class="button" href="/pledges/PL-NL-9/act/commit"' in funder.get("/pledges/PL-NL-9").text
    answer = post_form(funder, "/pledges/PL-NL-9/act/commit", on="2025-09-03")
    assert answer.status_code == 303
    with ledger.read() as conn:
        assert queries.pledge(conn, "PL-NL-9")["state"] == "committed"
    # another funder's pledge is not this one's to commit: not even shown
    other = signed_in(ledger, "US", "funder")
    assert other.get("/pledges/PL-NL-9/act/commit").status_code == 404


def test_the_recipient_confirms_a_receipt_with_what_was_short(store):
    funded_and_contracted(store)
    line = shipments.ShippedLine(1, 40)
    bus.handle(store, OP, shipments.Dispatch(contract_id="CT-1", shipped_on="2025-09-10", lines=(line,), id="SH-1"))
    seller = signed_in(store, "US", "seller")
    assert seller.get("/shipments/SH-1/act/receive").status_code == 403  # the seller sees it, the recipient confirms
    recipient = signed_in(store, "UA", "recipient")
    assert 'href="/shipments/SH-1/act/receive"' in recipient.get("/act").text
    assert 'class="button" href="/shipments/SH-1/act/receive"' in recipient.get("/shipments/SH-1").text
    assert "/act/receive" not in seller.get("/shipments/SH-1").text
    before = event_count(store)
    answer = post_form(
        recipient, "/shipments/SH-1/act/receive", received_on="2025-09-20", **{"lines[1].quantity": "37"}
    )
    assert answer.status_code == 422
    beside = re.search(r'id="error-note">([^<]+)<', answer.text)
    assert beside and beside.group(1).startswith("note: ")
    answer = post_form(
        recipient, "/shipments/SH-1/act/receive", received_on="2025-09-20", **{"lines[1].quantity": "41"}
    )
    assert answer.status_code == 422
    assert re.search(r'id="error-lines-1--quantity">lines\[1\]\.quantity: ', answer.text)
    assert event_count(store) == before
    fields = {"lines[1].quantity": "37", "note": "3 crates damaged in transit"}
    answer = post_form(recipient, "/shipments/SH-1/act/receive", received_on="2025-09-20", **fields)
    assert answer.status_code == 303
    with store.read() as conn:
        received = queries.shipment(conn, "SH-1")
    assert (received["state"], received["received_on"], received["note"]) == (
        "received",
        "2025-09-20",
        "3 crates damaged in transit",
    )
    assert [(x["contract_line_no"], x["quantity"], x["received"]) for x in received["lines"]] == [(1, 40, 37)]


def test_the_coordinator_previews_the_optimisers_plan_then_records_it(demo_store):
    coordinator = signed_in(demo_store, "NATO-NSATU", "coordinator")
    refused = coordinator.get("/allocate?preview=yes&on=2026-12-03&currency=XYZ")
    assert refused.status_code == 422
    assert re.search(r'id="error-currency">currency: ', refused.text)
    page = coordinator.get("/allocate?preview=yes&on=2026-12-03").text
    rows = re.findall(r"<tr><td>(\d)</td><td>([a-z ]+)</td>.*?<td class=\"num\">(USD [\d,.]+)</td>", page)
    assert rows == [("1", "drone deal", "USD 10,000,000.00"), ("2", "purl", "USD 204,000,000.00")]
    assert "is less than the cheapest lot it may still buy (REQ-10: 10 × USD 40,000.00)" in page
    seq = re.search(r'name="seq" value="(\d+)"', page)
    assert seq is not None
    before = event_count(demo_store)
    data = {"csrf": form_token(page), "on": "2026-12-03", "currency": "USD"}
    assert coordinator.post("/allocate", data={**data, "csrf": "forged", "seq": seq.group(1)}).status_code == 403
    stale = coordinator.post("/allocate", data={**data, "seq": str(int(seq.group(1)) - 1)})
    assert stale.status_code == 409
    assert "the ledger has moved since the preview" in stale.text
    assert event_count(demo_store) == before
    answer = coordinator.post("/allocate", data={**data, "seq": seq.group(1)}, follow_redirects=False)
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    drafted = parse_qs(location.query)["done"][0].split(", ")
    with demo_store.read() as conn:
        recorded = [queries.package(conn, package_id) for package_id in drafted]
    assert [(p["state"], p["mechanism"], p["seller"]) for p in recorded] == [
        ("draft", "drone_deal", "UA-GOV"),
        ("draft", "purl", "US-GOV"),
    ]
    funder = signed_in(demo_store, "NL-GOV", "funder")
    assert funder.get("/allocate").status_code == 403


def test_a_form_posted_twice_writes_once(ledger):
    funder = signed_in(ledger, "NL", "funder")
    page = funder.get("/pledges/new").text
    once = re.search(r'name="once" value="([^"]+)"', page)
    assert once is not None
    data = {"csrf": form_token(page), "once": once.group(1), "amount": "700.00", "currency": "USD"}
    data |= {"pledged_on": "2025-09-01", "mechanism": "purl"}
    before = event_count(ledger)
    first = funder.post("/pledges/new", data=data, follow_redirects=False)
    again = funder.post("/pledges/new", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert event_count(ledger) == before + 1  # one PledgeAnnounced
    with ledger.read() as conn:
        assert [p["amount"] for p in queries.list_pledges(conn, funder="NL")] == ["10000.00", "700.00"]

"""Withheld fields (disclosure levels) on every surface that shows projections to others:
the public funnel, the API's records and trace, and the OCDS export. The demo withholds the
Drone Deal's funds (confidential until 2027-12-31), its purchase agreement's lines and
schedule (confidential until 2027-06-30), its line prices (parties), a receipt note (parties),
and the December 2025 amounts (parties until 2026-06-30, so public by now)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from supplyline.api import create_app
from supplyline.engines.interchange.ocds import Publication
from supplyline.ledger.canonical import parse
from supplyline.services.access import tokens
from supplyline.services.access.withholding import OPERATOR, PUBLIC_READER, Index
from supplyline.services.context import Actor
from supplyline.services.interchange.opendata import release_package
from supplyline.services.reads import reports


def test_public_figures_leave_out_what_rests_on_withheld_values_and_say_how_many(demo_store):
    with demo_store.read() as conn:
        public = reports.funnel(conn, "USD", PUBLIC_READER)
        everything = reports.funnel(conn, "USD", OPERATOR)
    # the Drone Deal pledge's amount is withheld, and so are its allocations: each pays a
    # whole package line whose price is withheld (24,000,000 for 6,000 units would give the
    # price away), so they are sealed when recorded and the funder has no public figure left:
    # it is listed with each stage marked withheld until its embargo, never as a bare 0.00
    us = {f["funder"]: f for f in public["funders"]}["US-GOV"]
    assert (us["pledged"], us["allocated"], us["delivered"]) == ("0.00", "0.00", "0.00")
    assert us["withheld"] == {
        "pledged": {"figures": 1, "until": "2027-12-31", "event": 84},
        "allocated": {"figures": 2, "until": "2027-06-30", "event": 207},
        "contracted": {"figures": 2, "until": "2027-06-30", "event": 214},
        "delivered": {"figures": 1, "until": "2027-06-30", "event": 214},
    }
    assert {f["funder"]: f for f in everything["funders"]}["US-GOV"]["withheld"] == {}
    assert public["undisclosed"] == {"pledged": 1, "allocated": 2, "contracted": 2, "delivered": 1}
    assert everything["undisclosed"] == {"pledged": 0, "allocated": 0, "contracted": 0, "delivered": 0}
    assert public["total"]["pledged"] == "2539500000.00" and everything["total"]["pledged"] == "2579500000.00"
    # an embargo that has passed makes the value public: Poland's December pledge counts
    assert {f["funder"]: f for f in public["funders"]}["PL-GOV"]["pledged"] == "100000000.00"


def test_embargoes_lift_on_their_date(demo_store):
    with demo_store.read() as conn:
        before, after = Index(conn, on=date(2027, 6, 29)), Index(conn, on=date(2027, 6, 30))
    assert set(before.hidden("contract_lines", ("DD-PA-1", 1), PUBLIC_READER)) >= {"unit_price", "quantity"}
    assert after.hidden("contract_lines", ("DD-PA-1", 1), PUBLIC_READER) == {}
    # still confidential: the Drone Deal's funds until the end of 2027
    assert "amount" in after.hidden("pledges", ("PL-US-DD-2025",), PUBLIC_READER)


@pytest.fixture
def api(demo_store):
    operator = Actor("operator", via="test")
    secrets = {
        party: tokens.issue_token(demo_store, operator, tokens.IssueToken(party=party, role=role)).secret
        for party, role in [("UA-GOV", "seller"), ("US-GOV", "funder"), ("NATO-NSATU", "auditor")]
    }
    client = TestClient(create_app(demo_store, read_cache=False))
    return client, {party: {"Authorization": f"Bearer {secret}"} for party, secret in secrets.items()}


def test_a_party_to_the_contract_sees_confidential_lines_only_as_their_commitment(api, demo_store):
    client, headers = api
    seller = client.get("/api/v1/contracts/DD-PA-1", headers=headers["UA-GOV"]).json()
    line = seller["lines"][0]
    assert (line["unit_price"], line["quantity"], line["item"]) == (None, None, None)
    note = next(w for w in line["withheld"] if w["field"] == "unit_price")
    with demo_store.read() as conn:
        seq, payload = conn.execute(text("SELECT seq, payload FROM events WHERE stream_id = 'contract:DD-PA-1'")).one()
    marker = parse(payload)["lines"]["$withheld"]
    assert note == {
        "field": "unit_price",
        "event": seq,
        "level": "confidential",
        "embargo": "2027-06-30",
        "commitment": marker["commitment"],
    }
    # the party that recorded the agreement, and the auditor, see the prices
    for party in ("US-GOV", "NATO-NSATU"):
        lines = client.get("/api/v1/contracts/DD-PA-1", headers=headers[party]).json()["lines"]
        assert [(x["unit_price"], x["quantity"]) for x in lines] == [("4000.00", 6000), ("300000.00", 20)]


def test_the_trace_blanks_every_figure_computed_from_a_withheld_price(api):
    client, headers = api
    [delivered] = client.get("/api/v1/packages/PKG-DD-1/trace", headers=headers["UA-GOV"]).json()["delivered"]
    assert (delivered["received"], delivered["value"], delivered["contract"]["unit_price"]) == (3000, None, None)
    assert [(p["funder"], p["amount"]) for p in delivered["paid_by"]] == [("US-GOV", None)]
    [own] = client.get("/api/v1/packages/PKG-DD-1/trace", headers=headers["US-GOV"]).json()["delivered"]
    assert (own["value"], own["paid_by"][0]["amount"]) == ("12000000.00", "12000000.00")


def test_the_public_funnel_over_http_is_the_public_view(api):
    client, _ = api
    funnel = client.get("/api/v1/reports/funnel?currency=USD").json()
    assert funnel["total"]["contracted"] == "1583500000.00"
    assert funnel["undisclosed"]["contracted"] == 2
    us = next(f for f in funnel["funders"] if f["funder"] == "US-GOV")
    assert us["withheld"]["pledged"] == {"figures": 1, "until": "2027-12-31", "event": 84}
    # the file beside it leaves a withheld figure blank and says why, never 0.00
    rows = client.get("/api/v1/reports/funnel?currency=USD&format=csv").text.splitlines()
    us_row = next(r for r in rows if r.startswith("US-GOV,"))
    assert us_row.split(",", 2)[2].startswith(",,,,pledged: 1 withheld until 2027-12-31 (event 84); allocated: 2")
    assert rows[-1].endswith(
        "pledged: 1 figure(s) withheld and not counted; allocated: 2 figure(s) withheld and not counted; "
        "contracted: 2 figure(s) withheld and not counted; delivered: 1 figure(s) withheld and not counted"
    )


def test_the_open_data_export_leaves_withheld_values_out_and_lists_them(demo_store):
    publication = Publication(
        "ocds-splyln",
        "https://example.org/ocds.json",
        "supplyline",
        datetime(2026, 11, 25, tzinfo=UTC),
        date(2026, 11, 25),
    )
    with demo_store.read() as conn:
        package = release_package(conn, publication)
    [release] = [r for r in package["releases"] if r["ocid"].endswith("PKG-DD-1")]
    [contract] = release["contracts"]
    assert all(set(item) == {"id", "unit"} for item in contract["items"])  # no quantity, no unit value
    # the delivery schedule is withheld too, so no milestones; the order's public inspection report stays (issue 18)
    assert "milestones" not in contract["implementation"]
    assert [d["id"] for d in contract["implementation"]["documents"]] == ["DOC-0003"]
    [document] = [d for d in release["tender"]["documents"] if d["id"] == "withheld-information"]
    assert "contract_lines.unit_price (2 records)" in document["description"]
    assert "committed (salted SHA-256) in the ledger's signed public log" in document["description"]


def test_receipt_notes_and_approvers_reasons_stay_among_the_parties_unless_said_otherwise(demo_store):
    with demo_store.read() as conn:
        rows = dict(
            conn.execute(
                text(
                    "SELECT stream_id || ' ' || type, payload FROM events WHERE type IN ('ShipmentReceived', 'PackageDecisionRecorded') "
                    "AND stream_id IN ('shipment:SH-NL-2', 'package:PKG-NL-1')"
                )
            ).all()
        )
    note = parse(rows["shipment:SH-NL-2 ShipmentReceived"])["note"]
    reason = parse(rows["package:PKG-NL-1 PackageDecisionRecorded"])["reason"]
    assert note["$withheld"]["level"] == "parties" and reason["$withheld"]["level"] == "parties"
    with demo_store.read() as conn:
        hidden = Index(conn).hidden("shipments", ("SH-NL-2",), PUBLIC_READER)
    assert set(hidden) == {"note"}


def test_a_deployment_sets_its_own_defaults_and_a_command_can_still_publish():
    from supplyline.domain.disclosure import parse_defaults, parse_disclosure
    from supplyline.domain.errors import InvalidInput

    defaults = parse_defaults("ContractSigned.lines=parties, ShipmentReceived.note=public")
    assert set(defaults["ContractSigned"]) == {"lines"} and defaults["ShipmentReceived"] == {}
    assert set(parse_disclosure((), "ContractSigned", defaults["ContractSigned"])) == {"lines"}
    assert parse_disclosure(["lines=public"], "ContractSigned", defaults["ContractSigned"]) == {}
    with pytest.raises(InvalidInput) as refused:
        parse_defaults("ContractSigned.price=parties")
    assert refused.value.field == "default_disclosure[1]" and "can withhold only: supplier" in str(refused.value)


def test_an_order_is_withheld_from_a_party_as_its_contract_line_is(api, demo_store):
    """Regression: the API and the dashboard showed PO-DD-1's quantity and due date to the
    seller, from whom the purchase agreement's lines and schedule are withheld."""
    client, headers = api
    order = client.get("/api/v1/orders/PO-DD-1", headers=headers["UA-GOV"]).json()
    assert (order["quantity"], order["due"]) == (None, None)
    assert {w["field"] for w in order["withheld"]} == {"quantity", "due"}
    assert {w["level"] for w in order["withheld"]} == {"confidential"}
    own = client.get("/api/v1/orders/PO-DD-1", headers=headers["NATO-NSATU"]).json()  # an auditor
    assert (own["quantity"], own["due"]) == (6000, "2026-04-30")
    signin = client.get("/signin").text
    form_token = signin.split('name="csrf" value="')[1].split('"')[0]
    secret = headers["UA-GOV"]["Authorization"].removeprefix("Bearer ")
    assert client.post("/signin", data={"token": secret, "csrf": form_token}).status_code == 200
    page = client.get("/production").text
    row = page[page.index('data-order="PO-DD-1"') :].split("</tr>")[0]
    assert "6,000" not in row and "2026-04-30" not in row and "—" in row


def test_who_sees_a_withheld_field_is_one_rule_for_views_and_reveals():
    """The index (every view) and a reveal (``event.reveal``) answer alike for each level
    and relation: parties for the record's parties, confidential for its owners and the
    party that recorded it."""
    from supplyline.domain import access

    record = access.Parties(frozenset({"OWNER"}), frozenset({"SHARED"}))
    relation = {"OWNER": "owner", "SHARED": "shared", "OTHER": None, "RECORDER": None}
    for level in ("parties", "confidential"):
        target = access.withheld_field("contract", record, level, "RECORDER")
        for party, rel in relation.items():
            reveal = access.admits(access.Scope.SHARED, party, target.parties)
            assert access.sees_withheld(level, rel, party == "RECORDER") == reveal, (level, party)


def test_a_co_funder_sees_another_funders_payments_without_its_pledge_or_references(demo_store):
    """Denmark reads the Nordic package's trace: Norway's payments for the rocket pods show their
    stage, day and what reached the seller, never Norway's pledge, its amounts or references."""
    operator = Actor("operator", via="test")
    secret = tokens.issue_token(demo_store, operator, tokens.IssueToken(party="DK-GOV", role="funder")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    trace = client.get("/api/v1/packages/PKG-NORDIC-1/trace", headers={"Authorization": f"Bearer {secret}"})
    assert trace.status_code == 200, trace.text
    pods = next(d for d in trace.json()["delivered"] if d["item"] == "GMLRS rocket pod")
    shown = [
        (p["stage"], p["funder"], p["pledge_id"], p["reference"], p["amount"], p["seller_amount"])
        for p in pods["payments"]
    ]
    assert shown == [
        ("paid_in", "DK-GOV", "PL-DK-2025-08", "DK-FMI-PURL-0001", "90000000.00", None),
        ("paid_in", "NO-GOV", None, None, None, None),
        ("transferred", "DK-GOV", "PL-DK-2025-08", "NSATU-PKG-NORDIC-1-1", "89000000.00", "89000000.00"),
        ("transferred", "NO-GOV", None, None, None, "146000000.00"),
        ("expended", "DK-GOV", "PL-DK-2025-08", "DD1149-NORDIC-STOCK", "89000000.00", "89000000.00"),
        ("expended", "NO-GOV", None, None, None, "61000000.00"),
    ]


def _announce(store, pledge_id: str, disclosure: dict) -> None:
    from supplyline.services import bus
    from supplyline.services.records import funding, parties

    operator = Actor("operator", via="test")
    if pledge_id.endswith("1"):
        bus.handle(store, operator, parties.RegisterParty(id="NL-GOV", name="Netherlands", kind="government"))
    command = funding.AnnouncePledge(
        funder="NL-GOV",
        amount="1000.00",
        currency="EUR",
        pledged_on="2025-08-05",
        mechanism="purl",
        id=pledge_id,
        disclosure=disclosure,
    )
    bus.handle(store, operator, command)


def test_a_read_after_a_write_sees_the_fields_it_withheld_and_a_new_ledger_at_the_same_url_none_of_the_old(
    db_url, tmp_path
):
    """The index resolves, per read, only what was withheld since the head an earlier read saw,
    and only while that head is still the ledger's: a ledger made anew at the same address
    shares nothing with the one before."""
    from supplyline.services.context import open_store

    store = open_store(db_url, create=True)
    _announce(store, "PL-1", {"amount": "parties"})
    with store.read() as conn:
        assert [(f.stream_id, f.field) for f in Index(conn).fields] == [("pledge:PL-1", "amount")]
    _announce(store, "PL-2", {})
    with store.read() as conn:  # a write that withheld nothing leaves the fields as they were
        assert [(f.stream_id, f.field) for f in Index(conn).fields] == [("pledge:PL-1", "amount")]
    _announce(store, "PL-3", {"note": "parties", "amount": "confidential"})
    with store.read() as conn:
        index = Index(conn)
    assert [(f.stream_id, f.field) for f in index.fields] == [
        ("pledge:PL-1", "amount"),
        ("pledge:PL-3", "amount"),
        ("pledge:PL-3", "note"),
    ]
    assert set(index.hidden("pledges", ("PL-3",), PUBLIC_READER)) >= {"amount", "note"}
    assert index.hidden("pledges", ("PL-2",), PUBLIC_READER) == {}
    store.engine.dispose()
    if db_url.startswith("sqlite"):  # the same file made anew: one pledge, withheld nothing
        path = db_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        again = open_store(db_url, create=True)
        _announce(again, "PL-1", {})
        with again.read() as conn:
            assert Index(conn).fields == ()

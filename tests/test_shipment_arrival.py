"""A shipment's expected arrival (issue 17, item 3): stated when it is sent, moved by its
sender with a reason from the reschedules' fixed list (both days kept in the log), and
``report late`` listing the shipments on their way past it. Real databases, exact figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import event_count
from scenario import OP, funded_and_contracted
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput, NotFound, RuleViolation
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.reads import lateness
from supplyline.services.reads.lateness_models import LateShipment
from supplyline.services.records import shipments
from supplyline.store import schema as t
from test_dashboard_sessions import sign_in


def send(store, shipment_id: str, *, quantity: int = 40, expected_arrival: str | None = "2025-10-01") -> None:
    cmd = shipments.Dispatch(
        contract_id="CT-1",
        shipped_on="2025-09-10",
        lines=(ShippedLine(1, quantity),),
        id=shipment_id,
        expected_arrival=expected_arrival,
    )
    bus.handle(store, OP, cmd)


def arrivals(store, shipment_id: str) -> list[dict]:
    with store.read() as conn:
        rows = conn.execute(
            select(t.events.c.payload)
            .where(t.events.c.stream_id == f"shipment:{shipment_id}", t.events.c.type == "ShipmentArrivalExpected")
            .order_by(t.events.c.seq)
        ).all()
    return [json.loads(r.payload) for r in rows]


def late_shipments(store, as_of: date) -> list[LateShipment]:
    with store.read() as conn:
        return lateness.late(conn, as_of)["shipments"]


def test_a_moved_arrival_keeps_both_days_and_report_late_measures_against_the_new_one(store):
    funded_and_contracted(store)
    send(store, "SH-1")
    bus.handle(
        store,
        OP,
        shipments.ExpectArrival(shipment_id="SH-1", expected_arrival="2025-10-20", reason="transport", on="2025-09-30"),
    )
    assert arrivals(store, "SH-1") == [
        {"old_arrival": None, "expected_arrival": "2025-10-01", "reason": None, "on": "2025-09-10"},
        {"old_arrival": "2025-10-01", "expected_arrival": "2025-10-20", "reason": "transport", "on": "2025-09-30"},
    ]
    with store.read() as conn:
        assert conn.execute(select(t.shipments.c.expected_arrival)).scalar_one() == date(2025, 10, 20)
    # 20 October to 2 December: 43 days, one whole month
    assert late_shipments(store, date(2025, 12, 2)) == [
        {
            "shipment_id": "SH-1",
            "contract_id": "CT-1",
            "shipped_on": "2025-09-10",
            "expected_arrival": "2025-10-20",
            "days_late": 43,
            "months_late": 1,
            "must_act": {"role": "supplier", "parties": ["SUP"]},
        }
    ]
    # not yet late on its expected day
    assert late_shipments(store, date(2025, 10, 20)) == []


def test_received_shipments_and_those_without_an_expected_day_are_not_late(store):
    funded_and_contracted(store)
    send(store, "SH-1", quantity=30)
    send(store, "SH-2", quantity=30, expected_arrival=None)
    send(store, "SH-3", quantity=30, expected_arrival="2025-09-20")
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-1", received_on="2025-11-01"))
    assert arrivals(store, "SH-2") == []
    assert [s["shipment_id"] for s in late_shipments(store, date(2025, 12, 2))] == ["SH-3"]
    assert late_shipments(store, date(2025, 12, 2))[0]["days_late"] == 73


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"reason": "the ship was slow"}, InvalidInput, "reason"),
        ({"expected_arrival": "2025-10-01"}, RuleViolation, "expected_arrival"),
        ({"expected_arrival": "2025-09-01"}, InvalidInput, "expected_arrival"),
        ({"expected_arrival": "2025-10-32"}, InvalidInput, "expected_arrival"),
        ({"shipment_id": "SH-9"}, NotFound, "shipment"),
    ],
)
def test_a_bad_arrival_move_names_the_field_and_writes_nothing(store, change, error, field):
    funded_and_contracted(store)
    send(store, "SH-1")
    before = event_count(store)
    args = {
        "shipment_id": "SH-1",
        "expected_arrival": "2025-10-20",
        "reason": "transport",
        "on": "2025-09-30",
        **change,
    }
    with pytest.raises(error) as refused:
        bus.handle(store, OP, shipments.ExpectArrival(**args))
    assert refused.value.field == field
    assert event_count(store) == before


def test_a_received_shipment_or_an_arrival_before_sending_is_refused(store):
    funded_and_contracted(store)
    before = event_count(store)
    with pytest.raises(InvalidInput) as refused:
        send(store, "SH-1", expected_arrival="2025-09-09")
    assert (refused.value.field, event_count(store)) == ("expected_arrival", before)
    send(store, "SH-1")
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-1", received_on="2025-10-02"))
    before = event_count(store)
    with pytest.raises(RuleViolation, match="is received") as moved:
        bus.handle(
            store,
            OP,
            shipments.ExpectArrival(shipment_id="SH-1", expected_arrival="2025-10-20", reason="transport"),
        )
    assert (moved.value.field, event_count(store)) == ("state", before)


def test_cli_send_expect_and_report_late(sqlite_store, sqlite_url):
    funded_and_contracted(sqlite_store)
    runner = CliRunner()
    db = ["--db", sqlite_url]
    sent = runner.invoke(
        app,
        [
            *db,
            "shipment",
            "send",
            "--contract",
            "CT-1",
            "--shipped-on",
            "2025-09-10",
            "--line",
            "1:40",
            "--id",
            "SH-1",
            "--expected-arrival",
            "2025-10-01",
        ],
    )
    assert sent.exit_code == 0, sent.output
    moved = runner.invoke(
        app,
        [
            *db,
            "shipment",
            "expect",
            "SH-1",
            "--arrival",
            "2025-11-15",
            "--reason",
            "export_licence",
            "--on",
            "2025-10-01",
        ],
    )
    assert moved.exit_code == 0, moved.output
    refused = runner.invoke(app, [*db, "shipment", "expect", "SH-1", "--arrival", "2025-11-30", "--reason", "late"])
    assert refused.exit_code != 0
    assert "reason" in refused.output
    report = runner.invoke(app, [*db, "report", "late", "--as-of", "2025-12-02", "--json"])
    assert report.exit_code == 0, report.output
    row = json.loads(report.output)["shipments"][0]
    assert (row["shipment_id"], row["expected_arrival"], row["days_late"], row["months_late"]) == (
        "SH-1",
        "2025-11-15",
        17,
        0,
    )
    table = runner.invoke(app, [*db, "report", "late", "--as-of", "2025-12-02"])
    assert "Shipments past their expected arrival" in table.output
    assert "supplier: SUP" in table.output


def test_the_package_page_shows_each_shipments_expected_arrival(store):
    funded_and_contracted(store)
    send(store, "SH-1")
    client = TestClient(create_app(store, read_cache=False))
    secret = tokens.issue_token(store, OP, tokens.IssueToken(party="US", role="seller")).secret
    sign_in(client, secret)
    page = client.get("/packages/PKG-1")
    assert page.status_code == 200
    assert "<th>Shipped</th><th>Expected</th>" in page.text
    shipment = '<td><a href="/shipments/SH-1">SH-1</a></td><td><a href="/contracts/CT-1">CT-1</a></td>'
    assert shipment + "<td>2025-09-10</td><td>2025-10-01</td>" in page.text


def test_the_api_sends_with_an_expected_arrival_moves_it_and_reports_it_late(store):
    funded_and_contracted(store)
    client = TestClient(create_app(store, read_cache=False))
    seller = {
        "Authorization": f"Bearer {tokens.issue_token(store, OP, tokens.IssueToken(party='US', role='seller')).secret}"
    }
    lines = [{"contract_line_no": 1, "quantity": 40}]
    body = {
        "contract_id": "CT-1",
        "shipped_on": "2025-09-10",
        "lines": lines,
        "id": "SH-1",
        "expected_arrival": "2025-10-01",
    }
    assert client.post("/api/v1/shipments", json=body, headers=seller).status_code == 201
    before = event_count(store)
    off_list = {"expected_arrival": "2025-10-20", "reason": "slow boat", "on": "2025-09-30"}
    refused = client.post("/api/v1/shipments/SH-1/arrival", json=off_list, headers=seller)
    assert (refused.status_code, refused.json()["field"], event_count(store)) == (422, "reason", before)
    moved = {"expected_arrival": "2025-10-20", "reason": "transport", "on": "2025-09-30"}
    assert client.post("/api/v1/shipments/SH-1/arrival", json=moved, headers=seller).status_code == 200
    assert client.get("/api/v1/shipments/SH-1", headers=seller).json()["expected_arrival"] == "2025-10-20"
    report = client.get("/api/v1/reports/late?as_of=2025-12-02", headers=seller).json()
    assert [(s["shipment_id"], s["days_late"], s["months_late"]) for s in report["shipments"]] == [("SH-1", 43, 1)]


def test_the_expected_day_is_withheld_with_the_shipping_day_it_gives_away(store):
    funded_and_contracted(store)
    cmd = shipments.Dispatch(
        contract_id="CT-1",
        shipped_on="2025-09-10",
        lines=(ShippedLine(1, 40),),
        id="SH-1",
        expected_arrival="2025-10-01",
        disclosure=("shipped_on=parties",),
    )
    bus.handle(store, OP, cmd)
    move = shipments.ExpectArrival(
        shipment_id="SH-1", expected_arrival="2025-10-20", reason="transport", on="2025-09-30"
    )
    bus.handle(store, OP, move)
    sent, moved = arrivals(store, "SH-1")
    # it cannot be before the day it left, and its first 'on' is that day: both sealed at record time
    for payload in (sent, moved):
        assert {name: payload[name]["$withheld"]["level"] for name in ("expected_arrival", "on")} == {
            "expected_arrival": "parties",
            "on": "parties",
        }
    assert moved["old_arrival"]["$withheld"]["level"] == "parties"
    assert moved["reason"] == "transport"

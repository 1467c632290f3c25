"""The trace of a delivered item names every change to its contract line (issue 15 item 4):
the signed terms, each amended value with its rationale, in force or refused, through the
service, the API and the CLI, on both databases."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from scenario import OP
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.amendment import LineAmendment
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.reads import trace
from supplyline.services.records import amendments, shipments
from test_amendments import contracted

SIGNED_TO_95 = {
    "amendment_id": "CT-1-A1",
    "position": 1,
    "kind": "modification",
    "rationale": "price_reduction",
    "description": "bulk discount",
    "state": "in_force",
    "proposed_on": "2025-10-01",
    "effective_on": "2025-10-01",
    "old_quantity": 100,
    "new_quantity": 100,
    "old_unit_price": "100.00",
    "new_unit_price": "95.00",
}
REFUSED_112 = {
    "amendment_id": "CT-1-A2",
    "position": 2,
    "kind": "amendment",
    "rationale": "item_price_variation",
    "description": "steel prices",
    "state": "rejected",
    "proposed_on": "2025-11-01",
    "effective_on": None,
    "old_quantity": 100,
    "new_quantity": 100,
    "old_unit_price": "95.00",
    "new_unit_price": "112.00",
}


def amended_and_delivered(store):
    """CT-1 (100 × USD 100): 60 shipped at the signed price, cut to USD 95 (a modification in
    force at once), a rise to USD 112 refused by the Netherlands, the last 40 sent at USD 95."""
    contracted(store)
    bus.handle(
        store,
        OP,
        shipments.Dispatch(contract_id="CT-1", shipped_on="2025-09-15", lines=(ShippedLine(1, 60),), id="SH-1"),
    )
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-1", received_on="2025-09-20"))
    for price, rationale, said, day in (
        ("95", "price_reduction", "bulk discount", "2025-10-01"),
        ("112", "item_price_variation", "steel prices", "2025-11-01"),
    ):
        change = amendments.AmendContract(
            contract_id="CT-1",
            rationale=rationale,
            lines=(LineAmendment(1, unit_price=price),),
            description=said,
            on=day,
        )
        bus.handle(store, OP, change)
    refusal = amendments.RejectAmendment(
        contract_id="CT-1", amendment_id="CT-1-A2", party="NL", reason="over budget", on="2025-11-05"
    )
    bus.handle(store, OP, refusal)
    bus.handle(
        store,
        OP,
        shipments.Dispatch(contract_id="CT-1", shipped_on="2025-12-01", lines=(ShippedLine(1, 40),), id="SH-2"),
    )
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-2", received_on="2025-12-05"))


def test_the_trace_of_a_delivered_item_names_the_signed_price_and_every_change(store):
    amended_and_delivered(store)
    with store.read() as conn:
        data = trace.trace(conn, "PKG-1")
    first, second = data["delivered"]
    # each item keeps the price it was sent at; both carry the line's whole history
    assert [(d["shipment_id"], d["contract"]["unit_price"], d["value"]) for d in (first, second)] == [
        ("SH-1", "100.00", "6000.00"),
        ("SH-2", "95.00", "3800.00"),
    ]
    assert first["contract"]["amendments"] == second["contract"]["amendments"] == [SIGNED_TO_95, REFUSED_112]

    secret = tokens.issue_token(store, OP, tokens.IssueToken(party="NL", role="funder")).secret
    client = TestClient(create_app(store, read_cache=False))
    api = client.get("/api/v1/packages/PKG-1/trace", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    # as published: each change says what was withheld from the caller (nothing, for a funder of the package)
    published = [{**SIGNED_TO_95, "withheld": []}, {**REFUSED_112, "withheld": []}]
    assert [d["contract"]["amendments"] for d in api.json()["delivered"]] == [published] * 2


def test_the_cli_trace_lists_each_change_with_its_rationale(store, tmp_path):
    amended_and_delivered(store)
    url = str(store.engine.url.render_as_string(hide_password=False))
    out = CliRunner().invoke(app, ["--db", url, "report", "trace", "PKG-1"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert (
        "modification CT-1-A1 (price_reduction, in_force, 2025-10-01): USD 100.00 → USD 95.00 — bulk discount"
        in out.output
    )
    assert (
        "amendment CT-1-A2 (item_price_variation, rejected, 2025-11-01): USD 95.00 → USD 112.00 — steel prices"
        in out.output
    )
    as_json = json.loads(CliRunner().invoke(app, ["--db", url, "report", "trace", "PKG-1", "--json"]).output)
    assert as_json["delivered"][0]["contract"]["amendments"] == [SIGNED_TO_95, REFUSED_112]

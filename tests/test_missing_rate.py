"""A missing FX rate never breaks a page for everyone: a funder's EUR pledge dated before
the first recorded rate once made the home page, `GET /reports/funnel?currency=USD` and
`report funnel --currency USD` fail for every caller. Now that figure is shown as it
stands, naming the rate it lacks, and the rest of the report stands; the dashboard offers
only currencies that have rates."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import OPERATOR
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.services import bus
from supplyline.services.reads import dashboard, reports
from supplyline.services.records import funding, parties

MISSING = "EUR→USD on or before 2024-06-01"


def _ledger(store) -> None:
    bus.handle(store, OPERATOR, parties.RegisterParty(id="NL", name="Netherlands", kind="government", country="NL"))
    bus.handle(store, OPERATOR, parties.RegisterParty(id="DK", name="Denmark", kind="government", country="DK"))
    bus.handle(store, OPERATOR, parties.RecordRates(day="2025-01-02", rates={"USD": "1.10"}, source="ECB"))
    early = funding.AnnouncePledge(
        funder="NL", amount="100.00", currency="EUR", pledged_on="2024-06-01", mechanism="purl", id="PL-EARLY"
    )
    bus.handle(store, OPERATOR, early)
    later = funding.AnnouncePledge(
        funder="DK", amount="200.00", currency="EUR", pledged_on="2025-08-01", mechanism="purl", id="PL-LATER"
    )
    bus.handle(store, OPERATOR, later)


def test_the_funnel_shows_what_it_cannot_convert_on_each_database(store):
    _ledger(store)
    with store.read() as conn:
        data = reports.funnel(conn, "USD")
        by_month = dashboard.money_by_month(conn, "USD")
    assert data["total"]["pledged"] == "220.00"
    assert [(f["funder"], f["pledged"]) for f in data["funders"]] == [("DK", "220.00")]
    assert data["unconverted"] == [
        {
            "what": "pledged",
            "funder": "NL",
            "amount": "100.00",
            "currency": "EUR",
            "on": "2024-06-01",
            "missing_rate": MISSING,
        }
    ]
    assert by_month["totals"]["pledged"] == "220.00"
    assert [u["missing_rate"] for u in by_month["unconverted"]] == [MISSING]


def test_the_cli_report_stands(sqlite_store, sqlite_url):
    _ledger(sqlite_store)
    runner = CliRunner()
    result = runner.invoke(app, ["--db", sqlite_url, "report", "funnel", "--currency", "USD"])
    assert result.exit_code == 0, result.output
    assert "not converted: pledged NL EUR 100.00 on 2024-06-01 (no rate " + MISSING + ")" in result.output
    result = runner.invoke(app, ["--db", sqlite_url, "report", "funnel", "--currency", "USD", "--json"])
    assert json.loads(result.stdout)["unconverted"][0]["missing_rate"] == MISSING


def test_the_api_and_the_dashboard_stand(sqlite_store):
    _ledger(sqlite_store)
    with TestClient(create_app(sqlite_store, read_cache=False)) as client:
        answer = client.get("/api/v1/reports/funnel?currency=USD")
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"]["pledged"] == "220.00"
        assert answer.json()["unconverted"][0]["missing_rate"] == MISSING
        page = client.get("/?currency=USD")
        assert page.status_code == 200, page.text
        assert "missing rate " + MISSING in page.text
        options = re.findall(r"<option(?: selected)?>([A-Z]{3})</option>", page.text)
        assert options == ["EUR", "USD"]
        assert "<option selected>USD</option>" in page.text

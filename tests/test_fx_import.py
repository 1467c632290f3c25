"""ECB reference-rate files: history and daily format, obsolete currencies, re-imports, and
conversions that use the rate of the day or the last earlier business day, and say so."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.cli.main import app
from supplyline.engines.interchange.spreadsheet import FileRefused
from supplyline.services import bus
from supplyline.services.interchange import imports
from supplyline.services.log.checks import check_projections
from supplyline.services.reads import queries
from supplyline.services.records import funding, packages, parties, requirements

# the ECB's history file: newest first, N/A where not quoted, a trailing comma on every line
HISTORY = """Date,USD,JPY,BGN,CYP,GBP,
2025-08-04,1.1570,170.19,1.9558,N/A,0.8710,
2025-08-01,1.1543,171.22,1.9558,N/A,0.8676,
2025-07-31,1.1428,171.81,1.9558,N/A,0.8665,
2008-01-02,1.4717,164.67,1.9558,0.58527,0.74205,
"""
DAILY = """Date, USD, JPY, GBP,
05 August 2025, 1.1581, 170.50, 0.8702,
"""


def test_history_is_recorded_once_with_obsolete_currencies_set_aside(store, tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(HISTORY, encoding="utf-8")
    result = imports.import_fx(store, OPERATOR, path)
    assert (result.days, result.first, result.last) == (4, "2008-01-02", "2025-08-04")
    assert result.ignored_columns == ["BGN", "CYP"]  # no longer ISO 4217 money: the euro replaced them
    assert result.recorded == ["2008-01-02", "2025-07-31", "2025-08-01", "2025-08-04"] and result.events == 4
    with store.read() as conn:
        rates = {(r["day"], r["currency"]): r["per_eur"] for r in queries.list_fx(conn)}
    assert len(rates) == 12
    assert rates[("2025-08-04", "USD")] == "1.1570" and rates[("2008-01-02", "GBP")] == "0.74205"
    count = event_count(store)
    again = imports.import_fx(store, OPERATOR, path)
    assert (again.recorded, again.unchanged, again.events) == ([], 4, 0)
    assert event_count(store) == count

    daily = tmp_path / "eurofxref.csv"
    daily.write_text(DAILY, encoding="utf-8")
    assert imports.import_fx(store, OPERATOR, daily).recorded == ["2025-08-05"]
    assert check_projections(store) == []


def test_bad_cells_are_all_reported_and_a_changed_rate_is_refused(sqlite_store, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(
        "Date,USD,GBP\n2025-08-04,1.1570,0,8710\n2025-08-32,1.1,0.8\n2025-08-01,-1.2,0.8676\n", encoding="utf-8"
    )
    with pytest.raises(FileRefused) as refused:
        imports.import_fx(sqlite_store, OPERATOR, path)
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [
        (2, "GBP", "0"),
        (3, "Date", "2025-08-32"),
        (4, "USD", "-1.2"),
    ]
    assert event_count(sqlite_store) == 0

    path.write_text("Date,USD\n2025-08-04,1.1570\n", encoding="utf-8")
    imports.import_fx(sqlite_store, OPERATOR, path)
    path.write_text("Date,USD\n2025-08-04,1.1571\n", encoding="utf-8")
    with pytest.raises(
        Exception, match=re.escape("2025-08-04 already has USD 1.1570; a recorded rate is never changed")
    ):
        imports.import_fx(sqlite_store, OPERATOR, path)


def test_an_allocation_on_a_weekend_uses_fridays_rate_and_records_it(sqlite_store, tmp_path):
    """2025-08-02 is a Saturday: the ECB's last rate before it is Friday 2025-08-01's."""
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(HISTORY, encoding="utf-8")
    imports.import_fx(sqlite_store, OPERATOR, path)
    for party_id, kind in (("NL-GOV", "government"), ("US-GOV", "government"), ("UA-MOD", "government")):
        bus.handle(
            sqlite_store, OPERATOR, parties.RegisterParty(id=party_id, name=party_id, kind=kind, country=party_id[:2])
        )
    bus.handle(
        sqlite_store,
        OPERATOR,
        requirements.DraftRequirement(
            recipient="UA-MOD",
            list_month="2025-08",
            priority=1,
            rank=1,
            item="Radar",
            category="air_defence",
            quantity=1,
            unit="radar",
            unit_price="1000000",
            currency="USD",
            id="REQ-1",
        ),
    )
    bus.handle(sqlite_store, OPERATOR, requirements.SubmitRequirement(requirement_id="REQ-1"))
    bus.handle(sqlite_store, OPERATOR, requirements.ValidateRequirement(requirement_id="REQ-1"))
    bus.handle(
        sqlite_store,
        OPERATOR,
        packages.DraftPackage(
            title="P", mechanism="purl", seller="US-GOV", recipient="UA-MOD", currency="USD", approvers=(), id="PKG-1"
        ),
    )
    bus.handle(sqlite_store, OPERATOR, packages.AddLine(package_id="PKG-1", requirement_id="REQ-1", quantity=1))
    bus.handle(
        sqlite_store,
        OPERATOR,
        funding.AnnouncePledge(
            funder="NL-GOV",
            amount="2000000",
            currency="EUR",
            pledged_on="2025-07-31",
            mechanism="purl",
            id="PL-1",
            commit=True,
        ),
    )
    bus.handle(
        sqlite_store,
        OPERATOR,
        funding.Allocate(
            pledge_id="PL-1", package_id="PKG-1", line_no=1, amount="1000000", currency="USD", on="2025-08-02"
        ),
    )
    with sqlite_store.read() as conn:
        (allocation,) = queries.pledge(conn, "PL-1")["allocations"]
    rate = Decimal(1) / Decimal("1.1543")  # EUR per USD on Friday, to 12 significant digits
    fx_rate = allocation["fx_rate"]
    assert allocation["fx_date"] == "2025-08-01" and fx_rate is not None
    assert Decimal(fx_rate) == rate.quantize(Decimal("1e-12"))
    assert allocation["amount"] == str((Decimal(1000000) * Decimal(fx_rate)).quantize(Decimal("0.01")))


def test_cli_import_fx(sqlite_store, sqlite_url, tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(HISTORY, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", sqlite_url, "import", "fx", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 business days (2008-01-02 to 2025-08-04); recorded 4, 0 already in the ledger" in result.output
    assert "not imported (no longer ISO 4217 currencies): BGN, CYP" in result.output

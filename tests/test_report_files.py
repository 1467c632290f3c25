"""Reports written as CSV and XLSX files, with number and date cells that are numbers and dates."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.services.reads import reports


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_funnel_xlsx_has_number_cells_that_match_the_report(demo_store, demo_sqlite_url, tmp_path):
    out = tmp_path / "funnel.xlsx"
    assert f"written: {out}" in run("--db", demo_sqlite_url, "report", "funnel", "--currency", "USD", "--out", str(out))
    with demo_store.read() as conn:
        data = reports.funnel(conn, "USD")
    book = load_workbook(out)
    assert book.sheetnames == ["funnel", "rates used"]
    sheet = book["funnel"]
    assert [c.value for c in sheet[1]] == [
        "funder",
        "name",
        "pledged (USD)",
        "allocated (USD)",
        "contracted (USD)",
        "delivered (USD)",
        "withheld",
    ]
    rows = list(sheet.iter_rows(min_row=2))
    assert all(r[6].value is None for r in rows)  # the operator's report rests on nothing withheld
    assert [r[0].value for r in rows] == [f["funder"] for f in data["funders"]] + ["TOTAL"]
    stated: list[Mapping[str, Any]] = [*data["funders"], data["total"]]
    for row, figures in zip(rows, stated, strict=False):
        for cell, key in zip(row[2:], ("pledged", "allocated", "contracted", "delivered"), strict=False):
            assert cell.data_type == "n" and isinstance(cell.value, (int, float))
            assert Decimal(str(cell.value)) == Decimal(figures[key])
            assert cell.number_format == "#,##0.00"
    rates = book["rates used"]
    assert rates["A2"].is_date and rates["A2"].value == datetime(2025, 8, 4)
    assert rates["D2"].data_type == "n" and Decimal(str(rates["D2"].value)) == Decimal(data["rates_used"][0]["rate"])


def test_trace_xlsx_has_date_cells_and_every_share(demo_store, demo_sqlite_url, tmp_path):
    out = tmp_path / "trace.xlsx"
    run("--db", demo_sqlite_url, "report", "trace", "PKG-NL-1", "--out", str(out))
    with demo_store.read() as conn:
        data = reports.trace(conn, "PKG-NL-1")
    book = load_workbook(out)
    assert book.sheetnames == ["delivered", "funding", "contracts"]
    delivered = book["delivered"]
    headers = [c.value for c in delivered[1]]
    rows = [dict(zip(headers, r, strict=False)) for r in delivered.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == sum(len(d["paid_by"]) for d in data["delivered"]) == 4
    short = next(r for r in rows if r["short"])
    assert (short["shipment"], short["received on"], short["shipped"], short["received"], short["short"]) == (
        "SH-NL-2",
        datetime(2025, 12, 2),
        150,
        146,
        4,
    )
    assert delivered.cell(row=2, column=headers.index("received on") + 1).is_date
    assert sum(Decimal(str(r["paid (USD)"])) for r in rows) == sum(Decimal(d["value"]) for d in data["delivered"])
    funding = book["funding"]
    assert funding.cell(row=2, column=11).data_type == "n"  # the rate used, as a number


def test_csv_files_hold_the_same_values_as_plain_text(demo_sqlite_url, tmp_path):
    out = tmp_path / "funnel.csv"
    output = run("--db", demo_sqlite_url, "report", "funnel", "--out", str(out))
    assert f"written: {tmp_path / 'funnel.rates-used.csv'}" in output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = rows[-1]
    assert total["funder"] == "TOTAL"
    assert Decimal(total["pledged (EUR)"]) == sum(Decimal(r["pledged (EUR)"]) for r in rows[:-1])
    with (tmp_path / "funnel.rates-used.csv").open(encoding="utf-8") as f:
        assert next(csv.DictReader(f))["rate date"] == "2025-08-04"


def test_an_unknown_report_format_is_refused_before_anything_runs(demo_sqlite_url, tmp_path):
    result = CliRunner().invoke(app, ["--db", demo_sqlite_url, "report", "funnel", "--out", str(tmp_path / "f.pdf")])
    assert result.exit_code == 2
    assert "out: a report file ends in .csv or .xlsx" in result.output
    assert not (tmp_path / "f.pdf").exists()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_kiel_report_file(demo_sqlite_url, tmp_path, suffix):
    from conftest import SHARED

    data = SHARED / "data" / "kiel" / "data_explorer.csv"
    if not data.exists():
        pytest.skip(f"the Kiel tracker files are not at {data.parent}")
    run("--db", demo_sqlite_url, "import", "kiel", str(data))
    out = tmp_path / f"kiel.{suffix}"
    run("--db", demo_sqlite_url, "report", "kiel", "--out", str(out))
    if suffix == "xlsx":
        sheet = load_workbook(out)["kiel release 29"]
        nld = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "NLD")
        assert nld[3].data_type == "n" and Decimal(str(nld[3].value)) == Decimal("500000000")
    else:
        with out.open(encoding="utf-8") as f:
            nld = next(r for r in csv.DictReader(f) if r["donor"] == "NLD")
        assert nld["supplyline pledged (EUR)"] == "500000000.00"

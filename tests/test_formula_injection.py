"""Spreadsheet output is safe to open: text beginning with =, +, -, @, tab or carriage
return never becomes a formula, in CSV and XLSX reports and in reject files (one cell
writer, engines/interchange/cells.py). A plain number such as -12.50 stays a number, and
a reject file read back gives the values as they were typed."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import OPERATOR
from supplyline.cli.main import app
from supplyline.engines.interchange.report_files import Column, ReportSheet, csv_bytes, xlsx_bytes
from supplyline.engines.interchange.spreadsheet import read_sheet
from supplyline.services import bus
from supplyline.services.records import funding, parties

DANGEROUS = [
    '=HYPERLINK("http://x.example","click")',
    "+1+2",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]
SHEET = ReportSheet(
    "notes",
    [Column("text", "text"), Column("amount", "amount", "money")],
    [{"text": text, "amount": "1.00"} for text in DANGEROUS] + [{"text": "-12.50", "amount": "-12.50"}],
)


def _formulas(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        cell.coordinate for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.data_type == "f"
    ]


def test_csv_report_cells_cannot_start_a_formula():
    rows = list(csv.reader(io.StringIO(csv_bytes(SHEET).decode())))
    assert [r[0] for r in rows[1:-1]] == ["'" + text for text in DANGEROUS]
    assert rows[-1] == ["-12.50", "-12.50"]  # a plain number is a number


def test_xlsx_report_holds_no_formula_and_keeps_the_text():
    data = xlsx_bytes([SHEET])
    assert _formulas(data) == []
    ws = load_workbook(io.BytesIO(data))["notes"]
    texts = [ws.cell(row=r, column=1) for r in range(2, 2 + len(DANGEROUS))]
    assert [c.value for c in texts] == DANGEROUS
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)


def test_a_funnel_report_naming_a_formula_party_is_inert(sqlite_store, sqlite_url, tmp_path):
    bus.handle(sqlite_store, OPERATOR, parties.RegisterParty(id="EVIL", name="=1+2", kind="company"))
    bus.handle(
        sqlite_store,
        OPERATOR,
        funding.AnnouncePledge(
            funder="EVIL", amount="10.00", currency="EUR", pledged_on="2025-08-01", mechanism="purl", id="PL-1"
        ),
    )
    out = tmp_path / "funnel.xlsx"
    result = CliRunner().invoke(app, ["--db", sqlite_url, "report", "funnel", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _formulas(out.read_bytes()) == []
    names = [c.value for c in load_workbook(out)["funnel"]["B"]]
    assert "=1+2" in names
    out_csv = tmp_path / "funnel.csv"
    assert CliRunner().invoke(app, ["--db", sqlite_url, "report", "funnel", "--out", str(out_csv)]).exit_code == 0
    assert "'=1+2" in out_csv.read_text()


def test_reject_files_are_inert_and_read_back_as_typed(sqlite_store, sqlite_url, tmp_path):
    bus.handle(
        sqlite_store, OPERATOR, parties.RegisterParty(id="NL", name="Netherlands", kind="government", country="NL")
    )
    source = tmp_path / "pledges.csv"
    source.write_text(
        "funder,amount,currency,pledged_on,mechanism,note\n"
        "NL,100.00,EUR,2025-08-01,purl,fine\n"
        "NL,not money,EUR,2025-08-01,purl,=1+2\n"
        "NL,-5,EUR,2025-08-01,purl,@SUM(1)\n"
    )
    for suffix in ("csv", "xlsx"):
        rejects = tmp_path / f"rejects.{suffix}"
        result = CliRunner().invoke(
            app,
            ["--db", sqlite_url, "import", "pledges", str(source), "--skip-invalid", "--rejects", str(rejects)],
        )
        assert rejects.exists(), result.output
        if suffix == "csv":
            assert "'=1+2" in rejects.read_text() and "'@SUM(1)" in rejects.read_text()
            assert ",-5," in rejects.read_text()  # a plain number stays as typed
        else:
            assert _formulas(rejects.read_bytes()) == []
        notes = [raw.cells[-2] for raw in read_sheet(rejects).rows]
        assert notes == ["=1+2", "@SUM(1)"]

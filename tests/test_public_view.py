"""The public view (issue 21 item 2): signed-out package summaries and pages whose withheld
figures say until when (never 0.00), the open data without a token, the methodology page,
CSV and XLSX beside every table holding the table's figures, and empty states that say why."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from decimal import Decimal

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import select

import scenario
from public_surfaces import pattern
from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.records import funding
from supplyline.store import schema as t
from test_ocds_export import cove, extensions_url  # noqa: F401 - the fixture serves the OCDS extensions

WITHHELD_UNTIL = "withheld until 2027-09-30"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _cells(html: str, table: str) -> list[list[str]]:
    """The cells of a table's rows, as the page shows them."""
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r'<tr data-row="[^"]*">(.*?)</tr>', body, flags=re.S)
    return [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]


def _rows(html: str, table: str) -> dict[str, list[str]]:
    """The same by each row's first cell."""
    return {row[0]: row for row in _cells(html, table)}


def _withheld_allocation(store) -> None:
    """PKG-1's line (100 × USD 100) funded with USD 1,000 of PL-A, the allocation withheld
    from all but the parties until 30 September 2027."""
    scenario.base(store)
    later = "parties@2027-09-30"
    bus.handle(
        store,
        scenario.OP,
        funding.Allocate(
            pledge_id="PL-A",
            package_id="PKG-1",
            line_no=1,
            amount="1000.00",
            on="2025-08-03",
            disclosure={"amount": later, "fx": later, "line_amount": later},
        ),
    )


def test_a_withheld_figure_says_until_when_never_zero(store):
    _withheld_allocation(store)
    client = TestClient(create_app(store, read_cache=False))
    listing = client.get("/packages")
    assert listing.status_code == 200
    row = _rows(listing.text, "packages")["PKG-1"]
    # Package, Title, State, Funders, Recipient, Currency, Value, Funded, Contracted, Delivered, Share
    assert row == [
        "PKG-1",
        "P",
        "draft",
        "Netherlands",
        "Ukraine MoD",
        "USD",
        WITHHELD_UNTIL,  # an allocation's amount gives its line's price away (the disclosure table)
        WITHHELD_UNTIL,
        "—",
        "—",
        "—",
    ]
    assert "1 package(s) have figures resting on withheld values" in _text(listing.text)
    page = client.get("/packages/PKG-1")
    assert page.status_code == 200
    figures = _text(page.text.split('id="figures"', 1)[1].split("</div>\n</div>", 1)[0])
    assert f"Funded (USD) {WITHHELD_UNTIL}" in figures and f"Value (USD) {WITHHELD_UNTIL}" in figures
    assert _rows(page.text, "funders") == {"Netherlands": ["Netherlands", WITHHELD_UNTIL]}
    assert _rows(page.text, "lines")["1"] == [
        "1",
        "Interceptor",
        "air_defence",
        "100",
        WITHHELD_UNTIL,
        WITHHELD_UNTIL,
        "—",
    ]
    assert "1,000.00" not in page.text and "0.00" not in page.text
    # the same figures in the files beside the tables
    assert list(csv.reader(io.StringIO(client.get("/packages/PKG-1?format=csv&table=funders").text))) == [
        ["Funder", "Given to this package"],
        ["Netherlands", WITHHELD_UNTIL],
    ]
    # a signed-out reader asking for a package that is not there is told so
    missing = client.get("/packages/PKG-NONE")
    assert missing.status_code == 404 and "package 'PKG-NONE' does not exist" in html.unescape(missing.text)


def test_csv_and_xlsx_beside_each_table_hold_its_figures(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    page = client.get("/packages")
    shown = _rows(page.text, "packages")
    assert shown["PKG-NL-1"][6:] == ["572,000,000.00", "558,500,000.00", "558,500,000.00", "318,120,000.00", "57.0 %"]
    assert shown["PKG-DD-1"][6:] == ["withheld until 2027-06-30"] * 5
    links = dict(re.findall(r'href="(/packages\?format=(csv|xlsx)&amp;table=packages)"', page.text))
    assert set(links.values()) == {"csv", "xlsx"}
    as_csv = client.get("/packages?format=csv&table=packages")
    assert as_csv.headers["content-disposition"] == 'attachment; filename="packages.packages.csv"'
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][6:] == ["Value", "Funded", "Contracted", "Delivered", "Share delivered (%)"]
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == set(shown)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/packages?format=xlsx&table=packages").content))
    sheet = book["packages"]
    cells = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for package_id, row in shown.items():
        for i, on_page in enumerate(row[6:], start=6):
            in_csv, in_xlsx = by_id[package_id][i], cells[package_id][i]
            if on_page.startswith("withheld"):
                assert in_csv == in_xlsx == on_page, (package_id, i)
            elif on_page == "—":
                assert in_csv == "" and in_xlsx is None, (package_id, i)
            else:
                number = Decimal(on_page.rstrip(" %").replace(",", ""))
                assert Decimal(in_csv) == number and Decimal(str(in_xlsx)) == number, (package_id, i)
    assert sheet["G1"].value == "Value" and sheet.cell(row=2, column=7).number_format == "#,##0.00"
    unknown = client.get("/packages?format=pdf")
    assert unknown.status_code == 404 and "format: csv or xlsx; table: one of packages" in unknown.text


def test_public_package_page_of_the_drone_deal(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    page = client.get("/packages/PKG-DD-1")
    assert page.status_code == 200
    assert _text(page.text.split('id="share">', 1)[1].split("</div>", 1)[0]) == "withheld until 2027-06-30"
    lines = _rows(page.text, "lines")
    assert lines["1"][:3] == ["1", "Interceptor drone", "aerial_drones"]
    assert lines["1"][3:6] == ["withheld until 2027-06-30"] * 3
    assert _rows(page.text, "deliveries")["SH-DD-1"] == [
        "SH-DD-1",
        "DD-PA-1",
        "withheld until 2027-06-30",
        "received",
        "2025-12-15",
        "2026-01-08",
        "3,000",
        "3,000",
    ]
    # each withheld cell links to the event whose commitment holds the value: line 1's price was
    # withheld where it was added (event 204), its quantity where the purchase agreement was signed (214)
    line = page.text.split('<tr data-row="1">', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<a class="withheld" href="([^"]+)">', line) == [
        "/ledger/events/214",
        "/ledger/events/204",
        "/ledger/events/214",
    ]
    assert client.get("/ledger/events/204").status_code == 200
    nl = client.get("/packages/PKG-NL-1")
    assert "57.0 %" in _text(nl.text.split('id="share">', 1)[1].split("</div>", 1)[0])
    assert _rows(nl.text, "funders") == {"Netherlands": ["Netherlands", "558,500,000.00"]}
    # in Ukrainian (the switch is remembered), numbers in the reader's locale
    in_uk = client.get("/packages/PKG-DD-1?lang=uk").text
    assert in_uk.count("приховано до 2027-06-30") == 13
    assert _rows(client.get("/packages/PKG-NL-1").text, "funders")["Netherlands"][1] == "558 500 000,00"


def test_the_open_data_is_public_and_valid(demo_store, extensions_url, tmp_path):  # noqa: F811 - the fixture imported above shares its name
    client = TestClient(create_app(demo_store, read_cache=False))
    download = client.get("/open-data/ocds.json")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="supplyline-ocds.json"'
    package = json.loads(download.text, parse_float=Decimal)
    assert package["uri"] == "http://testserver/open-data/ocds.json"
    assert package["publisher"]["name"] == "supplyline.local/ledger"
    result = cove(package, extensions_url, tmp_path)
    assert result["validation_errors"] == []
    assert result["count"] == 7
    # the API answers the public the same releases, without a token
    api = client.get("/api/v1/exports/ocds")
    assert api.status_code == 200
    assert [r["ocid"] for r in api.json()["releases"]] == [r["ocid"] for r in package["releases"]]
    # the Drone Deal's allocations are withheld until 2027: their amounts are in no release
    with demo_store.read() as conn:
        amounts = conn.execute(
            select(t.allocations.c.amount_minor).where(t.allocations.c.pledge_id == "PL-US-DD-2025")
        ).scalars()
        withheld = [format(Decimal(minor) / 100, "f") for minor in amounts]
    assert withheld and not [a for a in withheld if pattern(a).search(download.text)]
    assert "/open-data/ocds.json" in client.get("/packages").text


def test_the_methodology_page(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    page = client.get("/methodology")
    assert page.status_code == 200
    text = _text(page.text)
    assert "It holds 299 events now." in text
    assert "no release has been loaded into this ledger" in text
    assert "for: CAD, DKK, EUR, NOK, PLN, SEK, USD." in text
    assert "at one rate throughout: the rate recorded for the day it was pledged" in text
    assert 'href="/ledger/checkpoint"' in page.text and 'href="/ledger/key"' in page.text
    assert "supplyline audit inclusion inclusion-N.json --checkpoint checkpoint.txt" in text
    rows = list(csv.reader(io.StringIO(client.get("/methodology?format=csv&table=withheld").text)))
    assert rows == [
        ["Disclosure level", "Public from", "Fields withheld", "Records"],
        ["confidential", "2027-06-30", "6", "3"],
        ["parties", "2027-06-30", "10", "4"],
        ["confidential", "2027-12-31", "1", "1"],
        ["confidential", "no release date set", "6", "3"],
        # PKG-CA-1's rejection's reason and Canada's concurrence with PKG-CA-2 (a new record) among the parties
        ["parties", "no release date set", "27", "15"],
    ]
    assert _cells(page.text, "withheld") == rows[1:]


def test_signed_out_empty_states_say_why(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    with demo_store.read() as conn:
        lines = len(conn.execute(select(t.requirements.c.id)).all())
        facilities = len(conn.execute(select(t.facilities.c.id)).all())
        orders = len(conn.execute(select(t.production_orders.c.id)).all())
    requirements = client.get("/requirements").text
    assert "The prioritised list is confidential to the recipient" in _text(requirements)
    assert f"; {lines} lines exist." in _text(requirements)
    assert '<table id="lines">' not in requirements
    production = client.get("/production").text
    assert f"; {facilities} facilities and {orders} production orders exist." in _text(production)
    assert "<table" not in production


def test_the_overviews_money_by_month_downloads_as_shown(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    page = client.get("/?currency=USD")
    body = page.text.split('<table id="by-month">', 1)[1].split("</table>", 1)[0]
    shown = {
        month: [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        for month, row in re.findall(r'<tr data-month="([^"]+)">(.*?)</tr>', body, flags=re.S)
    }
    assert 'href="/?currency=USD&amp;format=csv&amp;table=money-by-month"' in page.text
    rows = list(csv.reader(io.StringIO(client.get("/?currency=USD&format=csv&table=money-by-month").text)))
    assert rows[0] == [
        "Month",
        "pledged (USD)",
        "allocated (USD)",
        "contracted (USD)",
        "delivered (USD)",
        "allocated to date (USD)",
    ]
    assert len(rows) - 1 == len(shown) > 3
    for row in rows[1:]:
        assert [f"{Decimal(v):,.2f}" for v in row[1:]] == shown[row[0]][1:], row[0]
    # the public's August 2025: what was pledged and allocated that month (and is still held: PKG-CA-1's
    # USD 500 M went back on its rejection, and count in December 2026 as PKG-CA-2's), nothing yet contracted
    assert rows[1] == ["2025-08", "2089500000.00", "1563500000.00", "0.00", "0.00", "1563500000.00"]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/?currency=USD&format=xlsx&table=money-by-month").content))
    assert [c.value for c in book["money-by-month"][1]] == rows[0]


def test_the_public_end_use_table_downloads_as_shown(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    page = client.get("/end-use")
    body = page.text.split('<table id="by-month">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    shown = [
        [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]
    assert 'href="/end-use?format=csv&amp;table=end-use-by-month"' in page.text
    rows = list(csv.reader(io.StringIO(client.get("/end-use?format=csv&table=end-use-by-month").text)))
    assert rows[0] == ["Month", "Category", "Items not delinquent (%)"]
    assert len(shown) >= 2
    assert [[m, c.replace("_", " "), f"{pct} %"] for m, c, pct in rows[1:]] == shown

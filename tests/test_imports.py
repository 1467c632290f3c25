"""Spreadsheet imports of pledges and requirements: mapped headers, all errors at once,
nothing written unless valid, reject files, and re-imports that write nothing."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.cli.main import app
from supplyline.engines.interchange.spreadsheet import ERRORS_COLUMN, FileRefused
from supplyline.services import bus
from supplyline.services.interchange import imports
from supplyline.services.log.checks import check_projections
from supplyline.services.reads import queries
from supplyline.services.records import parties

FUNDERS = ("NL-GOV", "DE-GOV", "NO-GOV")
CANONICAL = ["funder", "amount", "currency", "pledged_on", "mechanism", "categories", "origins", "valid_until", "note"]


def register(store, *ids: str) -> None:
    for party_id in ids:
        bus.handle(
            store,
            OPERATOR,
            parties.RegisterParty(
                id=party_id, name=f"Government {party_id[:2]}", kind="government", country=party_id[:2]
            ),
        )


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, header: list[str], rows: list[list], sheet: str = "Sheet1", above: Sequence[list] = ()
) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in [*above, header, *rows]:
        ws.append(row)
    book.save(path)
    return path


def pledges(store) -> list[dict]:
    with store.read() as conn:
        return [{k: v for k, v in row.items() if k != "id"} for row in queries.list_pledges(conn)]


# --- the mapped file in another language --------------------------------------------------

# (funder, amount, currency, day, mechanism, categories, origins, valid until, note)
PLEDGE_ROWS = [
    ("NL-GOV", Decimal("500000000.00"), "EUR", date(2025, 8, 4), "purl", (), ("US",), None, "erste Zusage"),
    (
        "DE-GOV",
        Decimal("1234567.89"),
        "EUR",
        date(2025, 8, 13),
        "purl",
        ("air_defence", "electronic_warfare"),
        ("US",),
        date(2026, 12, 31),
        "",
    ),
    ("NO-GOV", Decimal("146000000"), "USD", date(2025, 8, 5), "bilateral", (), (), None, "Nordic"),
    (
        "NL-GOV",
        Decimal("0.05"),
        "EUR",
        date(2025, 9, 1),
        "drone_deal",
        ("aerial_drones",),
        ("UA",),
        date(2027, 1, 31),
        "",
    ),
]
GERMAN = {
    "purl": "PURL",
    "drone_deal": "Drohnen-Abkommen",
    "bilateral": "bilateral",
    "air_defence": "Luftverteidigung",
    "electronic_warfare": "Elektronische Kampfführung",
    "aerial_drones": "Luftdrohnen",
}
GERMAN_HEADERS = [
    "Geber",
    "Betrag",
    "Währung",
    "Zusagedatum",
    "Mechanismus",
    "Kategorien",
    "Herkunft",
    "Gültig bis",
    "Bemerkung",
    "Interne Notiz",
]
YAML_MAPPING = """
columns:
  funder: Geber
  amount: Betrag
  currency: Währung
  pledged_on: Zusagedatum
  mechanism: Mechanismus
  categories: Kategorien
  origins: Herkunft
  valid_until: Gültig bis
  note: Bemerkung
decimal_separator: ","
thousands_separator: "."
date_formats: ["%d.%m.%Y"]
values:
  mechanism: {PURL: purl, Drohnen-Abkommen: drone_deal, bilateral: bilateral}
  categories: {Luftverteidigung: air_defence, Elektronische Kampfführung: electronic_warfare, Luftdrohnen: aerial_drones}
ignore: [Interne Notiz]
"""
TOML_MAPPING = """
sheet = "Zusagen"
header_row = 3
date_formats = ["%d.%m.%Y"]
ignore = ["Interne Notiz"]

[columns]
funder = "Geber"
amount = "Betrag"
currency = "Währung"
pledged_on = "Zusagedatum"
mechanism = "Mechanismus"
categories = "Kategorien"
origins = "Herkunft"
valid_until = "Gültig bis"
note = "Bemerkung"

[values.mechanism]
PURL = "purl"
Drohnen-Abkommen = "drone_deal"
bilateral = "bilateral"

[values.categories]
Luftverteidigung = "air_defence"
"Elektronische Kampfführung" = "electronic_warfare"
Luftdrohnen = "aerial_drones"
"""


def canonical_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "pledges.csv",
        CANONICAL,
        [
            [f, str(a), c, d.isoformat(), m, ";".join(cats), ";".join(o), u.isoformat() if u else "", n]
            for f, a, c, d, m, cats, o, u, n in PLEDGE_ROWS
        ],
    )


def _german_amount(amount: Decimal) -> str:
    whole, _, cents = f"{amount:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


def german_csv(tmp_path: Path) -> tuple[Path, Path]:
    rows = [
        [
            f,
            _german_amount(a),
            c,
            d.strftime("%d.%m.%Y"),
            GERMAN[m],
            "; ".join(GERMAN[x] for x in cats),
            ";".join(o),
            u.strftime("%d.%m.%Y") if u else "",
            n,
            "nur intern",
        ]
        for f, a, c, d, m, cats, o, u, n in PLEDGE_ROWS
    ]
    mapping = tmp_path / "zusagen.yaml"
    mapping.write_text(YAML_MAPPING, encoding="utf-8")
    return write_csv(tmp_path / "zusagen.csv", GERMAN_HEADERS, rows, delimiter=";"), mapping


def german_xlsx(tmp_path: Path) -> tuple[Path, Path]:
    # typed cells: numbers as numbers (one with its currency in the cell), dates as dates
    rows = []
    for f, a, c, d, m, cats, o, u, n in PLEDGE_ROWS:
        amount = f"{c} {a}" if f == "NO-GOV" else float(a)
        rows.append(
            [
                f,
                amount,
                None if f == "NO-GOV" else c,
                datetime(d.year, d.month, d.day),
                GERMAN[m],
                ";".join(GERMAN[x] for x in cats),
                ",".join(o),
                u.strftime("%d.%m.%Y") if u else None,
                n or None,
                "nur intern",
            ]
        )
    mapping = tmp_path / "zusagen.toml"
    mapping.write_text(TOML_MAPPING, encoding="utf-8")
    path = write_xlsx(
        tmp_path / "zusagen.xlsx", GERMAN_HEADERS, rows, sheet="Zusagen", above=[["Zusagen an die PURL"], []]
    )
    return path, mapping


@pytest.mark.parametrize("german", [german_csv, german_xlsx], ids=["csv-yaml", "xlsx-toml"])
def test_a_mapped_file_in_german_round_trips_to_the_same_pledges(store, sqlite_url, tmp_path, german):
    register(store, *FUNDERS)
    imports.import_pledges(store, OPERATOR, canonical_file(tmp_path))
    expected = pledges(store)
    assert [(p["funder"], p["amount"], p["amount_currency"], p["categories"]) for p in expected] == [
        ("NL-GOV", "500000000.00", "EUR", []),
        ("NO-GOV", "146000000.00", "USD", []),
        ("DE-GOV", "1234567.89", "EUR", ["air_defence", "electronic_warfare"]),
        ("NL-GOV", "0.05", "EUR", ["aerial_drones"]),
    ]

    from supplyline.services.context import open_store

    other = open_store(sqlite_url.replace("ledger.db", "german.db"), create=True)
    try:
        register(other, *FUNDERS)
        path, mapping = german(tmp_path)
        result = imports.import_pledges(other, OPERATOR, path, mapping=mapping)
        assert len(result.recorded) == 4 and result.rejected == []
        assert pledges(other) == expected
    finally:
        other.engine.dispose()


# --- 5 bad rows among 1,000 ------------------------------------------------------------------

BAD = {  # spreadsheet row -> (column, value, reason)
    18: ("amount", "12,5x", "is not a number"),
    245: (
        "funder",
        "XX-GOV",
        "party 'XX-GOV' does not exist (by id, name, alias or country); --create-parties registers it",
    ),
    500: ("pledged_on", "2025-02-30", "is not a date in the expected format ('%Y-%m-%d')"),
    777: ("mechanism", "lend-lease", "must be one of: purl, drone_deal, bilateral"),
    1001: ("currency", "EURO", "must be a three-letter upper-case ISO 4217 code"),
}


def thousand_rows(tmp_path: Path, name: str = "pledges.csv") -> Path:
    rows = []
    for number in range(2, 1002):  # the header is row 1
        row = {
            "funder": FUNDERS[number % 3],
            "amount": f"{1000 + number}.25",
            "currency": "EUR",
            "pledged_on": f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}",
            "mechanism": "purl",
        }
        if number in BAD:
            column, value, _ = BAD[number]
            row[column] = value
        rows.append([row[c] for c in ("funder", "amount", "currency", "pledged_on", "mechanism")])
    return write_csv(tmp_path / name, ["funder", "amount", "currency", "pledged_on", "mechanism"], rows)


def test_five_bad_rows_among_a_thousand_are_all_reported_and_nothing_is_written(store, tmp_path):
    register(store, *FUNDERS)
    path = thousand_rows(tmp_path)
    before = event_count(store)
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(store, OPERATOR, path)
    assert [(p.row, p.column, p.value, p.reason) for p in refused.value.problems] == [
        (row, column, value, reason) for row, (column, value, reason) in BAD.items()
    ]
    assert event_count(store) == before
    assert pledges(store) == []

    rejects = tmp_path / "rejects.csv"
    result = imports.import_pledges(store, OPERATOR, path, skip_invalid=True, rejects=rejects)
    assert len(result.recorded) == 995 and result.events == 995
    assert event_count(store) == before + 995
    with rejects.open(encoding="utf-8-sig") as f:
        rejected = list(csv.DictReader(f))
    assert len(rejected) == 5
    assert [r[ERRORS_COLUMN] for r in rejected] == [f"{column}: {reason}" for column, _, reason in BAD.values()]

    # fix the reject file and import it: the 5 rows join the 995, and the first file changes nothing any more
    fixed = {
        "amount": "12.5",
        "funder": "NO-GOV",
        "pledged_on": "2025-02-28",
        "mechanism": "bilateral",
        "currency": "EUR",
    }
    for row, (column, _, _) in zip(rejected, BAD.values(), strict=False):
        row[column] = fixed[column]
    write_csv(rejects, list(rejected[0]), [list(r.values()) for r in rejected])
    assert len(imports.import_pledges(store, OPERATOR, rejects).recorded) == 5
    again = imports.import_pledges(store, OPERATOR, path, skip_invalid=True, rejects=tmp_path / "again.csv")
    assert (len(again.recorded), len(again.unchanged), again.events) == (0, 995, 0)
    assert event_count(store) == before + 1000
    assert check_projections(store) == []


def test_cli_reports_every_bad_row_and_exits_2(sqlite_store, sqlite_url, tmp_path):
    register(sqlite_store, *FUNDERS)
    path = thousand_rows(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["--db", sqlite_url, "import", "pledges", str(path)])
    assert result.exit_code == 2
    for row, (column, value, reason) in BAD.items():
        assert f"pledges.csv, row {row}, column '{column}': {reason} (value '{value}')" in result.output
    assert "5 problem(s); nothing was written" in result.output
    assert event_count(sqlite_store) == len(FUNDERS)

    result = runner.invoke(app, ["--db", sqlite_url, "import", "pledges", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "recorded 995 pledges" in result.output
    assert len(list(csv.reader((tmp_path / "pledges.rejects.csv").open(encoding="utf-8-sig")))) == 1 + 5


# --- the same file twice, changed rows, file-level problems ---------------------------------------


def test_the_same_file_twice_writes_nothing_the_second_time_and_a_changed_row_is_refused(store, tmp_path):
    register(store, *FUNDERS)
    header = ["id", "funder", "amount", "currency", "pledged_on", "mechanism"]
    path = write_csv(
        tmp_path / "p.csv",
        header,
        [
            ["PL-A", "NL-GOV", "100.00", "EUR", "2025-08-04", "purl"],
            ["PL-B", "DE-GOV", "200", "USD", "2025-08-05", "purl"],
        ],
    )
    first = imports.import_pledges(store, OPERATOR, path, commit=True)
    assert first.recorded == ["PL-A", "PL-B"] and first.events == 4  # announced and committed
    count = event_count(store)
    second = imports.import_pledges(store, OPERATOR, path, commit=True)
    assert (second.recorded, second.unchanged, second.events) == ([], ["PL-A", "PL-B"], 0)
    assert event_count(store) == count

    write_csv(path, header, [["PL-A", "NL-GOV", "150.00", "EUR", "2025-08-04", "purl"]])
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(store, OPERATOR, path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (2, "id")
    assert problem.reason == (
        "pledge PL-A is already recorded with other values (amount: ledger EUR 100.00, file EUR "
        "150.00); a recorded entry is never changed by an import"
    )
    assert event_count(store) == count


def test_rows_without_id_repeat_by_natural_key(sqlite_store, tmp_path):
    register(sqlite_store, *FUNDERS)
    row = ["NL-GOV", "100", "EUR", "2025-08-04", "purl"]
    path = write_csv(
        tmp_path / "p.csv",
        ["funder", "amount", "currency", "pledged_on", "mechanism"],
        [row, ["NL-GOV", "100.00", "EUR", "2025-08-04", "purl"]],
    )
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path)
    assert [(p.row, p.reason) for p in refused.value.problems] == [
        (
            3,
            "repeats row 2 (same funder, date, amount, currency and mechanism); give both an id to import both (id_from in a mapping builds one from columns)",
        )
    ]


@pytest.mark.parametrize(
    "header, message",
    [
        (
            ["funder", "amount", "currency", "pledged_on", "mechanism", "curency"],
            "column 'curency': is not a column this import reads",
        ),
        (["funder", "amount", "currency", "mechanism"], "the required column 'pledged_on' (pledged_on) is missing"),
        (
            ["funder", "amount", "pledged_on", "mechanism"],
            "row 2, column 'amount': has no currency: fill the 'currency' "
            "column or write the code with the amount (e.g. 'EUR 1500') (value '1')",
        ),
    ],
)
def test_wrong_columns_are_refused(sqlite_store, tmp_path, header, message):
    cells = {
        "funder": "NL-GOV",
        "amount": "1",
        "currency": "EUR",
        "pledged_on": "2025-08-04",
        "mechanism": "purl",
        "curency": "x",
    }
    path = write_csv(tmp_path / "p.csv", header, [[cells[h] for h in header]])
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path)
    assert message in refused.value.message


def test_a_mapping_file_with_unknown_names_is_refused(sqlite_store, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {amout: Betrag}\ndecimal: ','\n", encoding="utf-8")
    path = write_csv(tmp_path / "p.csv", ["funder"], [["NL-GOV"]])
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path, mapping=mapping)
    reasons = [p.reason for p in refused.value.problems]
    assert reasons[0].startswith("unknown setting 'decimal'")
    assert reasons[1].startswith("'columns' names an unknown field 'amout'")


# --- requirements ----------------------------------------------------------------------------


def test_requirements_from_xlsx_with_a_mapping_then_again(store, tmp_path):
    register(store, "UA-MOD")
    header = [
        "Empfänger",
        "Liste",
        "Stufe",
        "Rang",
        "Gegenstand",
        "Kategorie",
        "Menge",
        "Einheit",
        "Stückpreis",
        "Mindestlos",
        "nur ganz",
        "benötigt bis",
    ]
    rows = [
        [
            "UA-MOD",
            datetime(2025, 8, 1),
            1,
            1,
            "155 mm artillery shell",
            "Artilleriemunition",
            300000,
            "round",
            "USD 3.000,00",
            1000,
            "nein",
            datetime(2026, 6, 30),
        ],
        [
            "UA-MOD",
            datetime(2025, 8, 1),
            2,
            2,
            "Air defence radar",
            "Luftverteidigung",
            10,
            "radar",
            "USD 18.000.000",
            1,
            "ja",
            None,
        ],
    ]
    path = write_xlsx(tmp_path / "bedarf.xlsx", header, rows, sheet="Bedarf")
    mapping = tmp_path / "bedarf.yaml"
    mapping.write_text(
        """
columns: {recipient: Empfänger, list_month: Liste, priority: Stufe, rank: Rang, item: Gegenstand, category: Kategorie,
          quantity: Menge, unit: Einheit, unit_price: Stückpreis, min_lot: Mindestlos, whole_only: nur ganz,
          needed_by: benötigt bis}
decimal_separator: ","
thousands_separator: "."
values:
  category: {Artilleriemunition: artillery_ammunition, Luftverteidigung: air_defence}
  whole_only: {ja: "yes", nein: "no"}
""",
        encoding="utf-8",
    )
    result = imports.import_requirements(store, OPERATOR, path, mapping=mapping)
    assert result.recorded == ["REQ-0001", "REQ-0002"] and result.sheet == "Bedarf"
    with store.read() as conn:
        listed = queries.list_requirements(conn)
    assert [
        (
            r["item"],
            r["list_month"],
            r["unit_price"],
            r["unit_price_currency"],
            r["min_lot"],
            r["whole_only"],
            r["needed_by"],
            r["state"],
        )
        for r in listed
    ] == [
        ("155 mm artillery shell", "2025-08", "3000.00", "USD", 1000, False, "2026-06-30", "draft"),
        ("Air defence radar", "2025-08", "18000000.00", "USD", 1, True, None, "draft"),
    ]
    count = event_count(store)
    again = imports.import_requirements(store, OPERATOR, path, mapping=mapping)
    assert (again.recorded, again.unchanged) == ([], ["REQ-0001", "REQ-0002"])
    assert event_count(store) == count


def test_requirement_reject_file_keeps_the_xlsx_layout(sqlite_store, tmp_path):
    register(sqlite_store, "UA-MOD")
    header = [
        "recipient",
        "list_month",
        "priority",
        "rank",
        "item",
        "category",
        "quantity",
        "unit",
        "unit_price",
        "currency",
    ]
    rows = [
        ["UA-MOD", "2025-08", 1, 1, "Radio", "communications", 100, "set", 8000, "USD"],
        ["UA-MOD", "2025-08", 9, 2, "Radar", "air_defence", 1.5, "radar", 1000, "USD"],
    ]
    path = write_xlsx(tmp_path / "req.xlsx", header, rows, sheet="List")
    result = imports.import_requirements(sqlite_store, OPERATOR, path, skip_invalid=True)
    assert result.recorded == ["REQ-0001"]
    assert [(p.row, p.column, p.reason) for p in result.rejected] == [(3, "quantity", "must be a whole number")]
    book = load_workbook(result.reject_file)
    sheet = book["List"]
    assert [c.value for c in sheet[1]] == [*header, ERRORS_COLUMN]
    assert [c.value for c in sheet[2]][:10] == rows[1]
    assert sheet.max_row == 2

"""A tracker-like download as a new user gets it: German headers, donors named in words,
euro amounts with eleven decimals, zero rows, rows without a date, rows differing only in
the aid type, a status column, and a few bad rows; one mapping file reads it all."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.cli.main import app
from supplyline.domain.values import CATEGORIES
from supplyline.engines.interchange.spreadsheet import FileRefused
from supplyline.services.interchange import imports, party_import
from supplyline.services.log.checks import check_projections
from supplyline.services.reads import queries
from supplyline.store import schema as t

NO_ATLANTIS = "party 'Atlantis' does not exist (by id, name, alias or country); --create-parties registers it"

HEADERS = ["Geber", "Datum", "Betrag (EUR)", "Hilfsart", "Mechanismus", "Status", "Quelle"]
# the donor as the file names it -> (party id created, party name)
DONORS = {
    "Deutschland": ("DE-GOV", "Germany"),
    "Vereinigtes Königreich": ("GB-GOV", "United Kingdom"),
    "Niederlande": ("NL-GOV", "Netherlands"),
    "NORWEGEN": ("NO-GOV", "Norway"),
    "Dänemark": ("DK-GOV", "Denmark"),
    "Türkei": ("TR-GOV", "Türkiye"),
    "EU-Institutionen": ("EU_INSTITUTIONEN", "EU-Institutionen"),
}
MAPPING = """
columns:
  funder: Geber
  pledged_on: Datum
  amount: Betrag (EUR)
  categories: Hilfsart
  mechanism: Mechanismus
  status: Status
fixed: {currency: EUR}
ignore: [Quelle]
decimal_separator: ","
thousands_separator: "."
date_formats: ["%d.%m.%Y"]
rounding: half_even
values:
  categories: {Militär: [], Luftverteidigung: air_defence}
  mechanism: {Bilateral: bilateral}
  status: {Zusage: announced, Zuweisung: committed}
skip_when:
  - {field: amount, is: [zero, empty]}
  - {field: pledged_on, is: empty}
  - {column: Hilfsart, equals: [Humanitär, Finanziell]}
id_from: {prefix: UST, columns: [Geber, Datum, Hilfsart], row: true}
"""


def german_amount(value: Decimal) -> str:
    whole, _, fraction = f"{value:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def generate(path: Path, rows: int = 400) -> dict:
    """The file, and what a correct import of it must give, computed from the generated values."""
    rng = random.Random(19)
    expected: dict = {
        "skipped": defaultdict(int),
        "valid": 0,
        "rounded": 0,
        "refused": 0,
        "totals": defaultdict(Decimal),
    }
    expected["parties"] = set()
    lines = []
    for number in range(2, rows + 2):
        donor = rng.choice(list(DONORS))
        day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025"
        amount = Decimal(rng.randint(1, 10**19)) / Decimal(10**11)  # up to 11 decimals, as converted
        aid = rng.choice(["Militär", "Militär", "Luftverteidigung", "Humanitär", "Finanziell"])
        mechanism = rng.choice(["PURL", "Bilateral", "drone deal"])
        status = rng.choice(["Zusage", "Zuweisung", ""])
        kind = rng.random()
        if kind < 0.25:
            amount = Decimal(0)
        elif kind < 0.32:
            day = ""
        elif kind < 0.35:
            mechanism = "Leihgabe"  # refused: not a mechanism
        elif kind < 0.37:
            amount = -amount  # refused: not positive
        cell = german_amount(amount.quantize(Decimal("0.01")) if rng.random() < 0.3 else amount)
        lines.append([donor, day, cell, aid, mechanism, status, "Kiel"])
        value = Decimal(cell.replace(".", "").replace(",", "."))
        if value == 0:
            expected["skipped"]["amount is zero"] += 1
        elif not day:
            expected["skipped"]["pledged_on is empty"] += 1
        elif aid in ("Humanitär", "Finanziell"):
            expected["skipped"][f"Hilfsart is {aid}"] += 1
        elif mechanism == "Leihgabe" or value < 0:
            expected["refused"] += 1
        else:
            expected["valid"] += 1
            rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            expected["rounded"] += rounded != value
            expected["totals"][DONORS[donor][0]] += rounded
            expected["parties"].add(DONORS[donor][0])
        if number == 40:  # the same donor, day and amount in another aid type: another pledge
            lines.append(
                [donor, day or "01.01.2025", cell if value > 0 else "1,00", "Luftverteidigung", "PURL", "", ""]
            )
            again = Decimal(lines[-1][2].replace(".", "").replace(",", "."))
            expected["valid"] += 1
            expected["rounded"] += again.quantize(Decimal("0.01")) != again
            expected["totals"][DONORS[donor][0]] += again.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
            expected["parties"].add(DONORS[donor][0])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(lines)
    return expected


@pytest.fixture
def download(tmp_path):
    path = tmp_path / "ukraine_support.csv"
    expected = generate(path)
    mapping = tmp_path / "ust.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return path, mapping, expected


def test_a_tracker_download_imports_with_one_mapping_and_again_writes_nothing(store, download):
    path, mapping, expected = download
    before = event_count(store)
    preview = imports.import_pledges(
        store, OPERATOR, path, mapping=mapping, create_parties=True, skip_invalid=True, dry_run=True
    )
    assert event_count(store) == before
    assert preview.reject_file is None

    result = imports.import_pledges(store, OPERATOR, path, mapping=mapping, create_parties=True, skip_invalid=True)
    for answer in (preview, result):
        assert answer.skipped == dict(sorted(expected["skipped"].items()))
        assert len(answer.recorded) == expected["valid"]
        assert len(answer.rounded) == expected["rounded"]
        assert answer.refused_rows == expected["refused"]
        assert {p["id"] for p in answer.parties_created} == expected["parties"]
    assert preview.events == result.events == event_count(store) - before
    assert {p["id"]: p["name"] for p in result.parties_created} == {
        v[0]: v[1] for v in DONORS.values() if v[0] in expected["parties"]
    }

    with store.read() as conn:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in queries.list_pledges(conn):
            totals[row["funder"]] += Decimal(row["amount"])
        aliases = {
            r.stream_id: json.loads(r.payload)["aliases"]
            for r in conn.execute(
                select(t.events.c.stream_id, t.events.c.payload).where(t.events.c.type == "PartyAliasesAdded")
            )
        }
    assert dict(totals) == dict(expected["totals"])
    assert aliases["party:DE-GOV"] == ["Deutschland"] and aliases["party:TR-GOV"] == ["Türkei"]
    assert check_projections(store) == []

    again = imports.import_pledges(store, OPERATOR, path, mapping=mapping, create_parties=True, skip_invalid=True)
    assert event_count(store) == before + result.events
    assert again.recorded == [] and again.parties_created == [] and len(again.unchanged) == expected["valid"]


def test_rounding_is_in_each_events_meta_and_the_status_column_commits(sqlite_store, tmp_path):
    path = tmp_path / "z.csv"
    path.write_text(
        "Geber;Datum;Betrag (EUR);Hilfsart;Mechanismus;Status;Quelle\n"
        "Deutschland;04.08.2025;1.234,565;Militär;PURL;Zuweisung;x\n"
        "Deutschland;04.08.2025;1.234,575;Luftverteidigung;air defence;Zusage;x\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.replace("half_even", "half_up"), encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path, mapping=mapping, create_parties=True)
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (3, "Mechanismus", "must be one of: purl, drone_deal, bilateral")
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("air defence", "purl"), encoding="utf-8")
    result = imports.import_pledges(sqlite_store, OPERATOR, path, mapping=mapping, create_parties=True)
    assert result.rounded == [
        {"row": 2, "field": "amount", "from": "1234.565", "to": "1234.57"},
        {"row": 3, "field": "amount", "from": "1234.575", "to": "1234.58"},
    ]
    with sqlite_store.read() as conn:
        pledges = {r["id"]: r for r in queries.list_pledges(conn)}
        metas = [
            json.loads(m)["import"]
            for m in conn.execute(
                select(t.events.c.meta).where(t.events.c.type == "PledgeAnnounced").order_by(t.events.c.seq)
            ).scalars()
        ]
    assert {i: (p["amount"], p["state"], p["categories"]) for i, p in pledges.items()} == {
        "UST-deutschland-04.08.2025-militar-2": ("1234.57", "committed", []),
        "UST-deutschland-04.08.2025-luftverteidigung-3": ("1234.58", "announced", ["air_defence"]),
    }
    assert [(m["row"], m["rounded"]) for m in metas] == [
        (2, {"amount": {"from": "1234.565", "to": "1234.57", "rounding": "half_up"}}),
        (3, {"amount": {"from": "1234.575", "to": "1234.58", "rounding": "half_up"}}),
    ]


def test_a_row_with_three_problems_reports_all_three(sqlite_store, tmp_path):
    party_file = tmp_path / "parties.csv"
    party_file.write_text("id,name,kind,country,aliases\nDE-GOV,Germany,Government,Deutschland,Bund;BRD\n")
    assert len(party_import.import_parties(sqlite_store, OPERATOR, party_file).recorded) == 1
    path = tmp_path / "p.csv"
    path.write_text(
        "funder,amount,currency,pledged_on,mechanism,categories\n"
        "Atlantis,100,EUR,2025-08-04,lend-lease,air defence;tanks\n"
        'brd,"EUR 1.500.000,00",,2025-08-04,PURL,Air Defence\n',
        encoding="utf-8",
    )
    before = event_count(sqlite_store)
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path)
    assert [(p.row, p.column, p.value, p.reason) for p in refused.value.problems] == [
        (2, "funder", "Atlantis", NO_ATLANTIS),
        (2, "categories", "tanks", "must be one of: " + ", ".join(CATEGORIES)),
        (2, "mechanism", "lend-lease", "must be one of: purl, drone_deal, bilateral"),
    ]
    assert event_count(sqlite_store) == before
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n" + path.read_text().splitlines()[2] + "\n")
    result = imports.import_pledges(sqlite_store, OPERATOR, path)
    with sqlite_store.read() as conn:
        (pledge,) = queries.list_pledges(conn)
    assert (pledge["funder"], pledge["amount"], pledge["amount_currency"], pledge["mechanism"]) == (
        "DE-GOV",
        "1500000.00",
        "EUR",
        "purl",
    )
    assert pledge["categories"] == ["air_defence"] and result.parties_created == []


def test_cli_dry_run_then_import_with_created_parties(sqlite_store, sqlite_url, download):
    path, mapping, expected = download
    runner = CliRunner()
    args = ["--db", sqlite_url, "import", "pledges", str(path), "--mapping", str(mapping), "--create-parties"]
    before = event_count(sqlite_store)
    dry = runner.invoke(app, [*args, "--skip-invalid", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"dry run, nothing written: would record {expected['valid']} pledges" in dry.output
    assert f"skipped {expected['skipped']['amount is zero']} rows: amount is zero" in dry.output
    assert event_count(sqlite_store) == before
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "nothing was written" in refused.output
    done = runner.invoke(app, [*args, "--skip-invalid", "--json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.output)
    assert len(answer["recorded"]) == expected["valid"] and answer["refused_rows"] == expected["refused"]

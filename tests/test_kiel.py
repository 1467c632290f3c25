"""The Kiel Institute's tracker data: recorded as events, reproduced to the cent, compared
with supplyline's pledges per donor and month."""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from conftest import OPERATOR, SHARED, event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import RuleViolation
from supplyline.services.interchange import kiel
from supplyline.services.log.checks import check_projections
from supplyline.services.reads import queries
from supplyline.store import schema as t

KIEL = SHARED / "data" / "kiel"
BILLION = Decimal(10) ** 9


@pytest.fixture(scope="module")
def kiel_files():
    if not (KIEL / "data_explorer.csv").exists():
        pytest.skip(f"the Kiel tracker files are not at {KIEL} (../shared/data/kiel)")
    return KIEL


def _csv(path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_import_reproduces_every_donors_military_total_to_the_cent(store, kiel_files):
    result = kiel.import_kiel(store, OPERATOR, kiel_files / "data_explorer.csv")
    assert (result.release, result.donors, result.months, result.events) == ("29", 42, 1079, 43)
    assert result.purl == {"source": "procurement_trends.csv", "months": 52, "recorded": True}

    expected: dict[str, Decimal] = defaultdict(Decimal)
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    for row in _csv(kiel_files / "data_explorer.csv"):
        expected[row["iso"]] += Decimal(row["military"]) * BILLION
        by_month[f"{int(row['year']):04d}-{int(row['month']):02d}"] += Decimal(row["military"]) * BILLION
    k = t.kiel_allocations
    with store.read() as conn:
        stored = {
            donor: Decimal(total) / 100
            for donor, total in conn.execute(
                select(k.c.donor, func.sum(k.c.military_minor)).where(k.c.release == "29").group_by(k.c.donor)
            )
        }
        monthly = {
            month: Decimal(total) / 100
            for month, total in conn.execute(
                select(k.c.month, func.sum(k.c.military_minor)).where(k.c.release == "29").group_by(k.c.month)
            )
        }
    assert stored == expected
    assert stored["USA"] == Decimal("64616886000") and stored["DEU"] == Decimal("24214109000")
    # the tracker's own monthly totals over all donors hold the same measure
    assert monthly == {
        f"{int(r['year']):04d}-{int(r['month']):02d}": Decimal(r["military"]) * BILLION
        for r in _csv(kiel_files / "total_allocations.csv")
    }
    assert sum(stored.values()) == Decimal("172992996000")

    count = event_count(store)
    again = kiel.import_kiel(store, OPERATOR, kiel_files / "data_explorer.csv")
    assert (again.recorded, again.events, len(again.unchanged)) == ([], 0, 42)
    assert event_count(store) == count
    assert check_projections(store) == []


def test_a_release_never_changes(sqlite_store, kiel_files, tmp_path):
    shutil.copy(kiel_files / "release_info.csv", tmp_path / "release_info.csv")
    rows = _csv(kiel_files / "data_explorer.csv")
    path = tmp_path / "data_explorer.csv"

    def write(rows_: list[dict]) -> None:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows_)

    write(rows)
    kiel.import_kiel(sqlite_store, OPERATOR, path)
    count = event_count(sqlite_store)
    changed = [dict(r) for r in rows]
    changed[0]["military"] = "0.002646"
    write(changed)
    with pytest.raises(RuleViolation, match="Kiel release 29 is already recorded for AUS with other figures"):
        kiel.import_kiel(sqlite_store, OPERATOR, path)
    assert event_count(sqlite_store) == count
    with pytest.raises(Exception, match=re.escape("release_info.csv beside the file says release 29")):
        kiel.import_kiel(sqlite_store, OPERATOR, path, release="30")


def test_pledges_compared_with_kiels_military_allocations(demo_store, kiel_files):
    kiel.import_kiel(demo_store, OPERATOR, kiel_files / "data_explorer.csv")
    with demo_store.read() as conn:
        data = kiel.comparison(conn, currency="EUR")
    assert (data["release"], data["since"], data["until"]) == ("29", "2025-08", "2026-04")
    donors = {d["donor"]: d for d in data["donors"]}
    assert sorted(donors) == ["CAN", "DEU", "DNK", "NLD", "NOR", "POL", "SWE", "USA"]
    assert data["funders_without_country"] == []
    kiel_rows = [
        r
        for r in _csv(kiel_files / "data_explorer.csv")
        if (int(r["year"]), int(r["month"])) >= (2025, 8) and r["iso"] == "NLD"
    ]
    nld = donors["NLD"]
    assert nld["pledged"] == "500000000.00"  # the Netherlands' EUR pledge, no conversion
    assert Decimal(nld["kiel_military"]) == sum(Decimal(r["military"]) * BILLION for r in kiel_rows)
    august = next(m for m in nld["months"] if m["month"] == "2025-08")
    assert Decimal(august["kiel_military"]) == next(
        Decimal(r["military"]) * BILLION for r in kiel_rows if r["month"] == "8"
    )
    # Germany pledged USD: converted at the rate of each pledge's date (2025-08-13 -> rate of 2025-08-04)
    assert donors["DEU"]["months"][0] == {
        "month": "2025-08",
        "pledged": str((Decimal(500000000) / Decimal("1.1570")).quantize(Decimal("0.01"))),
        "kiel_military": str(
            sum(
                (
                    Decimal(r["military"]) * BILLION
                    for r in _csv(kiel_files / "data_explorer.csv")
                    if r["iso"] == "DEU" and r["year"] == "2025" and r["month"] == "8"
                ),
                Decimal(0),
            ).quantize(Decimal("0.01"))
        ),
    }


def test_cli_import_and_report(demo_sqlite_url, kiel_files, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--db", demo_sqlite_url, "import", "kiel", str(kiel_files / "data_explorer.csv")])
    assert result.exit_code == 0, result.output
    assert "Kiel release 29, 42 donors, 1079 donor-months; recorded 42 donors" in result.output
    result = runner.invoke(app, ["--db", demo_sqlite_url, "report", "kiel", "--since", "2025-12", "--until", "2025-12"])
    assert result.exit_code == 0, result.output
    assert "2025-12 to 2025-12" in result.output
    result = runner.invoke(app, ["--db", demo_sqlite_url, "report", "funnel", "--compare-kiel"])
    assert result.exit_code == 0, result.output
    assert "Context: all supplyline pledges and Kiel release 29 military allocations" in result.output
    assert "│ TOTAL   │          2,193,560,598.45 │ 4,122,410,236.96 │ -1,928,849,638.51 │" in result.output


def test_purl_pledges_beside_the_trackers_purl_series(demo_store, kiel_files, tmp_path):
    kiel.import_kiel(demo_store, OPERATOR, kiel_files / "data_explorer.csv")
    series = {
        f"{int(r['year']):04d}-{int(r['month']):02d}": (Decimal(r["nato_purl"]) * BILLION).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_EVEN
        )
        for r in _csv(kiel_files / "procurement_trends.csv")
    }
    with demo_store.read() as conn:
        eur = kiel.comparison(conn, currency="EUR")["purl"]
        usd = kiel.comparison(conn, currency="USD", since="2025-12", until="2025-12")["purl"]
        purl_pledges = [p for p in queries.list_pledges(conn) if p["mechanism"] == "purl"]
    assert eur is not None and usd is not None
    window = {m: v for m, v in series.items() if "2025-08" <= m <= "2026-04" and v}
    assert {m["month"]: Decimal(m["kiel_purl"]) for m in eur["months"]} == window
    assert eur["total"]["kiel_purl"] == "4122410236.96" == str(sum(window.values()))
    assert window["2025-08"] == Decimal("1883232189.84")  # the tracker's 1.88323218983518 bn, rounded half-even
    assert all(Decimal(m["difference"]) == Decimal(m["pledged_purl"]) - Decimal(m["kiel_purl"]) for m in eur["months"])
    # December 2025: three USD pledges, no conversion in USD
    december = [p for p in purl_pledges if p["pledged_on"].startswith("2025-12")]
    assert usd["months"][0]["pledged_purl"] == str(sum(Decimal(p["amount"]) for p in december)) == "450000000.00"
    with TestClient(create_app(demo_store, read_cache=False)) as client:
        page = client.get("/").text
    assert 'id="kiel-purl"' in page and "Context: all pledges here and the Kiel tracker" in page
    assert "Difference</th></tr></thead>" in page.split('id="kiel-purl"')[1].split("</table>")[0]
    assert "Difference" not in page.split('id="kiel">')[1].split("</table>")[0]
    # a release without procurement_trends.csv beside it has no PURL series, and says so
    alone = tmp_path / "r30"
    alone.mkdir()
    shutil.copy(kiel_files / "data_explorer.csv", alone / "data_explorer.csv")
    result = kiel.import_kiel(demo_store, OPERATOR, alone / "data_explorer.csv", release="30")
    assert result.purl["source"] is None
    with demo_store.read() as conn:
        assert kiel.comparison(conn, release="30")["purl"] is None


def test_a_demo_without_the_tracker_says_what_it_skipped_and_where_to_get_it(tmp_path):
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'demo.db'}", "demo", "--reset"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Skipped: the comparison with the Kiel Institute's Ukraine Support Tracker (no tracker files given)" in text
    assert "https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/" in text
    assert "demo loaded" in text

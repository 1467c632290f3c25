"""Benchmark of end-use monitoring at programme scale (issue 16, item 5).

1. One shipment of 100,000 serials (dispatch: validation, manifest root, the serial index),
   then its receipt. Target: the shipment <= 10 s.
2. A ledger of --serials serials (default 10^6: shipments of 100,000, received, half of them
   inventoried): the overdue report (compliance figures by category, package and funder, and
   the overdue serials) beside the same figures from one hand-written SQL query on the same
   tables. Targets: <= 1 s and <= 3 x the hand-written query.
3. One serial's history beside a hand-written indexed lookup (target <= 10 ms), and its
   inclusion proof in its 100,000-serial manifest (recomputed from the manifest; no target).

SQLite always; PostgreSQL too with --postgres URL (a server where the database
``bench_end_use`` may be dropped and created). Prints a table, writes bench/out/end_use.json.
Run: `.venv/bin/python bench/end_use.py [--serials 1000000] [--postgres URL]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from supplyline.domain.contract import LineTerms
from supplyline.domain.serials import SerialRow
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.context import Actor, open_store
from supplyline.services.end_use import enduse, serial_history
from supplyline.services.end_use.enduse_report import Filters, compliance, overdue_serials
from supplyline.services.records import contracts, funding, packages, parties, requirements, shipments

OP, UA, US = Actor("NATO", via="bench"), Actor("UA", via="bench"), Actor("US", via="bench")
PER_SHIPMENT = 100_000
AS_OF = date(2027, 6, 1)

HAND_WRITTEN = """
SELECT package_id, category,
       SUM(CASE WHEN disposed_on IS NOT NULL AND disposed_on <= :d THEN 1 ELSE 0 END) AS disposed,
       SUM(CASE WHEN (disposed_on IS NULL OR disposed_on > :d)
                 AND ((inventoried_on IS NULL AND received_on < :initial) OR inventoried_on < :interval)
                THEN 1 ELSE 0 END) AS overdue,
       COUNT(*) AS items, SUM(value_minor) AS value
FROM end_use_items WHERE received_on IS NOT NULL AND received_on <= :d
GROUP BY package_id, category
"""
HAND_HISTORY = """
SELECT m.id, m.kind, m.stream_id, m."on", m.site_id, s.position
FROM manifest_serials s JOIN serial_manifests m ON m.id = s.manifest_id WHERE s.serial = :serial
"""


def build_chain(store, units: int) -> None:
    """One requirement, pledge, package and contract large enough for every serial."""
    for pid in ("UA", "US", "NL"):
        bus.handle(store, OP, parties.RegisterParty(id=pid, name=pid, kind="government", country=pid))
    draft = requirements.DraftRequirement(
        recipient="UA", list_month="2026-01", priority=1, rank=1, item="Interceptor", category="air_defence",
        quantity=units, unit="missile", unit_price="10", currency="USD", id="R-1",
    )  # fmt: skip
    bus.handle(store, UA, draft)
    bus.handle(store, UA, requirements.SubmitRequirement(requirement_id="R-1"))
    bus.handle(store, OP, requirements.ValidateRequirement(requirement_id="R-1"))
    pledge = funding.AnnouncePledge(
        funder="NL", amount=str(units * 10 + 1000), currency="USD", pledged_on="2026-01-02", mechanism="purl",
        id="PL-1", commit=True,
    )  # fmt: skip
    bus.handle(store, OP, pledge)
    draft_package = packages.DraftPackage(
        title="Bench", mechanism="purl", seller="US", recipient="UA", currency="USD", id="PKG-1"
    )
    bus.handle(store, OP, draft_package)
    bus.handle(store, OP, packages.AddLine(package_id="PKG-1", requirement_id="R-1", quantity=units))
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    allocate = funding.Allocate(
        pledge_id="PL-1", package_id="PKG-1", line_no=1, amount=str(units * 10), currency="USD", on="2026-01-03"
    )
    bus.handle(store, OP, allocate)
    bus.handle(store, US, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2026-01-04"))
    terms = contracts.SignContract(
        package_id="PKG-1", buyer="US", supplier="US", kind="stock_draw", signed_on="2026-01-05",
        lines=(LineTerms(1, units),), id="CT-1",
    )  # fmt: skip
    bus.handle(store, US, terms)
    bus.handle(store, OP, enduse.RequireSerials(category="air_defence"))
    bus.handle(store, UA, enduse.RegisterSite(code="DEP-1", name="Depot 1"))


def ship(store, k: int, count: int) -> tuple[float, float, tuple[SerialRow, ...]]:
    rows = tuple(SerialRow(i, f"S{k:03d}-{i:07d}") for i in range(1, count + 1))
    day = date(2026, 2, 1) + timedelta(days=k)
    began = time.perf_counter()
    dispatch = shipments.Dispatch(
        contract_id="CT-1", shipped_on=day.isoformat(), lines=(ShippedLine(1, count),), id=f"SH-{k}", serials=rows
    )
    bus.handle(store, US, dispatch)
    sent = time.perf_counter() - began
    began = time.perf_counter()
    received = (day + timedelta(days=5)).isoformat()
    bus.handle(store, UA, shipments.Receive(shipment_id=f"SH-{k}", received_on=received, site="DEP-1"))
    return sent, time.perf_counter() - began, rows


def _median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run(url: str, total: int) -> dict:
    """Long because it is one measured story, from an empty ledger to the queries, in order."""
    store = open_store(url, create=True)
    shipments_n = max(1, total // PER_SHIPMENT)
    build_chain(store, shipments_n * PER_SHIPMENT)
    out: dict = {"url": url.split("@")[-1], "serials": shipments_n * PER_SHIPMENT}
    sends, receipts = [], []
    for k in range(shipments_n):
        sent, got, rows = ship(store, k, PER_SHIPMENT)
        sends.append(sent)
        receipts.append(got)
        if k % 2 == 0:  # half the shipments inventoried
            check = enduse.RecordCheck(
                kind="initial", checked_on=f"2026-{4 + k % 6:02d}-01", site="DEP-1", serials=rows
            )
            bus.handle(store, UA, check)
        print(f"  {url.split(':')[0]}: shipment {k + 1}/{shipments_n}: {sent:.2f} s, receipt {got:.2f} s", flush=True)
    out["first_shipment_s"], out["last_shipment_s"] = sends[0], sends[-1]
    if store.engine.dialect.name == "postgresql":
        # what autovacuum does after a bulk load (this machine's server runs without it): with
        # no statistics the planner takes a million items for a few and sorts them all
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    out["receipt_median_s"] = statistics.median(receipts)
    initial, interval = AS_OF - timedelta(days=90), AS_OF - timedelta(days=365)
    with store.read() as conn:
        out["report_s"] = _median(
            lambda: (
                compliance(conn, AS_OF, Filters(), by=("category", "package", "funder")),
                overdue_serials(conn, AS_OF, Filters(), limit=1000),
            ),
            3,
        )
        params = {"d": AS_OF, "initial": initial, "interval": interval}
        out["report_hand_s"] = _median(lambda: conn.execute(text(HAND_WRITTEN), params).all(), 3)
        figures = compliance(conn, AS_OF)["overall"]["items"]
        hand = conn.execute(text(HAND_WRITTEN), params).all()
        assert figures["overdue"] == sum(r.overdue for r in hand), (figures, hand)
        out["overdue"] = figures["overdue"]
        serial = f"S{shipments_n // 2:03d}-{PER_SHIPMENT // 3:07d}"
        out["history_s"] = _median(lambda: serial_history.history(conn, serial), 20)
        out["history_hand_s"] = _median(lambda: conn.execute(text(HAND_HISTORY), {"serial": serial}).all(), 20)
        out["proof_s"] = _median(lambda: serial_history.prove(conn, serial), 3)
    store.engine.dispose()
    out["report_ratio"] = out["report_s"] / out["report_hand_s"]
    out["targets_met"] = {
        "shipment <= 10 s": out["first_shipment_s"] <= 10,
        "report <= 1 s": out["report_s"] <= 1,
        "report <= 3 x hand-written": out["report_ratio"] <= 3,
        "history <= 10 ms": out["history_s"] <= 0.010,
    }
    return out


def fresh_postgres(server: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_end_use"))
        conn.execute(text("CREATE DATABASE bench_end_use"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/bench_end_use"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serials", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (its database bench_end_use is recreated)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append({"database": "sqlite", **run(f"sqlite:///{Path(tmp) / 'end_use.db'}", args.serials)})
    if args.postgres:
        results.append({"database": "postgresql", **run(fresh_postgres(args.postgres), args.serials)})
    for r in results:
        print(
            f"{r['database']}: {r['serials']:,} serials | shipment of 100,000: {r['first_shipment_s']:.2f} s "
            f"(last {r['last_shipment_s']:.2f} s) | report {r['report_s'] * 1000:.0f} ms vs hand-written "
            f"{r['report_hand_s'] * 1000:.0f} ms (x{r['report_ratio']:.2f}) | history {r['history_s'] * 1000:.2f} ms "
            f"vs {r['history_hand_s'] * 1000:.2f} ms | proof {r['proof_s'] * 1000:.0f} ms | targets {r['targets_met']}"
        )
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    payload = {"python": sys.version.split()[0], "machine": platform.machine(), "results": results}
    (out / "end_use.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of reads at size: a seeded programme ledger of 10^5 (or 10^6) events, then every
GET endpoint of the API and every dashboard page, uncached, as each role, beside the same
rows fetched by a hand-written SQL query through the same driver.

    python bench/scale.py [--events 100000] [--db sqlite|postgresql|both] [--runs 15] [--quick]

The ledger is written through the services (the same commands a person's CLI or API call
goes through), as a PURL-size programme looks: 30 funders pledging in USD and EUR, packages
of three requirement lines each funded, approved, contracted, shipped and received, and as
many requirement lines again validated and waiting. Reads go through the whole ASGI app in
process (no network), each request with ``Cache-Control: no-cache`` so that the read cache
never answers; a mixed phase repeats the record and list reads while one pledge a second is
written. PostgreSQL runs on a fresh database on $SUPPLYLINE_BENCH_POSTGRES_URL or
$SUPPLYLINE_TEST_POSTGRES_URL (dropped at the end).

Targets (issue 20, at 10^6 events on PostgreSQL): one record and a list page p99 <= 50 ms;
reports and dashboard pages p99 <= 300 ms; every read within 3 x its hand-written query.
Prints one table per database and writes bench/out/scale.json. `--quick` is 10^4 events
and 5 runs, to check the script, not the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from random import Random
from typing import Any

from sqlalchemy import text

OUT = Path(__file__).resolve().parent / "out"
RECORD_P99_MS, REPORT_P99_MS, SQL_RATIO = 50.0, 300.0, 3.0
FUNDERS = tuple(f"FUND-{n:02d}" for n in range(1, 31))
CATEGORIES = ("air_defence", "aerial_drones", "artillery_ammunition", "armoured_vehicles", "communications")
FIRST_DAY = date(2025, 1, 6)


# --- the ledger -----------------------------------------------------------------------------------
@dataclass
class Programme:
    """What the generator wrote: a sample id of each kind (for path parameters) and the counts."""

    ids: dict[str, str] = field(default_factory=dict)
    events: int = 0
    packages: int = 0
    requirement_lines: int = 0
    seconds: float = 0.0


def generate(store: Any, events: int, seed: int = 20) -> Programme:
    """Write the programme until the ledger holds at least ``events`` events."""
    from supplyline.domain.contract import DeliveryTerms, LineTerms
    from supplyline.domain.shipment import ShippedLine
    from supplyline.services import bus
    from supplyline.services.context import Actor
    from supplyline.services.records import contracts, funding, packages, parties, requirements, shipments
    from supplyline.store.eventstore import read_head

    rng, op, seller, recipient = Random(seed), Actor("operator", via="bench"), Actor("US-GOV"), Actor("UA-MOD")
    began = time.perf_counter()

    def handle(actor: Actor, command: Any) -> None:
        bus.handle(store, actor, command)

    for pid, kind, country in [
        ("UA-MOD", "government", "UA"),
        ("US-GOV", "government", "US"),
        ("NATO-NSATU", "organisation", None),
        ("RTX", "company", "US"),
        *((f, "government", "DE") for f in FUNDERS),
    ]:
        handle(op, parties.RegisterParty(id=pid, name=f"{pid} (bench)", kind=kind, country=country))
    handle(op, parties.RecordRates(day="2024-12-31", rates={"USD": "1.0400"}))
    out = Programme()

    def ledger_size() -> int:
        with store.read() as conn:
            return read_head(conn)[0]

    n, pledge_id, left = 0, "", 0
    while True:
        n += 1
        day = FIRST_DAY + timedelta(days=(n // 40) % 600)
        on = day.isoformat()
        if left <= 0:  # a new pledge, large enough for about ten packages
            funder, currency = FUNDERS[n % len(FUNDERS)], rng.choice(("USD", "EUR"))
            pledge_id = f"PL-{n:07d}"
            handle(
                op,
                funding.AnnouncePledge(
                    funder=funder,
                    amount="500000000.00",
                    currency=currency,
                    pledged_on=on,
                    mechanism="purl",
                    note=f"tranche {n}",
                    id=pledge_id,
                    commit=True,
                ),
            )
            left, pledge_currency = 10, currency
        left -= 1
        rids = []
        for k in range(4):  # three lines go into the package, the fourth waits
            rid = f"REQ-{n:07d}-{k}"
            handle(
                op,
                requirements.DraftRequirement(
                    recipient="UA-MOD",
                    list_month="2025-01",
                    priority=1 + rng.randrange(5),
                    rank=n * 4 + k,
                    item=f"Item {rng.randrange(400)}",
                    category=rng.choice(CATEGORIES),
                    quantity=10 + rng.randrange(500),
                    unit="unit",
                    unit_price=f"{1000 + rng.randrange(90000)}.00",
                    currency="USD",
                    origin="US",
                    id=rid,
                ),
            )
            handle(op, requirements.SubmitRequirement(requirement_id=rid))
            handle(op, requirements.ValidateRequirement(requirement_id=rid))
            rids.append(rid)
        pkg, ct, sh = f"PKG-{n:07d}", f"CT-{n:07d}", f"SH-{n:07d}"
        handle(
            op,
            packages.DraftPackage(
                title=f"Package {n}",
                mechanism="purl",
                seller="US-GOV",
                recipient="UA-MOD",
                currency="USD",
                approvers=(),
                id=pkg,
            ),
        )
        quantities = [1 + rng.randrange(10) for _ in range(3)]
        prices = [f"{104 * (10 + rng.randrange(90))}.00" for _ in range(3)]  # EUR amounts come out whole
        for rid, quantity, price in zip(rids, quantities, prices, strict=False):
            handle(op, packages.AddLine(package_id=pkg, requirement_id=rid, quantity=quantity, unit_price=price))
        handle(op, packages.ProposePackage(package_id=pkg))
        for line_no, (quantity, price) in enumerate(zip(quantities, prices, strict=True), start=1):
            value = quantity * int(price.split(".")[0])
            amount = value if pledge_currency == "USD" else value * 100 // 104
            handle(
                op,
                funding.Allocate(
                    pledge_id=pledge_id,
                    package_id=pkg,
                    line_no=line_no,
                    amount=f"{amount}.00",
                    currency=pledge_currency,
                    on=on,
                ),
            )
        handle(seller, packages.Decide(package_id=pkg, party="US-GOV", decision="approve", reason="", on=on))
        due = (day + timedelta(days=90)).isoformat()
        handle(
            op,
            contracts.SignContract(
                package_id=pkg,
                buyer="US-GOV",
                supplier="RTX",
                kind="purchase",
                signed_on=on,
                lines=tuple(LineTerms(i, q, None) for i, q in enumerate(quantities, start=1)),
                schedule=tuple(DeliveryTerms(i, due, q) for i, q in enumerate(quantities, start=1)),
                id=ct,
            ),
        )
        shipped = (day + timedelta(days=30)).isoformat()
        lines = tuple(ShippedLine(i, q) for i, q in enumerate(quantities, start=1))
        handle(op, shipments.Dispatch(contract_id=ct, shipped_on=shipped, lines=lines, id=sh))
        received = (day + timedelta(days=35)).isoformat()
        handle(recipient, shipments.Receive(shipment_id=sh, received_on=received, quantities=None))
        out.packages, out.requirement_lines = n, 4 * n
        if n == 1:
            out.ids = {
                "pledge_id": pledge_id,
                "package_id": pkg,
                "contract_id": ct,
                "shipment_id": sh,
                "requirement_id": rids[0],
                "party_id": "UA-MOD",
                "event": "1",
            }
        if n % 10 == 0:
            out.events = ledger_size()
            print(f"\r  wrote {out.events:,} events ({n:,} packages)", end="", file=sys.stderr, flush=True)
            if out.events >= events:
                break
    out.seconds = time.perf_counter() - began
    print(file=sys.stderr)
    return out


# --- what is read ---------------------------------------------------------------------------------
#: path -> the hand-written query returning the same rows (the floor a read is held against)
HAND_SQL = {
    "/api/v1/pledges": "SELECT * FROM pledges ORDER BY pledged_on, id LIMIT 50",
    "/api/v1/pledges/{pledge_id}": "SELECT * FROM pledges p LEFT JOIN allocations a ON a.pledge_id = p.id "
    "WHERE p.id = :pledge_id",
    "/api/v1/packages": "SELECT * FROM packages ORDER BY id LIMIT 50",
    "/api/v1/packages/{package_id}": "SELECT * FROM packages p JOIN package_lines l ON l.package_id = p.id "
    "WHERE p.id = :package_id",
    "/api/v1/contracts": "SELECT * FROM contracts ORDER BY id LIMIT 50",
    "/api/v1/contracts/{contract_id}": "SELECT * FROM contracts c JOIN contract_lines l ON l.contract_id = c.id "
    "WHERE c.id = :contract_id",
    "/api/v1/shipments": "SELECT * FROM shipments ORDER BY shipped_on, id LIMIT 50",
    "/api/v1/shipments/{shipment_id}": "SELECT * FROM shipments s JOIN shipment_lines l ON l.shipment_id = s.id "
    "WHERE s.id = :shipment_id",
    "/api/v1/requirements": "SELECT * FROM requirements ORDER BY id LIMIT 50",
    "/api/v1/requirements/{requirement_id}": "SELECT * FROM requirements WHERE id = :requirement_id",
    "/api/v1/parties": "SELECT * FROM parties ORDER BY id LIMIT 50",
    "/api/v1/parties/{party_id}": "SELECT * FROM parties WHERE id = :party_id",
    "/api/v1/events": "SELECT * FROM events ORDER BY seq DESC LIMIT 50",
    "/api/v1/reports/funnel": "SELECT funder, sum(amount_minor), sum(allocated_minor) FROM pledges GROUP BY funder",
}
#: reads that are reports (held to the report target), by path prefix
REPORTS = ("/api/v1/reports", "/api/v1/exports", "/api/v1/ledger", "/api/v1/packages/{package_id}/trace")
#: endpoints a read benchmark leaves out, and why
SKIPPED = {
    "/api/v1/ledger/verify": "walks the whole chain by design (bench/ledger.py measures it)",
    "/api/v1/allocation-proposal": "runs the optimiser (bench/allocate.py measures it)",
    "/api/v1/plan-proposal": "runs the planner (bench/plan.py measures it)",
}
PARAM = re.compile(r"{([a-z_]+)}")


def get_routes() -> list[str]:
    """Every GET endpoint of the API, as its path template."""
    from fastapi.routing import APIRoute

    from supplyline.api.app import PREFIX
    from supplyline.api.routes import ROUTERS

    return sorted(
        {
            PREFIX + route.path
            for router in ROUTERS
            for route in router.routes
            if isinstance(route, APIRoute) and "GET" in (route.methods or ())
        }
    )


def dashboard_pages() -> list[str]:
    return ["/", "/requirements", "/packages", "/packages/{package_id}", "/production", "/money", "/end-use", "/ledger"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # the first call warms what a running server has warm (templates, statements)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(url: str, programme: Programme, runs: int) -> list[dict]:
    from fastapi.testclient import TestClient

    from supplyline.api import create_app
    from supplyline.services.access import tokens
    from supplyline.services.context import Actor, open_store

    store = open_store(url)
    operator = Actor("operator", via="bench")
    secrets = {
        role: tokens.issue_token(store, operator, tokens.IssueToken(party, role, "benchmark")).secret
        for role, party in (("funder", FUNDERS[1]), ("recipient", "UA-MOD"), ("coordinator", "NATO-NSATU"))
    }
    app = create_app(store)
    rows: list[dict] = []
    with TestClient(app) as client:
        paths = [p for p in get_routes() if p not in SKIPPED]
        for role in ("public", *secrets):
            headers = {"Cache-Control": "no-cache"}
            if role != "public":
                headers["Authorization"] = f"Bearer {secrets[role]}"
            for path in paths:
                wanted = PARAM.findall(path)
                if any(name not in programme.ids for name in wanted):
                    continue
                concrete = PARAM.sub(lambda m: programme.ids[m[1]], path)
                status = client.get(concrete, headers=headers).status_code
                times = timed(partial(client.get, concrete, headers=headers), runs)
                rows.append(_row("api", role, path, status, times))
        with TestClient(app) as browser:  # the dashboard as the public and, signed in, as the funder
            for role in ("public", "funder"):
                if role == "funder":
                    _sign_in(browser, secrets["funder"])
                for path in dashboard_pages():
                    concrete = PARAM.sub(lambda m: programme.ids[m[1]], path)
                    status = browser.get(concrete, headers={"Cache-Control": "no-cache"}).status_code
                    times = timed(partial(browser.get, concrete, headers={"Cache-Control": "no-cache"}), runs)
                    rows.append(_row("page", role, path, status, times))
        with store.engine.connect() as conn:
            for path, sql in HAND_SQL.items():
                times = timed(partial(_fetch, conn, sql, programme.ids), runs)
                for row in rows:  # a refusal (401, 403) answers no rows: nothing to hold it against
                    if row["path"] == path and row["kind"] == "api" and row["status"] == 200:
                        row["sql_p50_ms"] = round(statistics.median(times), 2)
                        row["sql_ratio"] = round(row["p50_ms"] / max(statistics.median(times), 0.01), 1)
        rows += _mixed(client, store, secrets["coordinator"], programme, runs)
    store.engine.dispose()
    return rows


def _fetch(conn: Any, sql: str, ids: dict[str, str]) -> list:
    return list(conn.execute(text(sql), ids).fetchall())


def _sign_in(browser: Any, secret: str) -> None:
    page = browser.get("/signin").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    browser.post("/signin", data={"token": secret, "csrf": csrf[1] if csrf else ""}, follow_redirects=False)


def _mixed(client: Any, store: Any, secret: str, programme: Programme, runs: int) -> list[dict]:
    """The record and list reads again while one pledge a second is written."""
    from supplyline.services import bus
    from supplyline.services.context import Actor
    from supplyline.services.records import funding

    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.wait(1.0):
            n += 1
            command = funding.AnnouncePledge(
                funder=FUNDERS[0], amount="1000.00", currency="EUR", pledged_on="2026-01-05", mechanism="purl"
            )
            bus.handle(store, Actor("operator", via="bench"), command)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    headers = {"Cache-Control": "no-cache", "Authorization": f"Bearer {secret}"}
    rows = []
    try:
        for path in ("/api/v1/pledges", "/api/v1/pledges/{pledge_id}", "/api/v1/packages/{package_id}"):
            concrete = PARAM.sub(lambda m: programme.ids[m[1]], path)
            times = timed(partial(client.get, concrete, headers=headers), max(runs, 20))
            rows.append(_row("mixed", "coordinator", path, 200, times))
    finally:
        stop.set()
        writer.join()
    return rows


def _row(kind: str, role: str, path: str, status: int, times: list[float]) -> dict:
    target = REPORT_P99_MS if kind == "page" or path.startswith(REPORTS) else RECORD_P99_MS
    p99 = percentile(times, 0.99)
    return {
        "kind": kind,
        "role": role,
        "path": path,
        "status": status,
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(p99, 2),
        "target_p99_ms": target,
        "met": p99 <= target,
    }


# --- the run ----------------------------------------------------------------------------------
def run_on(label: str, url: str, events: int, runs: int) -> dict:
    from supplyline.services.context import open_store

    print(f"{label}: writing a programme of {events:,} events through the services", file=sys.stderr)
    store = open_store(url, create=True)
    programme = generate(store, events)
    store.engine.dispose()
    rate = programme.events / programme.seconds
    print(f"{label}: {programme.events:,} events in {programme.seconds:.0f} s ({rate:,.0f} events/s)", file=sys.stderr)
    rows = measure(url, programme, runs)
    _print(label, programme, rows)
    return {
        "events": programme.events,
        "packages": programme.packages,
        "write_events_per_s": round(rate),
        "reads": rows,
    }


def _print(label: str, programme: Programme, rows: list[dict]) -> None:
    print(
        f"\n{label}: {programme.events:,} events, {programme.packages:,} packages, uncached (Cache-Control: no-cache)"
    )
    print(f"{'kind':<6} {'role':<12} {'path':<48} {'st':>3} {'p50 ms':>8} {'p99 ms':>8} {'target':>7} {'x SQL':>6}")
    for r in rows:
        ratio = f"{r['sql_ratio']:.1f}" if "sql_ratio" in r else "-"
        verdict = "met" if r["met"] and r.get("sql_ratio", 0) <= SQL_RATIO else "NOT met"
        print(
            f"{r['kind']:<6} {r['role']:<12} {r['path'][:48]:<48} {r['status']:>3} {r['p50_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['target_p99_ms']:>7.0f} {ratio:>6}  {verdict}"
        )
    met = sum(1 for r in rows if r["met"] and r.get("sql_ratio", 0) <= SQL_RATIO)
    print(f"{label}: {met} of {len(rows)} reads within their targets")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="10^4 events, 5 runs: checks the script only")
    options = parser.parse_args()
    events, runs = (10_000, 5) if options.quick else (options.events, options.runs)
    figures: dict[str, Any] = {"python": sys.version.split()[0], "machine": platform.machine(), "runs": runs}
    with tempfile.TemporaryDirectory() as tmp:
        if options.db in ("sqlite", "both"):
            figures["sqlite"] = run_on("SQLite", f"sqlite:///{Path(tmp) / 'scale.db'}", events, runs)
        admin = os.environ.get("SUPPLYLINE_BENCH_POSTGRES_URL") or os.environ.get("SUPPLYLINE_TEST_POSTGRES_URL")
        if options.db in ("postgresql", "both"):
            if not admin:
                print("PostgreSQL skipped: set SUPPLYLINE_TEST_POSTGRES_URL to a server's URL", file=sys.stderr)
            else:
                from supplyline.store.db import scratch_database

                url, drop = scratch_database(admin, "supplyline_scale")
                try:
                    figures["postgresql"] = run_on("PostgreSQL", url, events, runs)
                finally:
                    drop()
    OUT.mkdir(exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

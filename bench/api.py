"""Load benchmark of the HTTP API against uvicorn on PostgreSQL, from a separate client
process on loopback.

    python bench/api.py [--db ADMIN_URL] [--seconds 10] [--connections 8] [--workers 1] [--client auto|wrk|httpx]

The database is a fresh one created on the PostgreSQL server named by --db (default:
$SUPPLYLINE_BENCH_POSTGRES_URL or $SUPPLYLINE_TEST_POSTGRES_URL), loaded with the demo
ledger and dropped at the end. One uvicorn server serves the API plus two bare FastAPI
endpoints (an ``async def`` one, the framework's ceiling, and a plain ``def`` one that runs
in the thread pool like the API's endpoints). The client is ``wrk`` when installed (it
costs the shared CPU least), otherwise an httpx2/asyncio process. Each phase runs for a
bounded time with a fixed number of connections; the phases run one after another against
the same server, so their ratios compare like with like.

Targets (issue 4): reads >= 0.5 x bare throughput, read p99 <= 50 ms at that load.
Prints a table and writes bench/out/api.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

READS = [
    "/api/v1/pledges/PL-NL-2025-08",
    "/api/v1/packages/PKG-NL-1",
    "/api/v1/contracts/CT-NL-1",
    "/api/v1/requirements/REQ-01",
    "/api/v1/shipments/SH-NL-2",
    "/api/v1/pledges?limit=20",
]
WRITE_PATH = "/api/v1/pledges"
WRITE_BODY = {
    "funder": "NL-GOV",
    "amount": "1000000.00",
    "currency": "EUR",
    "pledged_on": "2026-01-05",
    "mechanism": "purl",
    "note": "benchmark",
}


# --- the server (run in its own process) ------------------------------------------------------


def bench_app():
    """The API on $SUPPLYLINE_DB, plus the bare endpoints that measure the framework alone."""
    from supplyline.api import create_app

    app = create_app()

    @app.get("/bench/bare", include_in_schema=False)
    async def bare():
        return {"ok": True}

    @app.get("/bench/bare-sync", include_in_schema=False)
    def bare_sync():
        return {"ok": True}

    return app


def serve(port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "api:bench_app",
        factory=True,
        app_dir=str(HERE),
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


# --- the clients -------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {%(paths)s}
local write_every = %(write_every)d
local token = "%(token)s"
local no_cache = %(no_cache)s
local body = '%(body)s'
local counter = 0
local id = 0
local threads = {}

setup = function(thread)
  id = id + 1
  thread:set("id", id)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local headers = {["Authorization"] = "Bearer " .. token}
  if no_cache then headers["Cache-Control"] = "no-cache" end
  if write_every > 0 and counter %% write_every == 0 then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. counter
    return wrk.format("POST", "%(write_path)s", headers, body)
  end
  if #paths == 0 then
    return wrk.format("POST", "%(write_path)s", {["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. counter}, body)
  end
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end

local bad = 0
response = function(status, headers, body)
  if status >= 300 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
"""


def run_wrk(
    url: str, paths: list[str], write_every: int, token: str, seconds: float, connections: int, no_cache: bool = False
) -> dict:
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "write_every": write_every,
        "token": token,
        "no_cache": "true" if no_cache else "false",
        "body": json.dumps(WRITE_BODY),
        "write_path": WRITE_PATH,
    }
    script = f'run = "{uuid.uuid4().hex[:8]}"\n' + script
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "1",
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    raw = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
    return _result(raw["requests"], raw["duration_us"] / 1e6, raw["p50_us"] / 1e3, raw["p99_us"] / 1e3, raw["errors"])


def run_httpx(
    url: str, paths: list[str], write_every: int, token: str, seconds: float, connections: int, no_cache: bool = False
) -> dict:
    """The same load from a separate Python process (httpx2 in asyncio)."""
    spec = json.dumps(
        {
            "url": url,
            "paths": paths,
            "write_every": write_every,
            "token": token,
            "seconds": seconds,
            "connections": connections,
            "no_cache": no_cache,
        }
    )
    out = subprocess.run(
        [sys.executable, __file__, "--httpx-client", spec], capture_output=True, text=True, check=True
    ).stdout
    raw = json.loads(out)
    return _result(raw["requests"], raw["duration"], raw["p50"], raw["p99"], raw["errors"])


def httpx_client(spec: dict) -> dict:
    import httpx2

    latencies: list[float] = []
    errors = 0
    run = uuid.uuid4().hex[:8]

    async def worker(client, n: int, stop: float) -> None:
        nonlocal errors
        counter = 0
        headers = {"Authorization": f"Bearer {spec['token']}"}
        if spec["no_cache"]:
            headers["Cache-Control"] = "no-cache"
        while time.perf_counter() < stop:
            counter += 1
            started = time.perf_counter()
            if not spec["paths"] or (spec["write_every"] and counter % spec["write_every"] == 0):
                response = await client.post(
                    WRITE_PATH, json=WRITE_BODY, headers={**headers, "Idempotency-Key": f"bench-{run}-{n}-{counter}"}
                )
            else:
                response = await client.get(spec["paths"][counter % len(spec["paths"])], headers=headers)
            latencies.append(time.perf_counter() - started)
            errors += response.status_code >= 300

    async def main() -> float:
        limits = httpx2.Limits(max_connections=spec["connections"])
        async with httpx2.AsyncClient(base_url=spec["url"], limits=limits, timeout=10) as client:
            start = time.perf_counter()
            await asyncio.gather(*[worker(client, n, start + spec["seconds"]) for n in range(spec["connections"])])
            return time.perf_counter() - start

    duration = asyncio.run(main())
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3

    return {"requests": len(latencies), "duration": duration, "p50": pick(0.50), "p99": pick(0.99), "errors": errors}


def _result(requests: int, duration: float, p50_ms: float, p99_ms: float, errors: int) -> dict:
    return {
        "requests": requests,
        "rps": round(requests / duration, 1),
        "p50_ms": round(p50_ms, 2),
        "p99_ms": round(p99_ms, 2),
        "errors": errors,
    }


# --- the run -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(admin_url: str):
    """A fresh PostgreSQL database for the run, and how to drop it."""
    from supplyline.store.db import scratch_database

    return scratch_database(admin_url, "supplyline_bench")


def _prepare(url: str) -> dict[str, str]:
    from supplyline.services.access import tokens
    from supplyline.services.context import Actor, open_store
    from supplyline.services.demo_ledger import demo

    store = open_store(url, create=True)
    demo.load(store)
    operator = Actor("operator", via="bench")
    secrets = {
        role: tokens.issue_token(store, operator, tokens.IssueToken(party, role, "benchmark")).secret
        for role, party in (("funder", "NL-GOV"), ("auditor", "NATO-NSATU"))
    }
    store.engine.dispose()
    return secrets


def _wait(url: str, server: subprocess.Popen) -> None:
    import httpx2

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx2.get(f"{url}/bench/bare").status_code == 200:
                return
        except httpx2.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the benchmark server did not start")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("SUPPLYLINE_BENCH_POSTGRES_URL") or os.environ.get("SUPPLYLINE_TEST_POSTGRES_URL"),
        help="PostgreSQL server URL (a fresh database is created on it)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections of the client")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--client", choices=("auto", "wrk", "httpx"), default="auto")
    parser.add_argument("--httpx-client", help=argparse.SUPPRESS)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.httpx_client:
        print(json.dumps(httpx_client(json.loads(args.httpx_client))))
        return
    if args.serve:
        serve(int(args.serve[0]), int(args.serve[1]))
        return
    if not args.db or not args.db.startswith("postgresql"):
        raise SystemExit(
            "give a PostgreSQL server: --db postgresql+psycopg://user@host:5432/postgres "
            "(or set SUPPLYLINE_BENCH_POSTGRES_URL)"
        )
    client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    load = run_wrk if client == "wrk" else run_httpx

    db_url, drop = _database(args.db)
    server = None
    try:
        secrets = _prepare(db_url)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port), str(args.workers)],
            env={**os.environ, "SUPPLYLINE_DB": db_url},
        )
        _wait(base, server)
        phases = [
            ("bare async def (framework ceiling)", ["/bench/bare"], 0, False),
            ("bare def (thread pool)", ["/bench/bare-sync"], 0, False),
            ("reads as a funder (6 endpoints)", READS, 0, False),
            ("same reads, Cache-Control: no-cache", READS, 0, True),
            # before the pure writes, which add ~1000 pledges that the list read then pages through
            ("mixed: 9 reads : 1 write", READS, 10, False),
            ("writes: announce pledge + Idempotency-Key", [], 0, False),
        ]
        # a short warm-up, so that no phase pays for first connections and imports
        load(base, READS, 0, secrets["funder"], 2, args.connections)
        results = {}
        for name, paths, write_every, no_cache in phases:
            results[name] = load(base, paths, write_every, secrets["funder"], args.seconds, args.connections, no_cache)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop()

    bare = results[phases[0][0]]
    reads = results[phases[2][0]]
    ratio = reads["rps"] / bare["rps"]
    report = {
        "benchmark": "api",
        "client": client,
        "connections": args.connections,
        "seconds_per_phase": args.seconds,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "note": "measured side by side in one run; on a shared machine the absolute numbers are noisy",
        "phases": results,
        "targets": {
            "reads_over_bare": {"value": round(ratio, 3), "target": ">= 0.5", "met": ratio >= 0.5},
            "read_p99_ms": {"value": reads["p99_ms"], "target": "<= 50", "met": reads["p99_ms"] <= 50},
        },
    }
    print(
        f"\nHTTP API on PostgreSQL, uvicorn {args.workers} worker(s), client {client} with {args.connections} "
        f"connections, {args.seconds:g} s per phase, {os.cpu_count()} CPUs\n"
    )
    print(f"{'phase':45} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:45} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['errors']:>8}")
    print()
    for name, t in report["targets"].items():
        print(f"{name:20} {t['value']:>8} (target {t['target']}): {'met' if t['met'] else 'NOT met'}")
    OUT.mkdir(exist_ok=True)
    (OUT / "api.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {OUT / 'api.json'}")


if __name__ == "__main__":
    main()

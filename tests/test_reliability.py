"""The reliability suite (issue 13 item 10): what the attack found holding keeps holding.

Processes are killed with SIGKILL (``kill -9``) while they write: a CLI import, and
``serve`` under a stream of API writes. After each kill the ledger must verify (every event
whole, the chain and the withheld values intact) and its projections must equal a rebuild;
retrying what was cut short (the import again, the same Idempotency-Keys) records each
thing exactly once. On SQLite, and on PostgreSQL when ``SUPPLYLINE_TEST_POSTGRES_URL`` is set
(the ``db_url`` fixture). Concurrent over-allocation is ``test_concurrency.py``.

Bounded: a fixed number of kills at seeded moments, small inputs, every wait with a
deadline. Marked slow (about 1.5 min per database on a loaded machine): ``-m "not slow"`` leaves it out.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx2
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.services import bus
from supplyline.services.context import Actor, open_store
from supplyline.services.records import parties
from supplyline.store import schema as t

pytestmark = pytest.mark.slow

KILLS = 2  # per test and database
ROWS = 600  # pledges in the import file: read and checked for seconds before one transaction
WRITES = 24  # API writes in the stream
runner = CliRunner()


def cli(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args])


def supplyline(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "supplyline.cli.main", "--db", url, *args],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def whole(url: str) -> None:
    """The ledger verifies and its projections equal a rebuild."""
    verified = cli(url, "verify")
    assert verified.exit_code == 0, verified.output
    rebuilt = cli(url, "rebuild", "--check")
    assert rebuilt.exit_code == 0, rebuilt.output


def pledges(url: str) -> int:
    store = open_store(url)
    try:
        with store.read() as conn:
            return conn.execute(select(func.count()).select_from(t.pledges)).scalar_one()
    finally:
        store.engine.dispose()


def ledger(url: str) -> None:
    store = open_store(url, create=True)
    bus.handle(
        store,
        Actor("operator"),
        parties.RegisterParty(id="NL-GOV", name="Netherlands", kind="government", country="NL"),
    )
    store.engine.dispose()


def test_an_import_killed_mid_write_leaves_a_whole_ledger_and_finishes_when_run_again(db_url, tmp_path):
    ledger(db_url)
    rows = [f"PL-{i:04d},NL-GOV,{1000 + i}.00,USD,2025-08-{1 + i % 28:02d},purl,row {i}" for i in range(ROWS)]
    path = tmp_path / "pledges.csv"
    path.write_text("id,funder,amount,currency,pledged_on,mechanism,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    moments = random.Random(13).sample([0.3, 0.6, 1.0, 1.5], KILLS)
    for moment in moments:
        importing = supplyline(db_url, "import", "pledges", str(path))
        time.sleep(moment)
        kill(importing)
        whole(db_url)
        assert pledges(db_url) in (0, ROWS)  # one transaction: all of it or none
    assert pledges(db_url) < ROWS  # the kills cut the import short
    again = cli(db_url, "import", "pledges", str(path))
    assert again.exit_code == 0, again.output
    whole(db_url)
    assert pledges(db_url) == ROWS  # each row recorded once, whatever the kills cut


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(url: str, port: int) -> subprocess.Popen:
    server = supplyline(url, "serve", "--port", str(port))
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx2.get(f"http://127.0.0.1:{port}/api/v1/me", timeout=5)
            return server
        except httpx2.TransportError:
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


def _post(port: int, secret: str, i: int) -> int | None:
    """Announce pledge ``i`` under its own Idempotency-Key; the status, or None if cut off."""
    body = {"funder": "NL-GOV", "amount": f"{5000 + i}.00", "currency": "USD", "pledged_on": "2025-08-04"}
    try:
        answer = httpx2.post(
            f"http://127.0.0.1:{port}/api/v1/pledges",
            json={**body, "mechanism": "purl", "note": f"write {i}"},
            headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": f"write-{i}"},
            timeout=30,
        )
    except httpx2.TransportError:
        return None
    return answer.status_code


def test_serve_killed_under_writes_loses_nothing_and_retries_record_once(db_url):
    ledger(db_url)
    created = cli(db_url, "token", "create", "--party", "NL-GOV", "--role", "funder", "--json")
    assert created.exit_code == 0, created.output
    secret = json.loads(created.output)["secret"]
    answered: dict[int, int | None] = {}
    # kill after a seeded number of recorded writes (not after a time: a fast machine finishes the stream first)
    for target in sorted(random.Random(10).sample([4, 9, 14, 19], KILLS)):
        port = _free_port()
        server = _serving(db_url, port)

        def stream(port: int = port) -> None:
            for i in range(WRITES):
                if answered.get(i) in (200, 201):
                    continue
                answered[i] = _post(port, secret, i)
                if answered[i] is None:
                    return

        writer = threading.Thread(target=stream)
        writer.start()
        deadline = time.monotonic() + 60
        while writer.is_alive() and time.monotonic() < deadline:
            if sum(status in (200, 201) for status in answered.values()) >= target:
                break
            time.sleep(0.002)
        kill(server)
        writer.join(timeout=60)
        assert not writer.is_alive()
        whole(db_url)
        assert set(answered.values()) <= {200, 201, None}
    assert pledges(db_url) < WRITES  # the kills cut the stream short
    port = _free_port()
    server = _serving(db_url, port)
    try:
        retried = [_post(port, secret, i) for i in range(WRITES)]  # every key again, cut short or not
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert set(retried) <= {200, 201}, retried
    whole(db_url)
    assert pledges(db_url) == WRITES  # a write the kill cut short is recorded once when retried

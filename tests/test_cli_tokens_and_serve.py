"""`supplyline token` and `supplyline serve`, run as a user runs them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
from sqlalchemy import select
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.services import bus
from supplyline.services.context import Actor, open_store
from supplyline.services.records import parties
from supplyline.store import schema as t

runner = CliRunner()


def cli(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args])


def _ledger(url: str) -> None:
    store = open_store(url, create=True)
    bus.handle(
        store,
        Actor("NATO-NSATU"),
        parties.RegisterParty(id="NL-GOV", name="Netherlands", kind="government", country="NL"),
    )
    store.engine.dispose()


def test_create_list_revoke(sqlite_url):
    _ledger(sqlite_url)
    created = cli(
        sqlite_url, "token", "create", "--party", "NL-GOV", "--role", "funder", "--label", "treasury", "--json"
    )
    assert created.exit_code == 0, created.output
    issued = json.loads(created.output)
    assert issued["id"] == "TK-0001" and issued["secret"].startswith("slk_") and len(issued["secret"]) == 47
    listed = json.loads(cli(sqlite_url, "token", "list", "--json").output)
    assert [(r["id"], r["party"], r["role"], r["label"], r["state"]) for r in listed] == [
        ("TK-0001", "NL-GOV", "funder", "treasury", "active")
    ]
    assert issued["secret"] not in cli(sqlite_url, "token", "list").output
    store = open_store(sqlite_url)
    with store.read() as conn:
        payload = conn.execute(select(t.events.c.payload).where(t.events.c.stream_id == "token:TK-0001")).scalar_one()
    store.engine.dispose()
    assert issued["secret"] not in payload  # only its digest is on the ledger
    revoked = cli(sqlite_url, "token", "revoke", "TK-0001", "--reason", "rotated")
    assert revoked.exit_code == 0 and "TokenRevoked" in revoked.output
    again = cli(sqlite_url, "token", "revoke", "TK-0001")
    assert again.exit_code == 2 and "is revoked: cannot revoke" in again.output
    assert cli(sqlite_url, "rebuild", "--check").exit_code == 0


def test_bad_role_or_party_is_refused_with_exit_2(sqlite_url):
    _ledger(sqlite_url)
    bad_role = cli(sqlite_url, "token", "create", "--party", "NL-GOV", "--role", "king")
    assert bad_role.exit_code == 2 and "role: must be one of: recipient, coordinator" in bad_role.output
    no_party = cli(sqlite_url, "token", "create", "--party", "XX-GOV", "--role", "funder")
    assert no_party.exit_code == 2 and "party 'XX-GOV' does not exist" in no_party.output
    assert json.loads(cli(sqlite_url, "token", "list", "--json").output) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_over_http_until_stopped(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    _ledger(url)
    secret = json.loads(cli(url, "token", "create", "--party", "NL-GOV", "--role", "funder", "--json").output)["secret"]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "supplyline.cli.main", "--db", url, "serve", "--port", str(port)],
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx2.get(
                    f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
                )
                break
            except httpx2.TransportError:
                assert server.stdout is not None  # started with stdout=PIPE
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert response.json() == {"token_id": "TK-0001", "party": "NL-GOV", "role": "funder"}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_refuses_an_uninitialised_database(tmp_path: Path):
    result = cli(f"sqlite:///{tmp_path / 'none.db'}", "serve", "--port", str(_free_port()))
    assert result.exit_code == 2 and "is not initialised" in result.output

"""The three attacks of issue 14 on a copy of the demo ledger, on SQLite and PostgreSQL:
a forged tail (an event appended by raw SQL, chain and head correct, without the key), a
planted token row with a doubled pledge amount, and a replaced key file. `verify` and
`serve`'s start name each; the forged and planted tokens do not authenticate."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from conftest import BACKENDS, create_postgres_database
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.ledger.canonical import canonical
from supplyline.ledger.chain import hash_input
from supplyline.ledger.note import Signer
from supplyline.services.access import tokens
from supplyline.services.context import Actor, open_store
from supplyline.services.demo_ledger import demo
from supplyline.services.log import signing
from supplyline.store import keyfile

runner = CliRunner()
FORGED_SECRET = "slk_" + "attacker-chosen-secret-0123456789abcdef"


class Ledger:
    def __init__(self, url: str, key: Path):
        self.url, self.key = url, key
        self.env = {"SUPPLYLINE_SIGNING_KEY": str(key)}

    def cli(self, *args: str):
        return runner.invoke(app, ["--db", self.url, *args], env=self.env)

    def sql(self, *statements: str, params: dict | None = None) -> None:
        """Rows changed behind supplyline's back, as an attacker with database access would."""
        engine = create_engine(self.url)
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement), params or {})
        engine.dispose()

    def store(self):
        store = open_store(self.url)
        signing.attach(store, self.key)
        return store


@pytest.fixture(params=BACKENDS)
def ledger(request, demo_template, tmp_path):
    """A signed copy of the demo: on SQLite the unsigned demo file copied and `init` run on
    it (the key pinned by a KeyPinned event: how an existing ledger gets one); on PostgreSQL
    the demo loaded through a signing store."""
    key = tmp_path / "ledger.key"
    if request.param == "sqlite":
        shutil.copy(demo_template, tmp_path / "demo.db")
        with sqlite3.connect(tmp_path / "demo.db") as conn:  # the demo's size changes as the demo grows
            (demo_events,) = conn.execute("SELECT count(*) FROM events").fetchone()
        target = Ledger(f"sqlite:///{tmp_path / 'demo.db'}", key)
        result = target.cli("init")
        assert result.exit_code == 0, result.output
        assert f"the log now names its signing key (event #{demo_events + 1}, KeyPinned)" in result.stdout
        yield target
        return
    url, drop = create_postgres_database()
    try:
        target = Ledger(url, key)
        assert target.cli("init").exit_code == 0
        store = target.store()
        demo.load(store)
        store.engine.dispose()
        yield target
    finally:
        drop()


def _head(ledger: Ledger) -> tuple[int, str]:
    engine = create_engine(ledger.url)
    with engine.connect() as conn:
        seq, head = conn.execute(text("SELECT seq, hash FROM ledger_head WHERE id = 1")).one()
    engine.dispose()
    return seq, head


def _badge(ledger: Ledger) -> str:
    store = ledger.store()
    try:
        with TestClient(create_app(store, read_cache=False)) as client:
            page = client.get("/ledger").text
    finally:
        store.engine.dispose()
    return page[page.index('<p id="verification">') : page.index("</p>", page.index('<p id="verification">'))]


def _authenticates(ledger: Ledger, secret: str) -> int:
    store = ledger.store()
    try:
        with TestClient(create_app(store, read_cache=False)) as client:
            return client.get("/api/v1/ledger/verify", headers={"Authorization": f"Bearer {secret}"}).status_code
    finally:
        store.engine.dispose()


def test_the_signed_demo_verifies_and_a_real_token_authenticates(ledger):
    result = ledger.cli("verify")
    assert result.exit_code == 0, result.output
    assert "ledger verified:" in result.stdout and "signed up to #" in result.stdout
    store = ledger.store()
    issued = tokens.issue_token(store, Actor("NATO-NSATU"), tokens.IssueToken("NATO-NSATU", "coordinator"))
    store.engine.dispose()
    assert _authenticates(ledger, issued.secret) == 200
    assert '<span class="badge ok">verified</span>' in _badge(ledger)


def test_a_forged_tail_is_named_by_verify_and_serve_and_its_token_is_refused(ledger):
    seq, head = _head(ledger)
    stamp = "2026-01-01T00:00:00.000000Z"
    payload = canonical(
        {
            "id": "TK-9001",
            "party": "NATO-NSATU",
            "role": "coordinator",
            "secret_sha256": hashlib.sha256(FORGED_SECRET.encode()).hexdigest(),
            "label": "",
            "issued_at": stamp,
        }
    )
    body = hash_input(seq + 1, "token:TK-9001", 1, stamp, "operator", "TokenIssued", canonical({}), payload, head)
    digest = hashlib.sha256(body).hexdigest()
    ledger.sql(
        "INSERT INTO events (seq, body, hash) VALUES (:seq, :body, :hash)",
        "UPDATE ledger_head SET seq = :seq, hash = :hash WHERE id = 1",
        params={"seq": seq + 1, "body": body.decode(), "hash": digest},
    )
    assert ledger.cli("rebuild").exit_code == 0  # the projections now hold the forged token too

    result = ledger.cli("verify")
    assert result.exit_code == 1
    assert (
        f"event(s) #{seq + 1} to #{seq + 1} are covered by no signed checkpoint (written without the signing "
        f"key): #{seq + 1} TokenIssued on token:TK-9001 by operator" in result.stderr
    )
    served = ledger.cli("serve", "--port", "1")
    assert served.exit_code == 1
    assert "refusing to serve: the ledger does not verify" in served.stderr
    assert f"#{seq + 1} TokenIssued on token:TK-9001" in served.stderr
    assert _authenticates(ledger, FORGED_SECRET) == 401


def test_a_planted_token_row_and_a_doubled_pledge_are_named_and_the_token_is_refused(ledger):
    ledger.sql(
        "INSERT INTO api_tokens (id, party, role, secret_sha256, label, issued_at, state, revoked_reason, version) "
        "VALUES ('TK-9002', 'NATO-NSATU', 'coordinator', :digest, '', '2026-01-01T00:00:00.000000Z', 'active', '', 1)",
        "UPDATE pledges SET amount_minor = amount_minor * 2 WHERE id = 'PL-NL-2025-08'",
        params={"digest": hashlib.sha256(FORGED_SECRET.encode()).hexdigest()},
    )
    result = ledger.cli("verify")
    assert result.exit_code == 1
    assert "projection differs from the log: api_tokens [TK-9002]: row in the store but not in the events" in (
        result.stderr
    )
    assert (
        "projection differs from the log: pledges [PL-NL-2025-08].amount_minor: stored 100000000000, "
        "rebuilt 50000000000" in result.stderr
    )
    served = ledger.cli("serve", "--port", "1")
    assert served.exit_code == 1 and "api_tokens [TK-9002]" in served.stderr
    assert _authenticates(ledger, FORGED_SECRET) == 401
    badge = _badge(ledger)
    assert '<span class="badge bad">verification failed</span>' in badge
    assert "api_tokens [TK-9002]: row in the store but not in the events" in badge
    assert "pledges [PL-NL-2025-08].amount_minor" in badge


def test_a_replaced_key_file_is_named_and_refused(ledger):
    pinned = keyfile.load(ledger.key).verifier
    ledger.key.unlink()
    intruder = Signer.generate(pinned.name)
    ledger.key.write_text(f"{intruder}\n")
    ledger.key.chmod(0o600)
    result = ledger.cli("verify")
    assert result.exit_code == 1
    assert f"({intruder.verifier}) is not the key the log names ({pinned}" in result.stderr
    served = ledger.cli("serve", "--port", "1")
    assert served.exit_code == 1 and "is not the key the log names" in served.stderr
    # and nothing can be written with it
    write = ledger.cli("--as", "NATO-NSATU", "token", "create", "--party", "NATO-NSATU", "--role", "auditor")
    assert write.exit_code == 2
    assert "is not the key the log names" in write.stderr

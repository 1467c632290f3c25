"""The three attacks of issue 14 on a copy of the demo ledger, on SQLite and PostgreSQL:
a forged tail (an event appended by raw SQL, chain and head correct, without the key), a
planted token row with a doubled pledge amount, and a replaced key file. `verify` and
`serve`'s start name each; the forged and planted tokens do not authenticate. And what a
database writer without the key could do with the chain recomputed, an event changed or the
tail cut, is named by the checkpoint signed on commit beside the key (item 1)."""

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
from supplyline.ledger.chain import from_hash_input, hash_input
from supplyline.ledger.note import Signer
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor, open_store
from supplyline.services.demo_ledger import demo
from supplyline.services.log import signing, transparency
from supplyline.services.records import parties
from supplyline.store import keyfile
from supplyline.store import signing as store_signing

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
        shutil.copytree(demo_template.with_name("demo.db.blobs"), tmp_path / "demo.db.blobs")  # the documents' bytes
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


def _rewrite_from(ledger: Ledger, seq: int, old: str, new: str) -> None:
    """Event #seq's payload changed and every later hash recomputed, the head moved and the
    database's checkpoint cleared: all a database writer without the key can do."""
    engine = create_engine(ledger.url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":  # and the trigger against deleting, for the cut that follows
            conn.execute(text("DROP TRIGGER events_no_update"))
            conn.execute(text("DROP TRIGGER events_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER events_append_only ON events"))
        rows = conn.execute(text("SELECT seq, body, hash FROM events WHERE seq >= :seq ORDER BY seq"), {"seq": seq})
        prev = None
        for row in rows.all():
            e = from_hash_input(row.seq, row.body.replace(old, new) if row.seq == seq else row.body, row.hash)
            body = hash_input(
                e.seq, e.stream_id, e.stream_version, e.recorded_at, e.actor, e.type, e.meta, e.payload,
                prev or e.prev_hash,
            )  # fmt: skip
            prev = hashlib.sha256(body).hexdigest()
            conn.execute(
                text("UPDATE events SET body = :body, hash = :hash WHERE seq = :seq"),
                {"body": body.decode(), "hash": prev, "seq": e.seq},
            )
        conn.execute(text("UPDATE ledger_head SET hash = :hash, checkpoint = NULL WHERE id = 1"), {"hash": prev})
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def small_ledger(request, tmp_path):
    """A signed ledger of a pinned key and four parties, on each database."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'small.db'}", None
    else:
        url, drop = create_postgres_database()
    try:
        target = Ledger(url, tmp_path / "small.key")
        store = open_store(url, create=True)
        transparency.ensure_key(target.key, "example.org/small")
        signing.attach(store, target.key)
        signing.pin_key(store, Actor("operator", via="test"))
        for i in range(1, 5):
            bus.handle(
                store,
                Actor("operator", via="test"),
                parties.RegisterParty(id=f"P{i}", name=f"Party {i}", kind="company", country="NL"),
            )
        store.engine.dispose()
        yield target
    finally:
        if drop is not None:
            drop()


def test_a_rewritten_history_and_a_cut_tail_are_named_by_the_checkpoint_file(small_ledger):
    """Issue 14 item 1: a database writer without the key can change or drop events only with
    the whole chain recomputed; the checkpoint signed on commit beside the key still names it."""
    checkpoints = store_signing.checkpoint_file(small_ledger.key)
    _rewrite_from(small_ledger, 3, "Party 2", "Party Z")  # #1 KeyPinned, #2 P1, #3 P2
    result = small_ledger.cli("verify")
    assert result.exit_code == 1
    assert (
        f"the first 5 events do not give the root signed in {checkpoints} line 5: the history was "
        "rewritten since it was signed" in result.stderr
    )
    small_ledger.sql(
        "DELETE FROM events WHERE seq = 5",
        "UPDATE ledger_head SET seq = 4, hash = (SELECT hash FROM events WHERE seq = 4) WHERE id = 1",
    )
    result = small_ledger.cli("verify")
    assert result.exit_code == 1
    assert (
        f"the checkpoint in {checkpoints} line 5 signs 5 events, the log holds 4: events #5 to #5 were removed"
        in result.stderr
    )

"""Events are stored as the bytes their hash covers, and every field is generated from them:
what the application reads can only be what was hashed (both databases), a changed field
definition is caught on SQLite, and ledgers written before this layout keep every event."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from alembic import command
from sqlalchemy import text

from conftest import OPERATOR, create_postgres_database
from supplyline.ledger.chain import GENESIS, event_hash, hash_input
from supplyline.services import bus
from supplyline.services.context import open_store
from supplyline.services.log import checks
from supplyline.services.records import parties
from supplyline.store.db import make_engine
from supplyline.store.migrate import config, upgrade

FIELDS = "seq, stream_id, stream_version, recorded_at, actor, type, meta, payload, prev_hash"


def four_parties(store):
    for i in range(1, 5):
        bus.handle(store, OPERATOR, parties.RegisterParty(id=f"P-{i}", name=f"Party {i}", kind="company", country="NL"))
    return store


@pytest.fixture
def ledger(store):
    return four_parties(store)


def test_every_field_is_cut_from_the_hashed_bytes(ledger):
    with ledger.read() as conn:
        rows = conn.execute(text(f"SELECT body, hash, {FIELDS} FROM events ORDER BY seq")).all()
    assert [r.stream_id for r in rows] == ["party:P-1", "party:P-2", "party:P-3", "party:P-4"]
    assert [r.stream_version for r in rows] == [1, 1, 1, 1]
    assert rows[0].prev_hash == GENESIS and rows[3].prev_hash == rows[2].hash
    assert rows[2].payload.startswith('{"country":"NL"') and '"name":"Party 3"' in rows[2].payload
    for row in rows:
        assert hashlib.sha256(row.body.encode()).hexdigest() == row.hash
        assert hash_input(*row[2:]) == row.body.encode()


def test_the_fields_cannot_be_written_apart_from_the_bytes(ledger):
    with pytest.raises(Exception, match=r"generated column|cannot insert"), ledger.engine.begin() as conn:
        conn.execute(text("INSERT INTO events (seq, body, hash, payload) VALUES (99, 'x', 'y', '{}')"))


def test_a_changed_field_definition_is_caught_on_sqlite(sqlite_store):
    bus.handle(sqlite_store, OPERATOR, parties.RegisterParty(id="P-1", name="Party 1", kind="company", country="NL"))
    assert checks.verify_ledger(sqlite_store).ok
    path = sqlite_store.engine.url.database
    sqlite_store.engine.dispose()
    # a payload that shows a constant instead of what the hash covers; the bytes stay intact
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema = ON")
    (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()
    start = sql.index("payload TEXT NOT NULL GENERATED ALWAYS AS (") + len(
        "payload TEXT NOT NULL GENERATED ALWAYS AS ("
    )
    end = sql.index("prev_hash VARCHAR(64)")
    forged = sql[:start] + """'{"name":"Someone else"}'),\n\t""" + sql[end:]
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'events'", (forged,))
    con.commit()
    con.close()
    store = open_store(f"sqlite:///{path}")
    try:
        with store.read() as conn:
            assert conn.execute(text("SELECT payload FROM events")).scalar_one() == '{"name":"Someone else"}'
        result = checks.verify_ledger(store)
        assert not result.ok and result.finding is not None
        assert result.finding.message == (
            "the events table no longer computes 'payload' from the hashed bytes as written: its definition "
            "was changed, so the values shown may not be the ones hashed"
        )
    finally:
        store.engine.dispose()


@pytest.fixture
def postgres_ledger():
    url, drop = create_postgres_database()
    store = open_store(url, create=True)
    try:
        yield four_parties(store)
    finally:
        store.engine.dispose()
        drop()


@pytest.mark.postgres
def test_postgres_verify_hashes_the_stored_fields(postgres_ledger):
    ledger = postgres_ledger  # PostgreSQL stores the generated fields; SQLite computes them on read
    with ledger.engine.begin() as conn:  # a field made writable and changed, the bytes left alone
        conn.execute(text("DROP TRIGGER events_append_only ON events"))
        conn.execute(text("ALTER TABLE events ALTER COLUMN payload DROP EXPRESSION"))
        conn.execute(text("UPDATE events SET payload = replace(payload, 'Party 3', 'Party X') WHERE seq = 3"))
    finding = checks.verify_ledger(ledger).finding
    assert finding is not None
    assert finding.seq == 3 and "does not match its contents" in finding.message


def test_a_ledger_written_before_the_layout_change_keeps_every_event(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0007")
    old, prev = [], GENESIS
    for seq in (1, 2, 3):
        fields = (
            seq,
            f"party:P-{seq}",
            1,
            f"2026-01-0{seq}T00:00:00.000000Z",
            "operator",
            "PartyRegistered",
            '{"via":"test"}',
            f'{{"id":"P-{seq}","note":"caf\u00e9 \\\\ \\"q\\""}}',
            prev,
        )
        prev = event_hash(*fields)
        old.append((*fields, prev))
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO events ({FIELDS}, hash) VALUES "
                "(:seq, :sid, :ver, :at, :actor, :type, :meta, :payload, :prev, :hash)"
            ),
            [
                dict(
                    zip(
                        ("seq", "sid", "ver", "at", "actor", "type", "meta", "payload", "prev", "hash"),
                        row,
                        strict=False,
                    )
                )
                for row in old
            ],
        )
        conn.execute(text("UPDATE ledger_head SET seq = 3, hash = :h"), {"h": prev})
    upgrade(engine)
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(f"SELECT {FIELDS}, hash FROM events ORDER BY seq"))] == old
    store = open_store(db_url)
    result = checks.verify_ledger(store)
    assert result.ok and result.checked == 3 and result.head_hash == prev
    store.engine.dispose()
    command.downgrade(config(engine), "0007")
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(text(f"SELECT {FIELDS}, hash FROM events ORDER BY seq"))] == old
    engine.dispose()

"""Reads answered from memory stay true: the cache empties whenever the ledger moves
(an append through the API or from anywhere else, a revoked token, a rebuild). On SQLite,
where no notification exists, nothing is cached."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, update

from supplyline.api import create_app
from supplyline.api.cache import ReadCache
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.log import checks
from supplyline.services.records import funding, parties
from supplyline.store import schema as t
from supplyline.store.db import is_sqlite
from supplyline.store.ledgerwatch import LedgerWatch

PLEDGE = "/api/v1/pledges/PL-0001"


def _edit_projection_behind_the_ledger(store, note: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(t.pledges).where(t.pledges.c.id == "PL-0001").values(note=note))


def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the ledger watch did not catch up"
        time.sleep(0.01)


def test_cached_reads_follow_the_ledger(store):
    operator = Actor("operator", via="test")
    bus.handle(store, operator, parties.RegisterParty(id="FUND-A", name="Funder A", kind="government", country=None))
    bus.handle(
        store,
        Actor("FUND-A"),
        funding.AnnouncePledge(
            funder="FUND-A",
            amount="1000",
            currency="EUR",
            pledged_on="2025-08-01",
            mechanism="purl",
            note="as announced",
        ),
    )
    reader = tokens.issue_token(store, operator, tokens.IssueToken("FUND-A", "funder"))
    other = tokens.issue_token(store, operator, tokens.IssueToken("FUND-A", "funder"))
    bus.handle(
        store, operator, parties.RegisterParty(id="AUDIT", name="Audit office", kind="organisation", country=None)
    )
    audit = tokens.issue_token(store, operator, tokens.IssueToken("AUDIT", "auditor"))
    bearer = {"Authorization": f"Bearer {reader.secret}"}
    app = create_app(store)
    watch = app.state.ledger_watch
    caching = not is_sqlite(store.engine)
    with TestClient(app) as client:
        if caching:
            _wait_until(lambda: watch.state() is not None)
        first = client.get(PLEDGE, headers=bearer).json()
        assert first["note"] == "as announced"
        _edit_projection_behind_the_ledger(store, "edited in place")
        again = client.get(PLEDGE, headers=bearer).json()
        assert again["note"] == ("as announced" if caching else "edited in place")
        fresh = client.get(PLEDGE, headers={**bearer, "Cache-Control": "no-cache"}).json()
        assert fresh["note"] == "edited in place"
        # the auditor's instruments always look at the database itself
        auditor = {"Authorization": f"Bearer {audit.secret}"}
        check = client.get("/api/v1/ledger/projections", headers=auditor).json()
        assert check["ok"] is False and check["differences"] == [
            "pledges [PL-0001].note: stored 'edited in place', rebuilt 'as announced'"
        ]

        # an append made outside this server (as the CLI would) reaches it by notification
        committed = bus.handle(store, Actor("FUND-A"), funding.CommitPledge(pledge_id="PL-0001", on="2025-08-02"))
        if caching:
            _wait_until(lambda: watch.state()[0] >= committed.events[-1].seq)
        after = client.get(PLEDGE, headers=bearer).json()
        assert (after["state"], after["version"], after["note"]) == ("committed", 2, "edited in place")

        # a rebuild restores the projection from the events, and the cache forgets what it had
        generation = watch.state()[1] if caching else None
        checks.rebuild_projections(store)
        if caching:
            _wait_until(lambda: watch.state()[1] > generation)
        assert client.get(PLEDGE, headers=bearer).json()["note"] == "as announced"
        assert client.get("/api/v1/ledger/projections", headers=auditor).json() == {"ok": True, "differences": []}

        second = {"Authorization": f"Bearer {other.secret}"}
        assert client.get(PLEDGE, headers=second).status_code == 200

        # revoking a token is an append: its cached answers are gone with it
        revoked = tokens.revoke_token(store, operator, reader.outcome.id)
        if caching:
            _wait_until(lambda: watch.state()[0] >= revoked.events[-1].seq)
        assert client.get(PLEDGE, headers=bearer).status_code == 401
        assert client.get(PLEDGE, headers=second).status_code == 200
    assert watch.state() is None  # stopped with the app


def test_a_write_through_the_api_is_read_back_at_once(store):
    operator = Actor("operator", via="test")
    bus.handle(store, operator, parties.RegisterParty(id="FUND-A", name="Funder A", kind="government", country=None))
    secret = tokens.issue_token(store, operator, tokens.IssueToken("FUND-A", "funder")).secret
    bearer = {"Authorization": f"Bearer {secret}"}
    body = {"funder": "FUND-A", "amount": "10.00", "currency": "EUR", "pledged_on": "2025-08-04", "mechanism": "purl"}
    app = create_app(store)
    with TestClient(app) as client:
        if not is_sqlite(store.engine):
            _wait_until(lambda: app.state.ledger_watch.state() is not None)
        for n in range(1, 6):
            assert len(client.get("/api/v1/pledges", headers=bearer).json()["items"]) == n - 1
            assert client.post("/api/v1/pledges", headers=bearer, json=body).status_code == 201
            assert client.get(f"/api/v1/pledges/PL-{n:04d}", headers=bearer).status_code == 200


def test_the_cache_keeps_to_its_byte_budget():
    idle = LedgerWatch(create_engine("sqlite://"))  # never started: keeping answers does not consult it
    cache = ReadCache(None, idle, prefix="/api/v1", budget=100, largest=60)
    cache._keep(("a",), [], b"x" * 50)
    cache._keep(("b",), [], b"y" * 40)
    cache._keep(("too big",), [], b"z" * 61)
    assert list(cache.entries) == [("a",), ("b",)] and cache.size == 90
    cache._keep(("c",), [], b"w" * 30)  # the oldest answer makes room
    assert list(cache.entries) == [("b",), ("c",)] and cache.size == 70

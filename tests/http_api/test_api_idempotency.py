"""Retried writes: an Idempotency-Key makes a POST happen at most once, even when 50 copies
of it arrive at the same moment at a real server (uvicorn, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import httpx2
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select

from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.records import parties
from supplyline.store import schema as t

from .scenario import events_in

PLEDGE = {"funder": "FUND-A", "amount": "250000.00", "currency": "EUR", "pledged_on": "2025-08-04", "mechanism": "purl"}


class Server:
    """uvicorn serving ``app`` on a free loopback port, in a thread, for one test."""

    def __init__(self, app):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", limit_concurrency=200))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.socket.close()


def _funder(store) -> str:
    bus.handle(
        store, Actor("COORD"), parties.RegisterParty(id="FUND-A", name="Funder A", kind="government", country=None)
    )
    return tokens.issue_token(store, Actor("operator"), tokens.IssueToken("FUND-A", "funder")).secret


async def _fire(url: str, headers: dict, copies: int) -> list[httpx2.Response]:
    async with httpx2.AsyncClient(base_url=url, timeout=120, limits=httpx2.Limits(max_connections=copies)) as client:
        return await asyncio.gather(
            *[client.post("/api/v1/pledges", json=PLEDGE, headers=headers) for _ in range(copies)]
        )


def test_fifty_concurrent_retries_write_one_event(store):
    secret = _funder(store)
    before = events_in(store)
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "announce-nl-2025-08"}
    with Server(create_app(store)) as server:
        responses = asyncio.run(_fire(server.url, headers, 50))
    assert [r.status_code for r in responses] == [201] * 50
    assert len({r.content for r in responses}) == 1  # every retry got the first answer, byte for byte
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 49
    assert events_in(store) == before + 1
    body = responses[0].json()
    with store.read() as conn:
        stored = conn.execute(select(t.events.c.type, t.events.c.meta).where(t.events.c.seq > before)).one()
    assert (body["id"], stored.type) == ("PL-0001", "PledgeAnnounced")
    assert json.loads(stored.meta)["token"] == "TK-0001"


def test_a_key_reused_for_another_request_is_refused_and_writes_nothing(sqlite_store):
    secret = _funder(sqlite_store)
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": '"key-1"'}
    with TestClient(create_app(sqlite_store)) as client:
        first = client.post("/api/v1/pledges", json=PLEDGE, headers=headers)
        after_first = events_in(sqlite_store)
        other = client.post("/api/v1/pledges", json={**PLEDGE, "amount": "1.00"}, headers=headers)
        again = client.post("/api/v1/pledges", json=PLEDGE, headers={**headers, "Idempotency-Key": "key-1"})
        fresh = client.post("/api/v1/pledges", json=PLEDGE, headers={**headers, "Idempotency-Key": "key-2"})
    assert first.status_code == 201 and first.headers["Location"] == "/api/v1/pledges/PL-0001"
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"
    assert other.headers["content-type"] == "application/problem+json"
    # the quoted and the bare form of a key are the same key (RFC 8941 string or token)
    assert (again.status_code, again.content, again.headers["Idempotent-Replayed"]) == (201, first.content, "true")
    assert again.headers["Location"] == "/api/v1/pledges/PL-0001"
    assert fresh.status_code == 201 and fresh.json()["id"] == "PL-0002"
    assert events_in(sqlite_store) == after_first + 1


def test_keys_belong_to_one_token(sqlite_store):
    secret = _funder(sqlite_store)
    second = tokens.issue_token(sqlite_store, Actor("operator"), tokens.IssueToken("FUND-A", "funder")).secret
    with TestClient(create_app(sqlite_store)) as client:
        a = client.post(
            "/api/v1/pledges", json=PLEDGE, headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "k"}
        )
        b = client.post(
            "/api/v1/pledges", json=PLEDGE, headers={"Authorization": f"Bearer {second}", "Idempotency-Key": "k"}
        )
    assert (a.json()["id"], b.json()["id"]) == ("PL-0001", "PL-0002")
    assert "Idempotent-Replayed" not in b.headers


def test_a_refused_request_stores_no_answer_so_its_retry_is_judged_again(sqlite_store):
    secret = _funder(sqlite_store)
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "commit-1"}
    with TestClient(create_app(sqlite_store)) as client:
        client.post("/api/v1/pledges", json=PLEDGE, headers={"Authorization": f"Bearer {secret}"})
        stale = client.post("/api/v1/pledges/PL-0001/commit", headers={**headers, "If-Match": '"7"'})
        retried = client.post("/api/v1/pledges/PL-0001/commit", headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    assert retried.status_code == 200 and retried.headers["ETag"] == '"2"'
    with sqlite_store.read() as conn:
        assert conn.execute(select(t.api_idempotency.c.key, t.api_idempotency.c.status)).all() == [("commit-1", 200)]

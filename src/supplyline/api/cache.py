"""Answers repeated reads from memory while the ledger has not moved.

Every answer to a GET is a function of the ledger's state and of who asks: projections
change only when events are appended. So a successful answer computed while the ledger
stood at event N is kept, keyed by the request and the caller's credential, for as long as
the ledger watch (``store.ledgerwatch``) says it still stands at N; the first append (or
rebuild) empties the cache. Revoking a token is an append too, so a revoked token is never
answered from memory. A write made through this process moves the watch at once; one
made elsewhere reaches it with PostgreSQL's notification, a moment later. A client that
must see the very latest sends ``Cache-Control: no-cache``.

Some answers also depend on the day (what is overdue, which embargoes have passed, the
month a plan starts from), so the cache also empties when the UTC date changes. Answers in
another format (``Accept: text/csv``) are kept apart.

With reads on replicas (``SUPPLYLINE_READ_DB``), an answer is read where the ledger has
reached the watch's head, and a writer's next read (``api/read_after.py``) is never
answered from memory.

Where the watch cannot listen (SQLite) nothing is cached. Neither are the auditor's own
instruments (``/ledger/…``, ``/events``): tampering with stored rows happens outside the
append path, sends no notification, and is exactly what they must see.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..domain.values import today_utc
from ..services.freshness import LedgerWatch
from ..store.replicas import READ_AFTER

Scope = dict[str, Any]


class ReadCache:
    """Pure ASGI middleware around the API (no per-request thread or task of its own)."""

    def __init__(
        self,
        app,
        watch: LedgerWatch,
        *,
        prefix: str,
        uncached: tuple[str, ...] = (),
        budget: int = 64 * 2**20,
        largest: int = 2**20,
    ):
        self.app = app
        self.watch = watch
        self.prefix = prefix
        self.uncached = uncached
        self.budget = budget  # bytes of answers kept
        self.largest = largest  # an answer larger than this is not kept
        self.entries: dict[tuple, tuple[int, list, bytes]] = {}
        self.size = 0
        self.state: tuple[int, int, int] | None = None

    async def __call__(self, scope: Scope, receive, send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(self.prefix)
            or path.startswith(self.uncached)
        ):
            await self.app(scope, receive, send)
            return
        head = self.watch.state()
        state = None if head is None else (*head, today_utc().toordinal())
        if not _replica_keeps_up(head):
            state = None
        authorization = accept = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"accept":
                accept = value
            elif name == b"cache-control" and b"no-cache" in value:
                state = None
        if state is None:
            await self.app(scope, receive, send)
            return
        if state != self.state:
            self.entries.clear()
            self.size = 0
            self.state = state
        key = (scope["path"], scope["query_string"], accept, hashlib.sha256(authorization).digest())
        hit = self.entries.get(key)
        if hit is not None:
            status, headers, body = hit
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return

        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                finished = not message.get("more_body", False)
                if finished and started.get("status") == 200 and state == self.state and self._still(state):
                    self._keep(key, list(started.get("headers", [])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _still(self, state: tuple) -> bool:
        head = self.watch.state()
        return head is not None and (*head, today_utc().toordinal()) == state

    def _keep(self, key: tuple, headers: list, body: bytes) -> None:
        if len(body) > self.largest or key in self.entries:
            return
        while self.entries and self.size + len(body) > self.budget:
            oldest = next(iter(self.entries))
            self.size -= len(self.entries.pop(oldest)[2])
        self.entries[key] = (200, headers, body)
        self.size += len(body)


def _replica_keeps_up(head: tuple[int, int] | None) -> bool:
    """Where reads go to replicas (api/read_after.py): a replica behind the watch's head must
    not answer what is kept as true at it; and a writer's next read never comes from memory,
    which another process's write may not have reached yet."""
    after = READ_AFTER.get()
    if after is None:
        return True
    if after.lsn is not None:
        return False
    if head is not None:
        after.seq = head[0]
    return True

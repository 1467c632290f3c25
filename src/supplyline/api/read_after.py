"""Read-your-writes across requests and server processes, with reads on replicas.

A write's answer carries a cookie holding the primary's WAL position after its commit
(``store/replicas.py``); a request that brings it back reads where that position has been
replayed, or from the primary. The cookie holds no secret and outlives replication lag by
far: a forged one can only make its bearer's own reads wait, at most ``SUPPLYLINE_READ_DB_WAIT``
seconds each, then go to the primary. A client that keeps no cookies (curl) reads a replica
that may be a moment behind its own write.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from ..store.replicas import LSN, READ_AFTER, ReadAfter

COOKIE = "supplyline_read_after"
#: seconds the cookie lasts: replicas lag by milliseconds; past this a read needs no floor
MAX_AGE = 60

Scope = dict[str, Any]


class ReadYourWrites:
    """Pure ASGI middleware: the request's ``ReadAfter`` from its cookie (and its path: some
    are read on the primary); the cookie set on the answer to a request that wrote."""

    def __init__(self, app, *, secure: bool = False, primary: tuple[str, ...] = ()):
        self.app = app
        self.secure = secure
        self.primary = primary  # paths read on the primary

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        after = ReadAfter(lsn=_given(scope), primary=scope.get("path", "").startswith(self.primary))
        token = READ_AFTER.set(after)

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start" and after.written:
                secure = self.secure or scope.get("scheme") == "https"
                cookie = f"{COOKIE}={after.written}; Max-Age={MAX_AGE}; Path=/; HttpOnly; SameSite=Lax"
                cookie += "; Secure" if secure else ""
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            READ_AFTER.reset(token)


def _given(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(COOKIE)
            if morsel is not None and LSN.fullmatch(morsel.value):
                return morsel.value
    return None

"""Who is looking at a page: an API token kept in a cookie, or the public.

A person signs in with the same API token a system would use; the page then shows what
the API would show that token's party and role, decided by the same policy table
(``domain.access``) and trimmed by the same presenters (``services.views``).
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.engine import Connection

from ..domain import access
from ..domain.access import ANONYMOUS, Principal
from ..services import tokens
from ..services.ownership import Ownership
from ..services.views import Viewer

COOKIE = "supplyline_token"


def principal(request: Request, conn: Connection) -> Principal:
    secret = request.cookies.get(COOKIE)
    if not secret or len(secret) > 200:
        return ANONYMOUS
    return tokens.authenticate(request.app.state.store, conn, secret) or ANONYMOUS


class PageViewer(Viewer):
    """A viewer that also answers "may this role see this kind of aggregate at all"."""

    def __init__(self, principal_: Principal, conn: Connection):
        super().__init__(principal_, Ownership(conn))

    def may(self, action: str) -> bool:
        return access.scope_of(self.principal.role, action) is not None

    def keep(self, kind: str, rows: list[dict], key: str = "id") -> list[dict]:
        """The rows (records of ``kind``) this viewer may read."""
        readable = self.readable(kind, [row[key] for row in rows])
        return [row for row in rows if row[key] in readable]

    def can_read(self, kind: str, record_id: str) -> bool:
        return record_id in self.readable(kind, [record_id])

    @property
    def label(self) -> str:
        p = self.principal
        return "public view" if p.is_public else f"{p.party} ({p.role})"


def viewer(request: Request, conn: Connection) -> PageViewer:
    return PageViewer(principal(request, conn), conn)

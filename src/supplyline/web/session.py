"""Who is looking at a page: a signed-in session, or the public.

A person signs in with the same API token a system would use; the page then shows what
the API would show that token's party and role, decided by the same policy table
(``domain.access``) and trimmed by the same presenters (``services.access.views``). The cookie
holds only a session id; the session lives on the server (``services/access/sessions.py``), ends
after ``SUPPLYLINE_SESSION_HOURS`` or at sign-out, and carries the token every form posts
back (CSRF). Before signing in, the sign-in form's token is a cookie of its own, posted
back with the form (double submit).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection

from ..domain import access
from ..domain.access import ANONYMOUS, Principal
from ..ledger.note import Verifier
from ..services.access import sessions, tokens
from ..services.access.ownership import Ownership
from ..services.access.views import Viewer

COOKIE = "supplyline_session"
#: the sign-in form's token, before there is a session
FORM_COOKIE = "supplyline_form"


def signed_by(request: Request) -> Verifier | None:
    """The log's key when the server signs on commit: tokens must be under its checkpoints."""
    signing = request.app.state.store.signing
    return signing.verifier if signing else None


def current(request: Request, conn: Connection) -> sessions.Session | None:
    return sessions.find(conn, request.cookies.get(COOKIE))


class PageViewer(Viewer):
    """A viewer that also answers "may this role see this kind of aggregate at all", and
    carries the token its forms post back."""

    def __init__(self, principal_: Principal, conn: Connection, csrf: str | None = None):
        super().__init__(principal_, Ownership(conn))
        self.csrf = csrf

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
    found = current(request, conn)
    if found is None:
        return PageViewer(ANONYMOUS, conn)
    principal = tokens.principal_for_digest(conn, found.token_sha256, signed_by=signed_by(request))
    return PageViewer(principal or ANONYMOUS, conn, found.csrf if principal else None)


def secure(request: Request) -> bool:
    """Cookies are Secure over HTTPS, or always when the deployment says so (TLS at a proxy)."""
    return request.url.scheme == "https" or request.app.state.settings.secure_cookies


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="strict", secure=secure(request), path="/"
    )

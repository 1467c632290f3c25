"""Dashboard sessions kept on the server (issue 13 item 9).

A person signs in with an API token; the cookie then holds only a random session id. The
``dashboard_sessions`` row, keyed by the id's SHA-256, names the token (by its SHA-256, so
a revoked token ends every session at once), the form token every POST must carry (CSRF),
and when the session ends. Signing out deletes the row: the cookie no longer opens anything,
even if it was copied. Rows are operational data, not the ledger: no event records them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ...store import schema as t
from ...store.eventstore import Store
from .tokens import digest

#: longest a cookie value is read (the ids are 43 characters)
MAX_ID = 100


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Session:
    token_sha256: str
    csrf: str
    expires_at: str


@dataclass(frozen=True)
class Started:
    """A new session: the id for the cookie (never stored) and its form token."""

    id: str
    csrf: str
    max_age: int  # seconds, for the cookie


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


def same(given: object, expected: str | None) -> bool:
    """A form token matches, compared in constant time."""
    return isinstance(given, str) and expected is not None and hmac.compare_digest(given, expected)


def start(store: Store, secret: str, *, hours: float, now: datetime | None = None) -> Started:
    """Open a session for the token ``secret`` (already checked) lasting ``hours``; sessions
    that have ended are swept out in the same transaction."""
    moment = now or datetime.now(UTC)
    session_id, csrf = secrets.token_urlsafe(32), new_form_token()
    s = t.dashboard_sessions
    with store.operational_write() as conn:
        conn.execute(delete(s).where(s.c.expires_at <= _stamp(moment)))
        conn.execute(
            insert(s).values(
                id_sha256=_hash(session_id),
                token_sha256=digest(secret),
                csrf=csrf,
                expires_at=_stamp(moment + timedelta(hours=hours)),
            )
        )
    return Started(session_id, csrf, int(hours * 3600))


def find(conn: Connection, session_id: str | None, *, now: datetime | None = None) -> Session | None:
    """The live session a cookie names; None when there is none or it has ended."""
    if not session_id or len(session_id) > MAX_ID:
        return None
    s = t.dashboard_sessions
    row = conn.execute(
        select(s.c.token_sha256, s.c.csrf, s.c.expires_at).where(s.c.id_sha256 == _hash(session_id))
    ).one_or_none()
    if row is None or row.expires_at <= _stamp(now or datetime.now(UTC)):
        return None
    return Session(row.token_sha256, row.csrf, row.expires_at)


def end(store: Store, session_id: str | None) -> bool:
    """Delete the session a cookie names; whether there was one."""
    if not session_id or len(session_id) > MAX_ID:
        return False
    s = t.dashboard_sessions
    with store.operational_write() as conn:
        return conn.execute(delete(s).where(s.c.id_sha256 == _hash(session_id))).rowcount > 0

"""API tokens: issue (the secret is shown once), revoke, list, and recognise a presented one."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import token as domain
from ...domain.access import Principal
from ...domain.entity import stream_id
from ...domain.party import Party
from ...domain.token import ApiToken
from ...ledger.canonical import parse
from ...ledger.note import NoteError, Verifier, open_checkpoint
from ...store import schema as t
from ...store.eventstore import Store, typed_event, utc_timestamp
from ..context import Actor, Outcome

#: Secrets start with this, so that a leaked one is easy to recognise in logs and scanners.
PREFIX = "slk_"
log = logging.getLogger("supplyline.tokens")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssueToken:
    party: str
    role: str
    label: str = ""


@dataclass(frozen=True)
class Issued:
    """What issuing returns: the outcome on the ledger, and the secret (never stored)."""

    outcome: Outcome
    secret: str


def issue_token(store: Store, actor: Actor, cmd: IssueToken) -> Issued:
    secret = PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    with store.write(actor.party, actor.meta()) as uow:
        party = uow.load(Party, cmd.party, field="party")
        token = uow.get(ApiToken, uow.next_id(ApiToken, "TK"))
        events = domain.issue(
            token, party=party.id, role=cmd.role, secret_sha256=digest(secret), label=cmd.label, at=utc_timestamp()
        )
        return Issued(Outcome(token.id, uow.record(token, events)), secret)


def revoke_token(store: Store, actor: Actor, token_id: str, *, reason: str = "") -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        token = uow.load(ApiToken, token_id, field="token")
        return Outcome(token.id, uow.record(token, domain.revoke(token, reason=reason, at=utc_timestamp())))


def list_tokens(conn: Connection, *, party: str | None = None) -> list[dict]:
    k = t.api_tokens
    query = select(k.c.id, k.c.party, k.c.role, k.c.label, k.c.state, k.c.issued_at, k.c.revoked_at).order_by(k.c.id)
    if party is not None:
        query = query.where(k.c.party == party)
    return [dict(row) for row in conn.execute(query).mappings()]


def authenticate(store: Store, conn: Connection, secret: str) -> Principal | None:
    """``principal_for`` with the key ``store`` signs with; if the token is refused because
    another process rotated the key since, once more with the key the log now names."""
    signing = store.signing
    if signing is None:
        return principal_for(conn, secret)
    found = principal_for(conn, secret, signed_by=signing.verifier)
    if found is None and signing.follow_rotation(conn):
        found = principal_for(conn, secret, signed_by=signing.verifier)
    return found


def principal_for(conn: Connection, secret: str, *, signed_by: Verifier | None = None) -> Principal | None:
    """The party and role an active token acts as; None for an unknown or revoked secret
    (``principal_for_digest`` of its SHA-256)."""
    return principal_for_digest(conn, digest(secret), signed_by=signed_by)


def principal_for_digest(
    conn: Connection, secret_sha256: str, *, signed_by: Verifier | None = None
) -> Principal | None:
    """The party and role the active token with this secret digest acts as (a dashboard
    session keeps the digest, never the secret); None for an unknown or revoked one.

    The ``api_tokens`` row is only where to look: the token must be what its own events
    say (issued with this secret, party and role, not revoked), so a row planted in the
    projection does not authenticate. With ``signed_by`` (the log's key) its TokenIssued
    event must also be covered by the latest checkpoint signed with it, so an event
    appended without the key (a forged tail) does not either."""
    k = t.api_tokens
    row = conn.execute(
        select(k.c.id, k.c.party, k.c.role).where(k.c.secret_sha256 == secret_sha256, k.c.state == "active")
    ).one_or_none()
    if row is None:
        return None
    e = t.events.c
    events = conn.execute(
        select(e.seq, e.type, e.meta, e.payload)
        .where(e.stream_id == stream_id(ApiToken.KIND, row.id))
        .order_by(e.stream_version)
    ).all()
    token = ApiToken(id=row.id)
    for event in events:
        token.apply(typed_event(event.type, parse(event.payload), event.meta))
    if not token.active or (token.party, token.role, token.secret_sha256) != (row.party, row.role, secret_sha256):
        log.warning("token %s: its projection row is not what its events say; refused", row.id)
        return None
    if signed_by is not None:
        covered = signed_size(conn, signed_by)
        if covered is None or events[0].seq > covered:
            log.warning(
                "token %s: issued by event #%s, which no signed checkpoint covers; refused", row.id, events[0].seq
            )
            return None
    return Principal(row.party, row.role, row.id)


def signed_size(conn: Connection, verifier: Verifier) -> int | None:
    """The size of the checkpoint signed on the latest commit, if ``verifier`` signed it."""
    note = conn.execute(select(t.ledger_head.c.checkpoint).where(t.ledger_head.c.id == 1)).scalar_one()
    return _opened_size(note, str(verifier)) if note is not None else None


@lru_cache(maxsize=64)
def _opened_size(note: str, verifier: str) -> int | None:
    try:
        return open_checkpoint(note.encode(), Verifier.parse(verifier)).size
    except NoteError:
        return None

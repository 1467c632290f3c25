"""API tokens: issue (the secret is shown once), revoke, list, and recognise a presented one."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain import token as domain
from ..domain.access import Principal
from ..domain.party import Party
from ..domain.token import ApiToken
from ..store import schema as t
from ..store.eventstore import Store, utc_timestamp
from .context import Actor, Outcome

#: Secrets start with this, so that a leaked one is easy to recognise in logs and scanners.
PREFIX = "slk_"


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


def principal_for(conn: Connection, secret: str) -> Principal | None:
    """The party and role an active token acts as; None for an unknown or revoked secret."""
    k = t.api_tokens
    row = conn.execute(
        select(k.c.id, k.c.party, k.c.role).where(k.c.secret_sha256 == digest(secret), k.c.state == "active")
    ).one_or_none()
    return Principal(row.party, row.role, row.id) if row is not None else None

"""A party's webhook subscription: the URL, the event types it may read, the signing secret.

Subscriptions are configuration, not ledger data: the URL and the secret never go into the
public log. ``subscription add`` (and ``pause``, ``resume``, ``remove``: one command,
``ChangeSubscription``, for the CLI and the API) runs through the bus like every write (one policy row,
``subscription.add``), and the handler writes the ``subscriptions`` row in the unit of work.
The subscriber's role is its token's (the API), else the one given, else that of the
party's earliest live token (the CLI): notifications are filtered for that principal.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from typing import Annotated, ClassVar, cast
from urllib.parse import urlsplit

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ...domain import access
from ...domain.errors import InvalidInput, NotFound, RuleViolation
from ...domain.events import EVENT_TYPES
from ...store import schema as t
from ...store.eventstore import UnitOfWork
from ..access.ownership import EVENT_KINDS
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import choice, parsed
from ..reads.governance_models import Subscription
from ..reads.todo import principal_of

PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def parse_url(field: str, value: object) -> str:
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 2000:
        raise InvalidInput(field, value, "must be an http:// or https:// URL (at most 2,000 characters)")
    return text


def parse_secret(field: str, value: object) -> str:
    text = str(value or "")
    try:
        key = base64.b64decode(text.removeprefix(PREFIX), validate=True)
    except ValueError:
        key = b""
    if not text.startswith(PREFIX) or not 24 <= len(key) <= 64:
        raise InvalidInput(field, "(secret)", "must be whsec_ and 24 to 64 bytes in base64")
    return text


def parse_events(field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InvalidInput(field, value, "must be a list of event types")
    names = tuple(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))
    unknown = [n for n in names if n not in EVENT_TYPES]
    if not names or unknown:
        raise InvalidInput(
            field, ",".join(unknown) or value, "must name event types of the ledger (e.g. ShipmentDispatched)"
        )
    return names


def unreadable(role: str, events: tuple[str, ...]) -> list[str]:
    """The event types a role may read no event of: its policy lets it read neither the
    whole ledger nor any record of the kind the event is recorded on (an event of no record
    the API serves is for those reading the whole ledger)."""
    if access.scope_of(role, "event.read") is not None:
        return []
    return [e for e in events if e not in EVENT_KINDS or access.scope_of(role, f"{EVENT_KINDS[e]}.read") is None]


class AddSubscription(Command):
    ACTION: ClassVar[str] = "subscription.add"

    url: Annotated[str, parsed(parse_url)]
    events: Annotated[tuple[str, ...], parsed(parse_events)]
    secret: Annotated[str, parsed(parse_secret)]
    role: Annotated[str | None, parsed(lambda f, v: None if v in (None, "") else access.parse_role(f, v))] = None


def _role(conn: Connection, actor: Actor, cmd: AddSubscription) -> str:
    if actor.token_id:
        k = t.api_tokens
        return str(conn.execute(select(k.c.role).where(k.c.id == actor.token_id)).scalar_one())
    return cmd.role or principal_of(conn, actor.party).role


@handles(AddSubscription)
def add_subscription(uow: UnitOfWork, actor: Actor, cmd: AddSubscription, expected: int | None) -> Outcome:
    conn = uow.conn
    role = _role(conn, actor, cmd)
    refused = unreadable(role, cmd.events)
    if refused:
        raise InvalidInput("events", ",".join(refused), f"are events a {role} may not read")
    s = t.subscriptions
    count = conn.execute(select(func.count()).select_from(s)).scalar_one()
    sub_id = f"SUB-{count + 1:04d}"
    head = conn.execute(select(func.coalesce(func.max(t.events.c.seq), 0))).scalar_one()
    conn.execute(
        insert(s).values(
            id=sub_id,
            party=actor.party,
            role=role,
            url=cmd.url,
            events=json.dumps(list(cmd.events)),
            secret=cmd.secret,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            state="active",
            fed_seq=head,  # from now on: what was recorded before is in the API
        )
    )
    return Outcome(sub_id)


#: a change -> (the states it applies to, the state it leads to)
CHANGES = {
    "pause": (("active",), "paused"),
    "resume": (("paused",), "active"),
    "remove": (("active", "paused"), "removed"),
}


class ChangeSubscription(Command):
    """Pause (deliveries held, events kept for later), resume (what was recorded meanwhile is
    delivered, in order) or remove (for good) one of the acting party's subscriptions."""

    ACTION: ClassVar[str] = "subscription.change"

    subscription_id: str
    change: Annotated[str, parsed(choice(tuple(CHANGES)))]


@handles(ChangeSubscription)
def change_subscription(uow: UnitOfWork, actor: Actor, cmd: ChangeSubscription, expected: int | None) -> Outcome:
    s = t.subscriptions
    row = uow.conn.execute(select(s.c.party, s.c.state).where(s.c.id == cmd.subscription_id)).one_or_none()
    if row is None or row.party != actor.party:  # another party's is as unknown as none (no oracle)
        raise NotFound("subscription", cmd.subscription_id)
    before, after = CHANGES[cmd.change]
    if row.state not in before:
        raise RuleViolation(
            f"subscription '{cmd.subscription_id}' is {row.state}: cannot {cmd.change} it",
            field="state",
            value=row.state,
        )
    uow.conn.execute(update(s).where(s.c.id == cmd.subscription_id).values(state=after))
    return Outcome(cmd.subscription_id)


def list_subscriptions(conn: Connection, party: str | None = None) -> list[Subscription]:
    """Subscriptions (a party's, or all), without their secrets."""
    s = t.subscriptions
    query = select(s.c.id, s.c.party, s.c.role, s.c.url, s.c.events, s.c.created_at, s.c.state, s.c.fed_seq)
    if party is not None:
        query = query.where(s.c.party == party)
    rows = conn.execute(query.order_by(s.c.id)).mappings()
    return [cast(Subscription, {**dict(r), "events": json.loads(r.events)}) for r in rows]

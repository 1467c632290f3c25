"""The ledger browser (issue 21 item 7): the published log a page at a time, newest first,
filtered by record, event type, party, day recorded and whether the event withholds a
field; each event described in words and pointed at its record.

The log is public (withheld fields appear only as commitments), so every reader browses the
same events; what a reader may see of a withheld value is decided elsewhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import desc, func, select
from sqlalchemy.engine import Connection

from ...store import schema as t

PAGE = 40

#: record kinds with a page of their own in the dashboard: kind -> the page's path
RECORD_PAGES = {
    "party": "/parties/{id}",
    "pledge": "/pledges/{id}",
    "requirement": "/requirements/{id}",
    "package": "/packages/{id}",
    "contract": "/contracts/{id}",
    "shipment": "/shipments/{id}",
    "order": "/orders/{id}",
    "facility": "/facilities/{id}",
    "document": "/documents/{id}",
    "finding": "/findings/{id}",
}


@dataclass(frozen=True)
class EventFilter:
    """What the reader asked for; every part optional. ``record`` is a stream id
    (``pledge:PL-1``) or a bare record id (matched in any kind)."""

    record: str | None = None
    type: str | None = None
    party: str | None = None
    since: date | None = None
    until: date | None = None
    withheld: bool | None = None
    before: int | None = None  # the page starts below this event number


def _words(name: str) -> str:
    """'PledgeAnnounced' -> 'pledge announced'."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def describe(event_type: str, stream_id: str, actor: str) -> str:
    """An event in words: who did what to which record."""
    kind, _, record_id = stream_id.partition(":")
    what = _words(event_type)
    subject = _words(kind.replace("_", " ").title().replace(" ", ""))
    if what.startswith(subject + " "):
        what = what[len(subject) + 1 :]
    return f"{actor}: {subject} {record_id} {what}"


def record_link(stream_id: str) -> str:
    """Where a reader follows an event's record: its page, else its history in the ledger."""
    kind, _, record_id = stream_id.partition(":")
    page = RECORD_PAGES.get(kind)
    return page.format(id=record_id) if page else f"/ledger?record={stream_id}"


def browse(conn: Connection, chosen: EventFilter, limit: int = PAGE) -> dict:
    """One page of events matching ``chosen``, newest first, with the cursor of the next
    (older) page, how many events match in all, and the choices the filters offer."""
    e, w = t.events, t.withheld_values
    conditions = []
    if chosen.record:
        if ":" in chosen.record:
            conditions.append(e.c.stream_id == chosen.record)
        else:
            conditions.append(e.c.stream_id.like(f"%:{chosen.record}"))
    if chosen.type:
        conditions.append(e.c.type == chosen.type)
    if chosen.party:
        conditions.append(e.c.actor == chosen.party)
    if chosen.since:
        conditions.append(e.c.recorded_at >= chosen.since.isoformat())
    if chosen.until:
        conditions.append(e.c.recorded_at < (chosen.until + timedelta(days=1)).isoformat())
    if chosen.withheld is not None:
        sealed = e.c.seq.in_(select(w.c.seq))
        conditions.append(sealed if chosen.withheld else ~sealed)
    matching = conn.execute(select(func.count()).select_from(e).where(*conditions)).scalar_one()
    query = select(e.c.seq, e.c.stream_id, e.c.recorded_at, e.c.actor, e.c.type, e.c.hash).where(*conditions)
    if chosen.before:
        query = query.where(e.c.seq < chosen.before)
    rows = conn.execute(query.order_by(desc(e.c.seq)).limit(limit + 1)).mappings().all()
    events = [
        {
            **row,
            "words": describe(row["type"], row["stream_id"], row["actor"]),
            "record_link": record_link(row["stream_id"]),
        }
        for row in rows[:limit]
    ]
    return {
        "events": events,
        "matching": matching,
        "older": events[-1]["seq"] if len(rows) > limit else None,
        "types": list(conn.execute(select(e.c.type).distinct().order_by(e.c.type)).scalars()),
        "parties": list(conn.execute(select(e.c.actor).distinct().order_by(e.c.actor)).scalars()),
    }

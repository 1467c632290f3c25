"""Finding the records that repeat a value, as the disclosure table says they do.

``repeats_of`` answers, for one field of one event, which fields of which other stored
events carry the same value, each with the withheld marker it has (None: in clear). The
event store asks it when recording (a field repeating a withheld value is sealed too:
``inherited``), the withholding index when reading (a field in clear that repeats a value
withheld later is left out of every public view).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain import disclosure_table as table
from ..domain.disclosure_table import Event, Repeat
from ..ledger import disclosure
from ..ledger.canonical import parse
from ..ledger.disclosure import Withholding
from . import schema as t
from .withheld import real_payloads


@dataclass(frozen=True)
class Found:
    """Field ``field`` of stored event ``seq`` repeats a value; ``marker``: how it is withheld
    itself (None: it is in clear in the log)."""

    seq: int
    event: Event
    field: str
    marker: dict | None


def _streams(source: Event, name: str, repeat: Repeat, kind: str) -> set[str] | None:
    """The streams the other record can be on, when the link names its id (else None: all)."""
    for theirs, ours in repeat.link:
        if theirs != "@record":
            continue
        if ours.startswith("each."):
            key = ours[5:]
            value = source.payload.get(name)
            entries = value if isinstance(value, list) else []
            return {f"{kind}:{e[key]}" for e in entries if isinstance(e, dict) and key in e}
        if ours == "@record":
            return {f"{kind}:{source.record}"}
        return {f"{kind}:{source.payload.get(ours)}"}
    return None


def _events(conn: Connection, event_type: str, streams: set[str] | None) -> list[tuple[int, Event, dict]]:
    """(seq, the event with real values, its stored payload) of every ``event_type`` on ``streams``."""
    e = t.events
    kind = table.TABLE[event_type].kind
    query = select(e.c.seq, e.c.stream_id, e.c.type, e.c.payload)
    if streams is not None:
        if not streams:
            return []
        query = query.where(e.c.stream_id.in_(sorted(streams)))
    else:  # the stream index answers a range of one kind of record
        query = query.where(e.c.stream_id >= f"{kind}:", e.c.stream_id < f"{kind};")
    rows = [row for row in conn.execute(query) if row.type == event_type]
    real = real_payloads(conn, [(row.seq, row.payload) for row in rows])
    return [
        (row.seq, Event(row.type, row.stream_id.partition(":")[2], real[row.seq]), parse(row.payload)) for row in rows
    ]


def repeats_of(conn: Connection, seq: int, source: Event, name: str) -> list[Found]:
    """Every other stored field that repeats (part of) field ``name`` of event ``seq``."""
    row = table.row(source.type, name)
    out: list[Found] = []
    for repeat in row.repeated_in if row else ():
        kind = table.TABLE[repeat.event_type].kind
        for other_seq, other, stored in _events(conn, repeat.event_type, _streams(source, name, repeat, kind)):
            if other_seq != seq and any(True for _ in table.repeated(source, name, repeat, other)):
                out.append(Found(other_seq, other, repeat.field, disclosure.markers(stored).get(repeat.field)))
    return out


def inherited(conn: Connection, source: Event, stated: Iterable[tuple[str, Withholding]]) -> dict[str, Withholding]:
    """The levels of a new event's fields: as stated, made stricter wherever a field repeats a
    value an earlier record withholds (so the repetition never reaches the log in clear)."""
    out = dict(stated)
    record = table.TABLE.get(source.type)
    for name, row in record.fields.items() if record else ():
        if not row.repeated_in or name not in source.payload:
            continue
        for found in repeats_of(conn, 0, source, name):
            if found.marker is not None:
                out[name] = table.stricter(out.get(name), Withholding(found.marker["level"], found.marker["embargo"]))
    return out

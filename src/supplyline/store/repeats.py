"""Finding the records that repeat a value, as the disclosure table says they do.

``repeats_of`` answers, for one field of one event, which fields of which other stored
events carry the same value, each with the withheld marker it has (None: in clear). The
event store asks it when recording (a field repeating a withheld value is sealed too:
``inherited``), the withholding index when reading (a field in clear that repeats a value
withheld later is left out of every public view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain import disclosure_table as table
from ..domain.disclosure_table import Event, Repeat
from ..ledger import disclosure
from ..ledger.canonical import parse
from ..ledger.disclosure import Withholding
from . import schema as t
from .event_fields import REFERENCE_KEYS, PayloadKey
from .withheld import real_payloads


@dataclass(frozen=True)
class Found:
    """Field ``field`` of stored event ``seq`` repeats a value; ``marker``: how it is withheld
    itself (None: it is in clear in the log); ``copy``: it is the same value, not a total
    or another way of stating it (only copies are followed further)."""

    seq: int
    event: Event
    field: str
    marker: dict | None
    copy: bool = True
    #: the fields of that event withheld in the log
    sealed: frozenset[str] = frozenset()


#: shipment lines, the contract lines they deliver and the package lines those are for
_DELIVERED = (
    t.shipment_lines.join(t.shipments, t.shipments.c.id == t.shipment_lines.c.shipment_id)
    .join(
        t.contract_lines,
        (t.contract_lines.c.contract_id == t.shipments.c.contract_id)
        & (t.contract_lines.c.line_no == t.shipment_lines.c.contract_line_no),
    )
    .join(t.contracts, t.contracts.c.id == t.contract_lines.c.contract_id)
    .join(
        t.package_lines,
        (t.package_lines.c.package_id == t.contracts.c.package_id)
        & (t.package_lines.c.line_no == t.contract_lines.c.package_line_no),
    )
)


def _requirement_shipments(conn: Connection, requirement_id: str) -> set[str]:
    """The shipments of contract lines for a requirement's package lines."""
    rows = conn.execute(
        select(t.shipment_lines.c.shipment_id)
        .select_from(_DELIVERED)
        .where(t.package_lines.c.requirement_id == requirement_id)
    )
    return {f"shipment:{i}" for i in rows.scalars()}


def _shipment_requirements(conn: Connection, shipment_id: str) -> set[str]:
    """The requirements behind the package lines a shipment delivers."""
    rows = conn.execute(
        select(t.package_lines.c.requirement_id)
        .select_from(_DELIVERED)
        .where(t.shipment_lines.c.shipment_id == shipment_id)
    )
    return {f"requirement:{i}" for i in rows.scalars()}


#: ``Repeat.via`` -> the streams of the other records, from the record id of the source
PATHS: dict[str, Callable[[Connection, str], set[str]]] = {
    "requirement-shipments": _requirement_shipments,
    "~requirement-shipments": _shipment_requirements,
}


def _streams(conn: Connection, source: Event, name: str, repeat: Repeat, kind: str) -> set[str] | None:
    """The streams the other record can be on, when the link names its id (else None: all)."""
    if repeat.via is not None:
        return PATHS[repeat.via](conn, source.record)
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


def _named(source: Event, repeat: Repeat) -> tuple[str, str] | None:
    """(indexed payload key, the id it must hold) when the link names one record of ours by a
    key the events table indexes (else None: every event of the other type is read)."""
    for theirs, ours in repeat.link:
        if theirs not in REFERENCE_KEYS or ours.startswith("each."):
            continue
        value = source.record if ours == "@record" else source.payload.get(ours)
        if isinstance(value, str):
            return theirs, value
    return None


def _events(
    conn: Connection, event_type: str, streams: set[str] | None, named: tuple[str, str] | None
) -> list[tuple[int, Event, dict]]:
    """(seq, the event with real values, its stored payload) of every ``event_type`` on ``streams``
    (None: any stream) whose payload names the record ``named`` says (None: any record)."""
    e = t.events
    kind = table.TABLE[event_type].kind
    query = select(e.c.seq, e.c.stream_id, e.c.type, e.c.payload)
    if streams is not None:
        if not streams:
            return []
        query = query.where(e.c.stream_id.in_(sorted(streams)))
    elif named is not None:  # the payload key's index answers it
        query = query.where(PayloadKey(named[0]) == named[1])
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
        streams = _streams(conn, source, name, repeat, kind)
        named = _named(source, repeat) if streams is None else None
        for other_seq, other, stored in _events(conn, repeat.event_type, streams, named):
            if other_seq != seq and any(True for _ in table.repeated(source, name, repeat, other)):
                sealed = disclosure.markers(stored)
                out.append(
                    Found(other_seq, other, repeat.field, sealed.get(repeat.field), repeat.copy, frozenset(sealed))
                )
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
    return table.together(source.type, out)

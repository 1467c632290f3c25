"""Which values in the projections a reader may not see, because the event that recorded
them withheld them, or another record withholds the same value (the disclosure table,
``domain/disclosure_table.py``; commitments in ``ledger/disclosure.py``).

Projections hold the real values (the operator's view). Every surface that shows them to
someone else asks this index first: the OCDS export and the public dashboard (the public),
the API and the dashboard for a signed-in party (its relation to the record). The rule for
a withheld field, as the transparency design states it:

- ``parties``: the parties to the record (its owners and those it is shared with);
- ``confidential``: the record's owners and the party that recorded it;
- coordinators and auditors see everything; anyone sees it once its embargo has passed
  (``domain.access.sees_withheld``, the rule a reveal follows too).

A value derived from a withheld one (a package line's funded amount, a delivery's value at
a withheld contract price) is withheld with it: see ``derived_hidden``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import access
from ...domain.disclosure_table import Event as TableEvent
from ...domain.disclosure_table import row as row_of
from ...domain.disclosure_table import shown_rows
from ...domain.values import today_utc
from ...ledger import disclosure
from ...ledger.canonical import parse
from ...store import schema as t
from ...store.eventstore import read_head
from ...store.repeats import repeats_of
from ...store.withheld import real_payloads

#: roles that see every withheld value (they run and audit the ledger)
SEE_ALL_ROLES = frozenset({"coordinator", "auditor"})

Key = tuple


@dataclass(frozen=True)
class Target:
    """Projected columns of some rows that one withheld event field feeds."""

    table: str
    key: Key  # a primary key, or a prefix of one (every row that starts with it)
    columns: tuple[str, ...]


def _targets(event: TableEvent, name: str) -> list[Target]:
    """Where a withheld field of an event shows in the projections (the disclosure table)."""
    return [Target(table, key, columns) for table, key, columns in shown_rows(event, name)]


@dataclass(frozen=True)
class Withheld:
    """One withheld field of one event, and where it shows."""

    seq: int
    event_type: str
    stream_id: str
    field: str
    level: str
    embargo: str | None
    commitment: str
    recorder: str
    targets: tuple[Target, ...]
    #: (seq, field) of older events that hold the same value in clear (left out of public views)
    repeated_in: tuple[tuple[int, str], ...] = ()

    def lifted(self, on: date) -> bool:
        return self.embargo is not None and date.fromisoformat(self.embargo) <= on

    def to_json(self) -> dict:
        return {
            "event": self.seq,
            "field": self.field,
            "level": self.level,
            "embargo": self.embargo,
            "commitment": self.commitment,
        }


@dataclass(frozen=True)
class Reader:
    """Who is reading, as the withholding rule needs to know it."""

    party: str | None
    role: str
    #: (kind, record id) -> "owner" | "shared": the reader's relation to records it may read
    relation: Callable[[str, str], str | None] = field(default=lambda kind, record_id: None)

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL_ROLES


PUBLIC_READER = Reader(None, "public")
OPERATOR = Reader(None, "coordinator")


@dataclass(frozen=True)
class _Known:
    """Every withheld field of the ledger up to event ``seq`` (whose hash is ``hash``), with the
    lookups the index answers from. Never changed once built: a newer head makes a new one."""

    seq: int
    hash: str
    fields: tuple[Withheld, ...] = ()
    repeated: dict[int, tuple[Withheld, ...]] = field(default_factory=dict)
    by_table: dict[str, tuple[Withheld, ...]] = field(default_factory=dict)

    def extended(self, seq: int, hash_: str, items: list[Withheld]) -> _Known:
        if not items:  # most writes withhold nothing: the lookups stand as they are
            return _Known(seq, hash_, self.fields, self.repeated, self.by_table)
        repeated, by_table = dict(self.repeated), dict(self.by_table)
        for item in items:
            for at in {at for at, _ in item.repeated_in}:
                repeated[at] = (*repeated.get(at, ()), item)
            for table in dict.fromkeys(target.table for target in item.targets):
                by_table[table] = (*by_table.get(table, ()), item)
        return _Known(seq, hash_, (*self.fields, *items), repeated, by_table)


#: per database, the withheld fields as of the latest head a read saw: a read after a write
#: resolves only the fields the new events withheld (the ones before are written for good)
_KNOWN: OrderedDict[str, _Known] = OrderedDict()
_KNOWN_LOCK = threading.Lock()
_DATABASES_KEPT = 8


def _withheld_after(conn: Connection, after: int, upto: int) -> list[Withheld]:
    """The withheld fields of the events after ``after`` up to ``upto``, resolved to projection rows."""
    e, w = t.events, t.withheld_values
    seqs = list(conn.execute(select(w.c.seq).distinct().where(w.c.seq > after, w.c.seq <= upto).order_by(w.c.seq)))
    out: list[Withheld] = []
    for start in range(0, len(seqs), 500):
        chunk = [seq for (seq,) in seqs[start : start + 500]]
        rows = conn.execute(
            select(e.c.seq, e.c.stream_id, e.c.type, e.c.actor, e.c.payload).where(e.c.seq.in_(chunk)).order_by(e.c.seq)
        )
        for row in rows:
            payload = parse(row.payload)
            record = row.stream_id.partition(":")[2]
            for name, marker in disclosure.markers(payload).items():
                item = Withheld(
                    row.seq,
                    row.type,
                    row.stream_id,
                    name,
                    marker["level"],
                    marker["embargo"],
                    marker["commitment"],
                    row.actor,
                    tuple(_targets(TableEvent(row.type, record, payload), name)),
                )
                out.append(_with_repeats(conn, item, record, row.payload) if _repeats(row.type, name) else item)
    return out


def _known(conn: Connection) -> _Known:
    """The withheld fields as of the head ``conn`` reads, from what an earlier read resolved
    when the event it stopped at is still there with the same hash (the chain then vouches
    for every event before it), else from the start."""
    seq, hash_ = read_head(conn)
    database = conn.engine.url.render_as_string(hide_password=False)
    with _KNOWN_LOCK:
        before = _KNOWN.get(database)
    if before is not None and before.seq == seq and before.hash == hash_:
        return before
    e = t.events
    if (
        before is None
        or before.seq > seq
        or conn.execute(select(e.c.hash).where(e.c.seq == before.seq)).scalar_one_or_none() != before.hash
    ):
        before = _Known(0, "")
    known = before.extended(seq, hash_, _withheld_after(conn, before.seq, seq))
    with _KNOWN_LOCK:
        latest = _KNOWN.get(database)
        if latest is None or latest.seq <= known.seq:
            _KNOWN[database] = known
            _KNOWN.move_to_end(database)
        while len(_KNOWN) > _DATABASES_KEPT:
            _KNOWN.popitem(last=False)
    return known


class Index:
    """Every withheld field of the ledger, resolved to projection rows (``_known``)."""

    def __init__(self, conn: Connection, *, on: date | None = None):
        self.on = on or today_utc()
        known = _known(conn)
        self.fields: tuple[Withheld, ...] = known.fields
        self._repeated = known.repeated
        self._by_table = known.by_table

    def repeats(self, seq: int, reader: Reader) -> dict[str, Withheld]:
        """Fields of event ``seq`` in clear that repeat a value withheld from ``reader``, and why."""
        return {
            name: item
            for item in self._repeated.get(seq, ())
            for repeat_seq, name in item.repeated_in
            if repeat_seq == seq and self.hidden_from(item, reader)
        }

    def by_event(self) -> dict[int, list[str]]:
        """seq -> the names of its withheld fields (what the ledger page lists)."""
        out: dict[int, list[str]] = {}
        for item in self.fields:
            out.setdefault(item.seq, []).append(item.field)
        return {seq: sorted(names) for seq, names in out.items()}

    def __bool__(self) -> bool:
        return bool(self.fields)

    def withholds(self, table: str) -> bool:
        """Whether any withheld field shows in ``table``."""
        return bool(self._by_table.get(table))

    def hidden_from(self, item: Withheld, reader: Reader) -> bool:
        if reader.sees_all or item.lifted(self.on):
            return False
        if reader.party is None:
            return True
        kind, _, record_id = item.stream_id.partition(":")
        return not access.sees_withheld(item.level, reader.relation(kind, record_id), reader.party == item.recorder)

    def hidden(self, table: str, key: Key, reader: Reader) -> dict[str, Withheld]:
        """Columns of the row ``key`` of ``table`` that ``reader`` may not see -> why."""
        out: dict[str, Withheld] = {}
        for item in self._by_table.get(table, ()):
            for target in item.targets:
                if target.table == table and key[: len(target.key)] == target.key and self.hidden_from(item, reader):
                    for column in target.columns:
                        out.setdefault(column, item)
        return out

    def withheld_ids(self, table: str, columns: Iterable[str], reader: Reader) -> set[str] | None:
        """The ids (first key column) of ``table``'s rows with one of ``columns`` withheld from
        ``reader``; None when a field withholds them from every row of the table."""
        wanted, out = set(columns), set()
        for item in self._by_table.get(table, ()):
            for target in item.targets:
                if target.table == table and wanted & set(target.columns) and self.hidden_from(item, reader):
                    if not target.key:
                        return None
                    out.add(str(target.key[0]))
        return out

    def view(self, table: str, key: Key, row: dict[str, Any], reader: Reader) -> dict[str, Any]:
        """The row without what the reader may not see; each withheld column is replaced by
        its commitment, so the reader can check a later reveal against the signed log."""
        hidden = self.hidden(table, key, reader)
        if not hidden:
            return row
        out = dict(row)
        for column, item in hidden.items():
            if column in out:
                out[column] = {"withheld": item.to_json()}
        return out

    def any_hidden(self, table: str, keys: Iterable[Key], reader: Reader, columns: Iterable[str]) -> Withheld | None:
        """The first withheld field among ``columns`` of the rows ``keys`` (for derived values)."""
        wanted = set(columns)
        for key in keys:
            for column, item in self.hidden(table, key, reader).items():
                if column in wanted:
                    return item
        return None


def _repeats(event_type: str, name: str) -> bool:
    found = row_of(event_type, name)
    return bool(found and (found.repeated_in or found.together))


def _together(event_type: str, name: str) -> tuple[str, ...]:
    found = row_of(event_type, name)
    return found.together if found else ()


def _with_repeats(conn: Connection, item: Withheld, record: str, stored: str) -> Withheld:
    """``item`` with the fields of other records that repeat its value in clear, followed from
    record to record (a contract line's price, its package line's, that line's requirement's):
    their projected columns are withheld with it, and the public log leaves them out."""
    real = real_payloads(conn, [(item.seq, stored)])[item.seq]
    todo: list[tuple[int, TableEvent, str]] = []
    seen = {(item.seq, item.field)}
    targets, repeated = list(item.targets), []

    def also(seq: int, event: TableEvent, name: str, sealed: Iterable[str], follow: bool) -> None:
        """Field ``name`` of ``event`` repeats the value, and so do the fields of the same
        event that give it away (in clear in events recorded before the table said so)."""
        for other in (name, *_together(event.type, name)):
            if (seq, other) in seen or other in sealed or other not in event.payload:
                continue
            seen.add((seq, other))
            repeated.append((seq, other))
            targets.extend(_targets(event, other))
            if follow:  # a total or a restatement gives away this value, not its other parts
                todo.append((seq, event, other))

    source = TableEvent(item.event_type, record, real)
    todo.append((item.seq, source, item.field))
    also(item.seq, source, item.field, disclosure.markers(parse(stored)), True)
    while todo:
        seq, event, name = todo.pop()
        for found in repeats_of(conn, seq, event, name):
            if found.marker is None:  # a repetition withheld itself is withheld by its own marker
                also(found.seq, found.event, found.field, found.sealed, found.copy)
    return replace(item, targets=tuple(targets), repeated_in=tuple(repeated)) if repeated else item


def reader_of(principal, ownership) -> Reader:
    """The withholding reader for an access principal, its relation to records read from
    the same ownership the policy uses (``services/access/ownership.py``)."""
    if principal.party is None:
        return PUBLIC_READER

    def relation(kind: str, record_id: str) -> str | None:
        try:
            parties = ownership.of(kind, record_id)
        except KeyError:  # a kind of record nobody owns (FX days, parties)
            return None
        if parties is None:
            return None
        if principal.party in parties.owners:
            return "owner"
        return "shared" if principal.party in parties.shared_with else None

    return Reader(principal.party, principal.role, relation)

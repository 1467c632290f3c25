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


class Index:
    """Every withheld field of the ledger, resolved to projection rows, read once."""

    def __init__(self, conn: Connection, *, on: date | None = None):
        self.on = on or today_utc()
        self.fields: list[Withheld] = []
        e, w = t.events, t.withheld_values
        seqs = list(conn.execute(select(w.c.seq).distinct()).scalars())
        for start in range(0, len(seqs), 500):
            rows = conn.execute(
                select(e.c.seq, e.c.stream_id, e.c.type, e.c.actor, e.c.payload).where(
                    e.c.seq.in_(seqs[start : start + 500])
                )
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
                    self.fields.append(
                        _with_repeats(conn, item, record, row.payload) if _repeats(row.type, name) else item
                    )
        self._repeated: dict[int, list[Withheld]] = {}
        for item in self.fields:
            for seq in {seq for seq, _ in item.repeated_in}:
                self._repeated.setdefault(seq, []).append(item)
        self._by_table: dict[str, list[Withheld]] = {}
        for item in self.fields:
            for target in item.targets:
                self._by_table.setdefault(target.table, []).append(item)

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

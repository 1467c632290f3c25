"""Rebuild the projections from the events alone, or check that the stored ones equal that.

This is how invariant 4 is checked: fold every stream of the log into entities with the
same ``apply`` the writers use, map them to rows with the same projection functions, and
compare row by row with what the database holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from ..domain.entity import Entity
from ..ledger.canonical import parse
from ..ledger.disclosure import unseal
from . import schema as t
from . import withheld
from .eventstore import iter_events, typed_event
from .projections import PROJECTED_TABLES, PROJECTIONS, rows_of
from .table_rows import Rows, read_table


def fold(conn: Connection) -> dict[str, Entity]:
    """Every stream's entity, from the events alone (with their withheld values)."""
    entities: dict[str, Entity] = {}
    secrets = withheld.secrets_of(conn, [seq for (seq,) in conn.execute(select(t.withheld_values.c.seq).distinct())])
    for stored in iter_events(conn):
        entity = entities.get(stored.stream_id)
        if entity is None:
            kind, _, entity_id = stored.stream_id.partition(":")
            if kind not in PROJECTIONS:
                raise ValueError(f"event #{stored.seq} belongs to an unknown stream kind '{kind}'")
            entity = entities[stored.stream_id] = PROJECTIONS[kind].entity(id=entity_id)
        payload = parse(stored.payload)
        real = unseal(payload, secrets[stored.seq]) if stored.seq in secrets else payload
        entity.apply(typed_event(stored.type, real, stored.meta))
    return entities


def expected_rows(conn: Connection) -> Rows:
    out: Rows = {table.name: {} for table in PROJECTED_TABLES}
    for entity in fold(conn).values():
        for name, rows in rows_of(entity).items():
            out[name].update(rows)
    return out


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    column: str | None  # None: the whole row is missing or extra
    stored: object
    rebuilt: object

    def __str__(self) -> str:
        key = ", ".join(str(k) for k in self.key)
        if self.column is None:
            what = "missing from the store" if self.stored is None else "in the store but not in the events"
            return f"{self.table} [{key}]: row {what}"
        return f"{self.table} [{key}].{self.column}: stored {self.stored!r}, rebuilt {self.rebuilt!r}"


def check(conn: Connection) -> list[Difference]:
    expected = expected_rows(conn)
    found: list[Difference] = []
    for table in PROJECTED_TABLES:
        stored = read_table(conn, table)
        rebuilt = expected[table.name]
        for key in sorted(stored.keys() | rebuilt.keys(), key=repr):
            if key not in stored:
                found.append(Difference(table.name, key, None, None, rebuilt[key]))
            elif key not in rebuilt:
                found.append(Difference(table.name, key, None, stored[key], None))
            else:
                for column, value in rebuilt[key].items():
                    if stored[key].get(column) != value:
                        found.append(Difference(table.name, key, column, stored[key].get(column), value))
    return found


def rebuild(conn: Connection) -> int:
    """Replace every projection with the rebuild; returns the number of rows written."""
    expected = expected_rows(conn)
    written = 0
    for table in reversed(PROJECTED_TABLES):
        conn.execute(delete(table))
    for table in PROJECTED_TABLES:
        rows = list(expected[table.name].values())
        if rows:
            conn.execute(insert(table), rows)
            written += len(rows)
    return written


def rows_at(conn: Connection, streams: Iterable[str], upto: int) -> Rows:
    """The projection rows of ``streams`` as the log gives them after its first ``upto``
    events (only those streams' events are read)."""
    out: Rows = {}
    wanted = sorted(set(streams))
    e = t.events.c
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(
            select(e.seq, e.stream_id, e.type, e.meta, e.payload)
            .where(e.stream_id.in_(chunk), e.seq <= upto)
            .order_by(e.seq)
        ).all()
        payloads = withheld.real_payloads(conn, [(row.seq, row.payload) for row in rows])
        entities: dict[str, Entity] = {}
        for row in rows:
            entity = entities.get(row.stream_id)
            if entity is None:
                kind, _, entity_id = row.stream_id.partition(":")
                entity = entities[row.stream_id] = PROJECTIONS[kind].entity(id=entity_id)
            entity.apply(typed_event(row.type, payloads[row.seq], row.meta))
        for entity in entities.values():
            for name, table_rows in rows_of(entity).items():
                out.setdefault(name, {}).update(table_rows)
    return out

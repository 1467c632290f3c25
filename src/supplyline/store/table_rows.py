"""Rows of the projection tables by primary key: the key of a row, a table read whole, and the
difference between two states of an entity's rows written to the tables."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.engine import Connection

from . import schema as t

#: table name -> primary key -> row
Rows = dict[str, dict[tuple, dict[str, Any]]]


def same_named(record: Any, *names: str) -> dict[str, Any]:
    """The columns that hold the record's attributes of the same names, as they are."""
    return {name: getattr(record, name) for name in names}


@cache
def _key_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def key_of(table: Table, row: dict) -> tuple:
    # the key's column names looked up once per table: every append builds its rows' keys
    return tuple(row[name] for name in _key_names(table))


@cache
def _insert(table: Table):
    return insert(table)


def write_differences(conn: Connection, changes: Iterable[tuple[Rows, Rows]]) -> None:
    """Bring the stored rows of several entities from ``before`` to ``after``: removals and
    changes row by row, then the new rows in one statement per table (a bulk command adds
    thousands)."""
    added: dict[str, list[dict]] = {}
    for before, after in changes:
        for name in before.keys() | after.keys():
            table = t.every_table().tables[name]
            old, new = before.get(name, {}), after.get(name, {})
            pk = list(table.primary_key.columns)
            for key in [k for k in old if k not in new]:
                conn.execute(delete(table).where(and_(*[c == v for c, v in zip(pk, key, strict=False)])))
            for key, row in new.items():
                if key not in old:
                    added.setdefault(name, []).append(row)
                elif old[key] != row:
                    changed = {c: v for c, v in row.items() if old[key].get(c) != v}
                    conn.execute(
                        update(table).where(and_(*[c == v for c, v in zip(pk, key, strict=False)])).values(**changed)
                    )
    for name, rows in added.items():
        conn.execute(_insert(t.every_table().tables[name]), rows[0] if len(rows) == 1 else rows)


def read_table(conn: Connection, table: Table) -> dict[tuple, dict[str, Any]]:
    out = {}
    for row in conn.execute(select(table)).mappings():
        record = dict(row)
        out[key_of(table, record)] = record
    return out

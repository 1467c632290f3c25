"""A digest per projection table: what the log says the table should hold, kept up to date
write by write, against the same digest of what the table does hold.

Why: comparing the projections with a rebuild replays every event, too slow to repeat while
serving. The digest of a table is the XOR of one hash per row (order-free, so a write
updates it from the rows it changed: the old rows out, the new rows in), and the log side
is fed only from rows the log gives (``rows_of`` an entity folded from its events), never
from what the table holds. A row planted, changed or removed behind the ledger's back makes
the two digests differ, naming the table; only then is the full comparison run to name rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from hashlib import sha256
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .projections import PROJECTED_TABLES
from .table_rows import Rows


def _plain(value: Any) -> Any:
    """One spelling per value, whichever side (the log's rows or the driver's) it came from."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return f"D{value.normalize()}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def row_hash(table: str, row: dict[str, Any]) -> int:
    text = json.dumps([table, sorted((k, _plain(v)) for k, v in row.items())], separators=(",", ":"))
    return int.from_bytes(sha256(text.encode()).digest(), "big")


@dataclass
class Digests:
    """Per table: (number of rows, XOR of their hashes)."""

    tables: dict[str, tuple[int, int]] = field(default_factory=lambda: {t.name: (0, 0) for t in PROJECTED_TABLES})

    def add(self, name: str, row: dict[str, Any], sign: int) -> None:
        count, digest = self.tables.get(name, (0, 0))
        self.tables[name] = (count + sign, digest ^ row_hash(name, row))

    def change(self, changes: Iterable[tuple[Rows, Rows]]) -> None:
        """Rows of entities from ``before`` to ``after`` (as ``write_differences`` writes them)."""
        for before, after in changes:
            for name in before.keys() | after.keys():
                old, new = before.get(name, {}), after.get(name, {})
                for key, row in old.items():
                    if new.get(key) != row:
                        self.add(name, row, -1)
                for key, row in new.items():
                    if old.get(key) != row:
                        self.add(name, row, +1)

    def differing(self, other: Digests) -> list[str]:
        return [name for name in sorted(self.tables.keys() | other.tables.keys()) if self.of(name) != other.of(name)]

    def of(self, name: str) -> tuple[int, int]:
        return self.tables.get(name, (0, 0))


def of_rows(rows: Rows) -> Digests:
    digests = Digests()
    for name, table in rows.items():
        for row in table.values():
            digests.add(name, row, +1)
    return digests


def stored(conn: Connection) -> Digests:
    """The digests of what the projection tables hold now (one read of each)."""
    digests = Digests()
    for table in PROJECTED_TABLES:
        for row in conn.execute(select(table)).mappings():
            digests.add(table.name, dict(row), +1)
    return digests

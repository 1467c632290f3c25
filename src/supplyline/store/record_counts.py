"""How many records of each kind the log holds (``record_counts``), so ``UnitOfWork.next_id``
numbers a new one without counting a stream prefix of the log on every id.

Each write adds its new streams in its own transaction, by an upsert that adds rather than
sets: under the ledger lock as every write, and right even without it. The count is derived
from the events alone, so ``rebuild --check`` compares it with a recount and ``rebuild`` sets it.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Connection

from . import schema as t

if TYPE_CHECKING:
    from .rebuild import Difference

_COUNT = select(t.record_counts.c.records).where(t.record_counts.c.kind == bindparam("kind"))
_FIRSTS = select(t.events.c.stream_id).where(t.events.c.stream_version == 1)


def records(conn: Connection, kind: str) -> int:
    return conn.execute(_COUNT, {"kind": kind}).scalar() or 0


def recount(conn: Connection) -> dict[str, int]:
    """The count per kind as the events give it (one pass over the streams' first events)."""
    return dict(Counter(stream_id.partition(":")[0] for stream_id in conn.execute(_FIRSTS).scalars()))


def check(conn: Connection) -> list[Difference]:
    from .rebuild import Difference  # rebuild reads through the event store, which counts through this module

    stored = dict(conn.execute(select(t.record_counts.c.kind, t.record_counts.c.records)).all())
    counted = recount(conn)
    return [
        Difference(t.record_counts.name, (kind,), "records", stored.get(kind), counted.get(kind))
        for kind in sorted(stored.keys() | counted.keys())
        if stored.get(kind) != counted.get(kind)
    ]


def rebuild(conn: Connection) -> int:
    conn.execute(delete(t.record_counts))
    counted = recount(conn)
    if counted:
        conn.execute(insert(t.record_counts), [{"kind": k, "records": n} for k, n in sorted(counted.items())])
    return len(counted)

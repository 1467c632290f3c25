"""The projections checked while serving, cheaply: the digest of what the log says each table
should hold (store/digests.py), set once from a full fold of the log and then moved write by
write, against the digest of what each table holds.

A write of this process hands over the rows it changed, as the log gives them, after its
commit (no lock taken on the write's path: it only queues them). Writes of other processes
(the CLI, other workers) are caught up at the next check by folding only the streams their
events touched. A check reads each projection table once; only when a table's digests
differ is the full comparison run, to name the rows.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...store import digests
from ...store import schema as t
from ...store.eventstore import Store, read_head
from ...store.rebuild import Difference, check, expected_rows, rows_at
from ...store.replicas import on_primary
from ...store.table_rows import Rows

log = logging.getLogger("supplyline.projections")


class ProjectionWatch:
    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._expected: digests.Digests | None = None
        self._known = 0  # the log size the expected digests are at
        # bounded: a write it drops is caught up from the log like another process's
        self._written: deque[tuple[int, int, list[tuple[Rows, Rows]]]] = deque(maxlen=10_000)
        store.projection_hooks.append(self._queue)

    def _queue(self, before: int, after: int, changes: list[tuple[Rows, Rows]]) -> None:
        if self._expected is not None:  # before the first check there is nothing to move
            self._written.append((before, after, changes))

    def differences(self) -> list[Difference]:
        """What differs between the projection tables and the log (empty: they agree)."""
        with self._lock, on_primary(), self.store.read() as conn:  # the digests follow the primary's writes
            head = read_head(conn)[0]
            expected = self._expected_at(conn, head)
            differing = set(expected.differing(digests.stored(conn)))
            if not differing:
                return []
            log.error("projection tables differ from the log: %s", ", ".join(sorted(differing)))
            return [d for d in check(conn) if d.table in differing]

    def _expected_at(self, conn: Connection, head: int) -> digests.Digests:
        expected = self._expected
        while self._written and expected is not None:
            before, after, changes = self._written.popleft()
            if before == self._known and after <= head:
                expected.change(changes)
                self._known = after
        if expected is None or head < self._known:  # first check, or events removed: fold it all
            expected = self._expected = digests.of_rows(expected_rows(conn))
            self._known = head
            self._written.clear()
        elif head > self._known:  # another process wrote: fold only the streams it touched
            e = t.events.c
            streams = {
                row.stream_id for row in conn.execute(select(e.stream_id).where(e.seq > self._known, e.seq <= head))
            }
            expected.change([(rows_at(conn, streams, self._known), rows_at(conn, streams, head))])
            self._known = head
        return expected

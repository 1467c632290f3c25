"""The log as verification reads it: each event's hash input assembled by the database.

Building the hash input in SQL (one printf per row, in C, next to the data) instead of
making Python objects for ten columns is what lets `verify` run close to the speed of
SHA-256 itself. The text is exactly ``ledger.chain.hash_input`` of the row: the same fields,
the same order, newline-separated.

SQLite is read in storage order (rowid), a plain table scan: the chain check requires the
sequence numbers to come out as 1, 2, 3…, so that order is the sequence order whenever the
log is intact (and any doubt sends `verify` to its ordered re-walk anyway).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from operator import itemgetter
from typing import Iterator

from sqlalchemy.engine import Connection

from ..ledger.chain import FORMAT, Batch, Segment, joined, scan
from ..ledger.disclosure import MARK

_FIELDS = "seq, stream_id, stream_version, recorded_at, actor, type, meta, payload, prev_hash"
_COLUMNS = [itemgetter(i) for i in range(5)]


def _query(dialect: str, *, ranged: bool = False) -> str:
    layout = FORMAT.decode() + "\n%d\n%s\n%d\n%s\n%s\n%s\n%s\n%s\n%s"
    if dialect == "sqlite":
        data = f"CAST(printf('{layout}', {_FIELDS}) AS BLOB)"
        where = " WHERE rowid BETWEEN ? AND ?" if ranged else ""
        return f"SELECT seq, prev_hash, hash, {data}, instr(payload, '\"{MARK}\"') FROM events{where} ORDER BY rowid"
    pg_layout = layout.replace("%d", "%s").replace("%", "%%" if ranged else "%")  # psycopg placeholders
    data = f"convert_to(format('{pg_layout}', {_FIELDS}), 'UTF8')"
    where = " WHERE seq BETWEEN %s AND %s" if ranged else ""
    return f"SELECT seq, prev_hash, hash, {data}, strpos(payload, '\"{MARK}\"') FROM events{where} ORDER BY seq"


class LogScan:
    """One pass over the log (or the rows ``between`` two rowids / sequence numbers) for
    ``ledger.chain.scan``; also notes which events carry withheld fields, so their check
    needs no second scan."""

    def __init__(self, conn: Connection, *, batch: int = 5000, between: tuple[int, int] | None = None):
        self.conn = conn
        self.batch = batch
        self.between = between
        self.marked: list[int] = []

    def batches(self) -> Iterator[Batch]:
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            if self.between is None:
                cursor.execute(_query(self.conn.dialect.name))
            else:
                cursor.execute(_query(self.conn.dialect.name, ranged=True), self.between)
            while True:
                rows = cursor.fetchmany(self.batch)
                if not rows:
                    return
                seqs, prevs, hashes, inputs, marks = (tuple(map(column, rows)) for column in _COLUMNS)
                if any(marks):
                    self.marked.extend(seq for seq, mark in zip(seqs, marks) if mark)
                yield seqs, prevs, hashes, inputs
        finally:
            cursor.close()


#: below this many events one process verifies faster than starting workers
PARALLEL_FROM = 100_000


def _scan_part(url: str, between: tuple[int, int]) -> tuple[Segment, list[int]]:
    """A worker process: scan one part of the log on a connection of its own."""
    from .db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            part = LogScan(conn, between=between)
            return scan(part.batches()), part.marked
    finally:
        engine.dispose()


def scan_log(conn: Connection, *, url: str, head: tuple[int, str], workers: int | None = None) -> tuple[bool, list[int]]:
    """The fast pass over the whole log, split across processes when it is large (each
    part read on its own connection, the parts then joined link by link). Returns whether
    the chain is intact to ``head``, and the events that carry withheld fields."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if workers is None:
        workers = min(cpus, max(1, head[0] // (PARALLEL_FROM // 2))) if head[0] >= PARALLEL_FROM else 1
    in_memory = conn.dialect.name == "sqlite" and conn.engine.url.database in (None, "", ":memory:")
    if workers <= 1 or head[0] < workers or in_memory:
        whole = LogScan(conn)
        return joined([scan(whole.batches())], head=head), whole.marked
    if conn.dialect.name == "sqlite":  # rows appended after our snapshot have larger rowids
        top = conn.exec_driver_sql("SELECT max(rowid) FROM events").scalar_one() or 0
    else:
        top = head[0]
    step = -(-top // workers)
    parts = [(lo, min(top, lo + step - 1)) for lo in range(1, top + 1, step)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
        results = list(pool.map(_scan_part, [url] * len(parts), parts))
    marked = [seq for _, found in results for seq in found]
    return joined([segment for segment, _ in results], head=head), marked

"""The log as verification reads it: for each event, the exact bytes its hash covers.

On SQLite those bytes are what is stored (``events.body``); every field the application
reads is computed from them on read (``store/event_fields.py``), so hashing ``body`` checks
everything that can be shown, at one column per event, and the definition of the generated
columns is checked too (a changed expression could show other values than the hashed ones).
PostgreSQL keeps the generated fields stored, so there the database assembles the hash input
from those stored fields (one ``concat_ws`` per row, next to the data) and `verify` hashes that,
received as raw bytes (a binary cursor, read in batches): ``format`` and bytea's hex text cost
the server and the client more than the hashing itself.

SQLite is read in storage order (rowid), a plain table scan: the chain check requires the
sequence numbers to come out as 1, 2, 3…, so that order is the sequence order whenever the
log is intact (and any doubt sends `verify` to its ordered re-walk anyway).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from operator import itemgetter

from sqlalchemy.engine import Connection

from ..ledger.chain import FORMAT, Batch, Finding, Segment, joined, scan
from ..ledger.disclosure import MARK
from . import event_fields
from .eventstore import driver_connection

_FIELDS = "seq, stream_id, stream_version, recorded_at, actor, type, meta, payload, prev_hash"
_COLUMNS = [itemgetter(i) for i in range(3)]
_MARK = f'"{MARK}"'.encode()


def _query(dialect: str, *, ranged: bool = False) -> str:
    if dialect == "sqlite":
        where = " WHERE rowid BETWEEN ? AND ?" if ranged else ""
        return f"SELECT seq, hash, CAST(body AS BLOB) FROM events{where} ORDER BY rowid"
    # every field is NOT NULL, which concat_ws would skip: the bytes are exactly the hash input's
    data = f"convert_to(concat_ws(chr(10), '{FORMAT.decode()}', {_FIELDS}), 'UTF8')"
    where = " WHERE seq BETWEEN %s AND %s" if ranged else ""
    return f"SELECT seq, hash, {data} FROM events{where} ORDER BY seq"


def _column_definitions(create_table: str) -> dict[str, str]:
    """name -> definition, for each column of a CREATE TABLE statement (commas inside
    parentheses or quotes do not separate)."""
    inner = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in inner:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    definitions = {}
    for part in parts:
        words = part.split(None, 1)
        if words:
            definitions[words[0].strip('"')] = " ".join(part.split())
    return definitions


def derivation_finding(conn: Connection) -> Finding | None:
    """On SQLite: whether the event fields are still generated from the hashed bytes by the
    expressions this version writes (``store/event_fields.py``). PostgreSQL stores them, and
    `verify` hashes what is stored, so nothing there depends on the expressions."""
    if conn.dialect.name != "sqlite":
        return None
    row = conn.exec_driver_sql("SELECT type, sql FROM sqlite_master WHERE name = 'events'").first()
    if row is None or row[0] != "table":
        return Finding(1, "the events table is missing or replaced (it is not a table)")
    definitions = _column_definitions(row[1])
    for name, expression in event_fields.SQLITE.items():
        generated = f"GENERATED ALWAYS AS ({expression})"
        definition = definitions.get(name, "")
        rest = " ".join(definition.replace(generated, "", 1).split())  # the type and NOT NULL, in either order
        if generated not in definition or not re.fullmatch(rf"{name} \w+(\(\d+\))?( NOT NULL)?", rest):
            return Finding(
                1,
                f"the events table no longer computes '{name}' from the hashed bytes as written: "
                "its definition was changed, so the values shown may not be the ones hashed",
            )
    return None


class LogScan:
    """One pass over the log (or the rows ``between`` two rowids / sequence numbers) for
    ``ledger.chain.scan``; also notes which events carry withheld fields, so their check
    needs no second scan."""

    def __init__(self, conn: Connection, *, batch: int = 1000, between: tuple[int, int] | None = None):
        self.conn = conn
        self.batch = batch
        self.between = between
        self.marked: list[int] = []

    def batches(self) -> Iterator[Batch]:
        driver = driver_connection(self.conn)
        if self.conn.dialect.name == "sqlite":
            cursor = driver.cursor()
        else:  # psycopg: on the server, read in batches, the bytes as they are
            cursor = driver.cursor(name="supplyline_verify", binary=True)
        try:
            if self.between is None:
                cursor.execute(_query(self.conn.dialect.name))
            else:
                cursor.execute(_query(self.conn.dialect.name, ranged=True), self.between)
            while True:
                rows = cursor.fetchmany(self.batch)
                if not rows:
                    return
                seqs, hashes, inputs = (tuple(map(column, rows)) for column in _COLUMNS)
                everything = b"".join(inputs)
                # "$" is rare outside markers, and a one-byte search is several times faster
                if b"$" in everything and _MARK in everything:
                    self.marked.extend(seq for seq, data in zip(seqs, inputs, strict=False) if _MARK in data)
                yield seqs, hashes, inputs
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


def scan_log(
    conn: Connection, *, url: str, head: tuple[int, str], workers: int | None = None
) -> tuple[bool, list[int]]:
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
    with ProcessPoolExecutor(max_workers=len(parts) - 1, mp_context=context) as pool:
        others = pool.map(_scan_part, [url] * (len(parts) - 1), parts[1:])
        here = LogScan(conn, between=parts[0])  # this process takes the first part meanwhile
        results = [(scan(here.batches()), here.marked), *others]
    marked = [seq for _, found in results for seq in found]
    return joined([segment for segment, _ in results], head=head), marked

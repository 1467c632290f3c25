"""The log as verification reads it: each event's hash input assembled by the database.

Concatenating the fields in SQL (in C, next to the data) instead of building Python objects
per row is what lets `verify` run close to the speed of SHA-256 itself. The text is exactly
``ledger.chain.hash_input`` of the row: the same fields, the same order, newline-separated.
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy.engine import Connection

from ..ledger.chain import FORMAT, Batch

_FIELDS = ("seq", "stream_id", "stream_version", "recorded_at", "actor", "type", "meta", "payload", "prev_hash")


def _query(dialect: str) -> str:
    if dialect == "sqlite":
        text = " || char(10) || ".join([f"'{FORMAT.decode()}'", *_FIELDS])
        data = f"CAST({text} AS BLOB)"
        page = "LIMIT ?"
        param = "?"
    else:
        text = " || E'\\n' || ".join([f"'{FORMAT.decode()}'", *(f"{f}::text" for f in _FIELDS)])
        data = f"convert_to({text}, 'UTF8')"
        page = "LIMIT %s"
        param = "%s"
    return f"SELECT seq, prev_hash, hash, {data} FROM events WHERE seq > {param} ORDER BY seq {page}"


def hash_input_batches(conn: Connection, *, batch: int = 20000) -> Iterator[Batch]:
    """The whole log in sequence order, ``batch`` events at a time, as parallel columns."""
    sql = _query(conn.dialect.name)
    cursor = conn.connection.driver_connection.cursor()
    try:
        last = 0
        while True:
            cursor.execute(sql, (last, batch))
            rows = cursor.fetchall()
            if not rows:
                return
            seqs, prevs, hashes, inputs = zip(*rows)
            yield seqs, prevs, hashes, inputs
            last = seqs[-1]
    finally:
        cursor.close()

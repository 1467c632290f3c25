"""Reads on PostgreSQL streaming replicas (``SUPPLYLINE_READ_DB``); every write stays on the primary.

A replica replays the primary's WAL a moment behind it. Two kinds of read must not see it
behind:

- the writer's own next read: after a commit the store notes the primary's WAL position
  (LSN) in the request's ``ReadAfter``; the API hands it back to the writer (a cookie,
  ``api/read_after.py``), and the writer's next request waits, at most ``wait`` seconds, for
  a replica that has replayed it, then reads the primary;
- an answer the read cache will keep as true at ledger head N: it is read where the head
  is at least N.

Both are checked before the read's snapshot is taken (a REPEATABLE READ snapshot starts at
its first statement, and replay only moves forward), so a replica that passed the check
answers from a snapshot that holds the write. A replica that cannot be reached is left
alone for ``retry_after`` seconds and its reads go to another replica or to the primary:
the API keeps answering while a replica is down.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import exc
from sqlalchemy.engine import Connection, make_url

from ..domain.errors import InvalidInput
from .db import make_engine

log = logging.getLogger("supplyline.replicas")

#: how a WAL position is written (``pg_lsn``'s text form); anything else a client sends is ignored
LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")

# a SQLAlchemy URL holds neither (several hosts go in its query: ?host=a:5432&host=b:5432)
_SEPARATOR = re.compile(r"[\s,]+")

_CAUGHT_UP = (
    "SELECT coalesce(pg_last_wal_replay_lsn() >= cast(%(lsn)s AS pg_lsn), true)"
    " AND (SELECT seq FROM ledger_head WHERE id = 1) >= %(seq)s"
)


@dataclass
class ReadAfter:
    """What one request's reads must see, and what its writes left behind."""

    #: the writer's last commit, a WAL position: a replica must have replayed it
    lsn: str | None = None
    #: the ledger head the read cache files the answer under
    seq: int = 0
    #: the primary's WAL position after this request's last commit, for the writer to hand back
    written: str | None = None
    #: read on the primary (the log's surface, which auditors hold to only ever grow)
    primary: bool = False

    @property
    def binding(self) -> bool:
        return self.lsn is not None or self.seq > 0


#: set by the interface for the request it serves; None (the CLI): nothing to wait for, no one to tell
READ_AFTER: ContextVar[ReadAfter | None] = ContextVar("supplyline_read_after", default=None)
_ON_PRIMARY: ContextVar[bool] = ContextVar("supplyline_reads_on_primary", default=False)


@contextmanager
def on_primary() -> Iterator[None]:
    """Every read in this block on the primary. The integrity checks compare the database
    with what lies outside it (the checkpoints signed on commit, the key file, the digests
    this process moved write by write): a replica a moment behind would look like a log
    with its last events removed."""
    token = _ON_PRIMARY.set(True)
    try:
        yield
    finally:
        _ON_PRIMARY.reset(token)


class Replica:
    def __init__(self, url: str):
        parsed = make_url(url)
        if "connect_timeout" not in parsed.query:  # a replica host that is gone must not hold a reader long
            parsed = parsed.update_query_dict({"connect_timeout": "2"})
        self.name = parsed.render_as_string(hide_password=True)
        self.engine = make_engine(parsed.render_as_string(hide_password=False))
        self.down_until = 0.0
        self.reads = 0


class Replicas:
    """The replicas a store reads from, taken in turn, and what each has served."""

    def __init__(self, urls: list[str], *, wait: float = 0.5, retry_after: float = 5.0):
        self.members = [Replica(url) for url in urls]
        self.wait = wait
        self.retry_after = retry_after
        #: reads that went to the primary: no replica reachable, or none caught up in time
        self.primary_reads = 0
        self._turn = itertools.count()
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, text: str, *, wait: float = 0.5) -> Replicas:
        """The replicas a ``SUPPLYLINE_READ_DB`` value names (PostgreSQL URLs only)."""
        urls = [url for url in _SEPARATOR.split(text.strip()) if url]
        for url in urls:
            try:
                parsed = make_url(url)
            except Exception:
                raise InvalidInput("read_db", url, "is not a database URL") from None
            if parsed.get_backend_name() != "postgresql":
                shown = parsed.render_as_string(hide_password=True)
                raise InvalidInput("read_db", shown, "must be a postgresql:// URL of a streaming replica")
        if not urls:
            raise InvalidInput("read_db", text, "names no replica URL")
        if wait < 0:
            raise InvalidInput("read_db_wait", wait, "must be zero or more seconds")
        return cls(urls, wait=wait)

    def connect(self) -> Connection | None:
        """A connection to a replica holding what this context must see; None: read the primary."""
        after = READ_AFTER.get()
        if _ON_PRIMARY.get() or (after is not None and after.primary):
            return None
        floor = after if after is not None and after.binding else None
        deadline = time.monotonic() + self.wait
        pause = 0.002
        while True:
            live = self._in_turn()
            for replica in live:
                conn = self._open(replica, floor)
                if conn is not None:
                    return conn
            if not live or floor is None or time.monotonic() + pause > deadline:  # none up, or waited enough
                with self._lock:
                    self.primary_reads += 1
                return None
            time.sleep(pause)  # replay is moments away: ask again soon, then less often
            pause = min(pause * 2, 0.05)

    def committed(self, conn: Connection) -> None:
        """A write on ``conn`` (the primary) has committed: note where its WAL ends, for the
        writer's next read (and this request's later ones)."""
        after = READ_AFTER.get()
        if after is None:
            return
        try:
            lsn = conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn()::text").scalar_one()
            conn.rollback()
        except exc.DBAPIError as error:  # the write stands: only its writer's next read may find a replica behind
            log.warning("could not read the WAL position after a commit (%s)", str(error).splitlines()[0])
            return
        after.written = after.lsn = lsn

    def dispose(self) -> None:
        for replica in self.members:
            replica.engine.dispose()

    def _in_turn(self) -> list[Replica]:
        now = time.monotonic()
        live = [r for r in self.members if r.down_until <= now]
        if not live:
            return []
        start = next(self._turn) % len(live)
        return live[start:] + live[:start]

    def _open(self, replica: Replica, floor: ReadAfter | None) -> Connection | None:
        try:
            conn = replica.engine.connect()
        except exc.DBAPIError as error:
            self._down(replica, error)
            return None
        try:
            if floor is not None:
                caught_up = conn.exec_driver_sql(_CAUGHT_UP, {"lsn": floor.lsn or "0/0", "seq": floor.seq}).scalar()
                conn.rollback()  # the read's own snapshot starts after the check
                if not caught_up:
                    conn.close()
                    return None
        except exc.DBAPIError as error:
            conn.close()
            self._down(replica, error)
            return None
        with self._lock:
            replica.reads += 1
        return conn

    def _down(self, replica: Replica, error: Exception) -> None:
        if replica.down_until <= time.monotonic():
            log.warning(
                "read replica %s failed (%s); reading elsewhere for %.0f s",
                replica.name,
                str(error).splitlines()[0],
                self.retry_after,
            )
        replica.down_until = time.monotonic() + self.retry_after
        replica.engine.dispose()  # its pooled connections died with it

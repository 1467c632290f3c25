"""One notification worker per database (issue 17 item 5): two would send an event twice
(the same ``webhook-id``, which a receiver deduplicates, but twice the traffic and out of
order under retries). Whoever holds the lock feeds and delivers; another worker waits for it.

The lock dies with its holder, so a ``kill -9`` never leaves it stale:

- PostgreSQL: a session advisory lock on a connection the holder keeps open (the server
  releases it when the connection drops);
- SQLite: an exclusive ``flock`` on a file beside the database (the kernel releases it when
  the process dies). An in-memory database lives in one process: nothing to share.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ...store.eventstore import Store

#: the advisory lock's key: any number no other part of the system uses ("SLNOTIFY")
ADVISORY_KEY = 0x534C4E4F54494659


class WorkerLock:
    """The database's notification lock, once ``acquire`` returned True, until ``release``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn: Connection | None = None
        self._file: IO[bytes] | None = None
        self.held = False

    def acquire(self) -> bool:
        if self.held:
            return True
        url = self.store.engine.url
        if url.get_backend_name() == "postgresql":
            self.held = self._advisory()
        elif url.database and url.database != ":memory:":
            self.held = self._flock(f"{url.database}.notify.lock")
        else:
            self.held = True
        return self.held

    def _advisory(self) -> bool:
        conn = self.store.engine.connect()
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar())
        conn.commit()
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def _flock(self, path: str) -> bool:
        handle = open(path, "ab")  # noqa: SIM115 - held open while the lock is held
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # a dropped connection released it already
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._conn.commit()
            self._conn.close()
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.held = False

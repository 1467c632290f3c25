"""Knowing, without asking the database, whether the ledger has moved.

Every projection changes only when events are appended (or when ``rebuild`` rewrites
them), so "the ledger is still at event N" means "every answer computed at N is still
true". On PostgreSQL, triggers (migration 0006) send ``NOTIFY supplyline_ledger`` with the
new head sequence when an append commits, and ``rebuilt`` when projections are rebuilt; a
watch listens on its own connection, in a daemon thread, in each server process.

``state()`` is (head sequence, generation) while the watch is listening, and None when it is
not (SQLite, not started yet, or reconnecting): callers must then not rely on it. The
generation changes on every (re)connection and rebuild, so nothing missed while the watch
was deaf can be mistaken for the present.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine

from .db import is_sqlite

CHANNEL = "supplyline_ledger"
log = logging.getLogger("supplyline.ledgerwatch")


class LedgerWatch:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.Lock()
        self._state: tuple[int, int] | None = None
        self._generation = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def supported(self) -> bool:
        return not is_sqlite(self.engine)

    def start(self) -> None:
        if not self.supported or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="supplyline-ledger-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            self._state = None

    def state(self) -> tuple[int, int] | None:
        return self._state

    def advanced(self, seq: int) -> None:
        """This process committed an append up to ``seq``: do not wait for the notification."""
        with self._lock:
            if self._state is not None and seq > self._state[0]:
                self._state = (seq, self._state[1])

    # --- the listening thread ------------------------------------------------------------
    def _listen(self) -> None:
        import psycopg

        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        pause = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(*args, **{**kwargs, "autocommit": True}) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # read the head only once listening, so no commit falls between the two
                    row = conn.execute("SELECT seq FROM ledger_head WHERE id = 1").fetchone()
                    if row is None:
                        raise psycopg.OperationalError("the ledger has no head row: is it initialised?")
                    (head,) = row
                    with self._lock:
                        self._generation += 1
                        self._state = (head, self._generation)
                    pause = 0.1
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._heard(note.payload)
            except Exception as exc:  # the database went away: be deaf, say so, and retry
                with self._lock:
                    self._state = None
                if self._stop.is_set():
                    return
                log.warning("ledger watch lost its connection (%s); retrying in %.1f s", exc, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, 5.0)

    def _heard(self, payload: str) -> None:
        with self._lock:
            if self._state is None:
                return
            if payload == "rebuilt":
                self._generation += 1
                self._state = (self._state[0], self._generation)
            elif payload.isdigit() and int(payload) > self._state[0]:
                self._state = (int(payload), self._state[1])

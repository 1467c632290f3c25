"""The ledger's last full check, kept by the server for its pages.

Re-hashing the whole chain, checking the signed checkpoints and the projections, and
signing a fresh checkpoint on every view of the ledger page cost a page view seconds on a
large log and signed a checkpoint per visitor. The server keeps the last result and does it
again only when the log has grown or the result is older than ``max_age``; the page says
when the check ran. The projection tables are still compared on every view through the
server's watch (one read of each table's digest), so a row changed behind the log's back
shows at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from ...domain.values import utc_now
from ...ledger.note import Signer
from ...store.eventstore import Store, read_head
from . import integrity, transparency
from .projection_watch import ProjectionWatch


@dataclass(frozen=True)
class Checked:
    integrity: integrity.Integrity
    checkpoint: transparency.SignedCheckpoint | None
    at: datetime
    size: int  # events in the log when it ran


class LastCheck:
    def __init__(self, max_age: timedelta = timedelta(minutes=10)):
        self.max_age = max_age
        self._lock = threading.Lock()
        self._last: Checked | None = None

    def result(self, store: Store, *, key_file: Path, watch: ProjectionWatch | None, signer: Signer | None) -> Checked:
        with store.read() as conn:
            size, _ = read_head(conn)
        with self._lock:
            last = self._last
            if last is not None and last.size == size and utc_now() - last.at < self.max_age:
                changed = integrity.projection_problems(watch.differences()) if watch is not None else []
                if not changed:
                    return last
                return replace(last, integrity=replace(last.integrity, problems=last.integrity.problems + changed))
            found = integrity.check(store, key_file=key_file, watch=watch)
            signed = transparency.checkpoint(store, signer, size=size, with_time=True) if signer else None
            self._last = Checked(found, signed, utc_now(), size)
            return self._last

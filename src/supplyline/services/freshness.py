"""Whether the ledger has moved since an answer was computed, for caches in the interfaces
(see ``store.ledgerwatch``)."""

from __future__ import annotations

from ..store.eventstore import Store
from ..store.ledgerwatch import LedgerWatch

__all__ = ["LedgerWatch", "watch"]


def watch(store: Store) -> LedgerWatch:
    return LedgerWatch(store.engine)

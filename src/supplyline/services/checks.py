"""Checks an auditor runs: the hash chain, and projections against a rebuild."""

from __future__ import annotations

from ..ledger.chain import Verification, verify
from ..store.eventstore import Store, iter_events, read_head
from ..store.rebuild import Difference, check, rebuild


def verify_ledger(store: Store) -> Verification:
    with store.read() as conn:
        return verify(iter_events(conn), head=read_head(conn))


def check_projections(store: Store) -> list[Difference]:
    with store.read() as conn:
        return check(conn)


def rebuild_projections(store: Store) -> int:
    with store.locked() as conn:
        return rebuild(conn)

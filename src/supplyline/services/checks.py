"""Checks an auditor runs: the hash chain, withheld values, projections and the Merkle tree
against a rebuild."""

from __future__ import annotations

from ..ledger.chain import Verification, chain_intact, verify
from ..store import merkle, withheld
from ..store.eventstore import Store, iter_events, read_head
from ..store.rebuild import Difference, check, rebuild
from ..store.verification import hash_input_batches


def verify_ledger(store: Store) -> Verification:
    """The chain, then every withheld value against its commitment; the first bad event.

    The fast pass hashes the whole log; only if it finds a fault does the full re-walk run,
    to name the first bad event the same way every time."""
    with store.read() as conn:
        head = read_head(conn)
        if chain_intact(hash_input_batches(conn), head=head):
            result = Verification(head[0], head[1], None)
        else:
            result = verify(iter_events(conn), head=head)
        if not result.ok:
            return result
        finding = withheld.check(conn)
    return Verification(result.checked, result.head_hash, finding)


def check_projections(store: Store) -> list[Difference]:
    """Projections and the stored Merkle tree against what the events alone give."""
    with store.read() as conn:
        return check(conn) + merkle.check_tree(conn)


def rebuild_projections(store: Store) -> int:
    with store.locked() as conn:
        return rebuild(conn) + merkle.rebuild_tree(conn)

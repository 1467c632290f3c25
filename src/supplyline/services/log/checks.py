"""Checks an auditor runs: the hash chain, withheld values, projections and the Merkle tree
against a rebuild."""

from __future__ import annotations

from ...domain.errors import RuleViolation
from ...ledger.chain import Verification, verify
from ...store import merkle, record_counts, withheld
from ...store.eventstore import Store, iter_events, read_head
from ...store.rebuild import Difference, check, rebuild
from ...store.verification import derivation_finding, scan_log
from ..end_use import serial_rebuild


def verify_ledger(store: Store, *, workers: int | None = None) -> Verification:
    """The chain, then every withheld value against its commitment; the first bad event.

    The fast pass hashes the whole log; only if it finds a fault does the full re-walk run,
    to name the first bad event the same way every time."""
    with store.read() as conn:
        head = read_head(conn)
        broken = derivation_finding(conn)
        if broken:
            return Verification(0, head[1], broken)
        url = store.engine.url.render_as_string(hide_password=False)
        intact, marked = scan_log(conn, url=url, head=head, workers=workers)
        result = Verification(head[0], head[1], None) if intact else verify(iter_events(conn), head=head)
        if not result.ok:
            return result
        finding = withheld.check(conn, marked=marked)
    return Verification(result.checked, result.head_hash, finding)


def check_projections(store: Store) -> list[Difference]:
    """Projections, the stored Merkle tree, the record counts and the serial index against
    what the events (and the serial manifests they name) give."""
    with store.read() as conn:
        found = check(conn) + merkle.check_tree(conn) + record_counts.check(conn)
    return found + serial_rebuild.check(store)


def check_tree(store: Store) -> list[Difference]:
    """The stored Merkle tiles and the record counts against what the events give (what the
    projections' digests do not cover)."""
    with store.read() as conn:
        return merkle.check_tree(conn) + record_counts.check(conn)


def rebuild_projections(store: Store) -> int:
    """Every projection, the Merkle tree and the serial index; nothing is written if a serial
    manifest disagrees with the log."""
    with store.locked() as conn:
        written = rebuild(conn) + merkle.rebuild_tree(conn) + record_counts.rebuild(conn)
        items, found = serial_rebuild.rebuild(conn)
        if found:
            raise RuleViolation(
                f"a serial manifest disagrees with the log (rebuilt: the log's): {found[0]}", field="serial_manifests"
            )
        return written + items

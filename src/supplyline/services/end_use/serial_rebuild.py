"""Rebuild the serial index (``end_use_items``) from the log and the manifests (issue 16).

The log holds each manifest's count and Merkle root; the manifests beside it hold the
serials. A rebuild walks the log's end-use events in order and, for each manifest an event
names, recomputes its root from its serials and compares it (and the count) with the
event's: a manifest changed beside the log is reported, never silently taken. It then makes
the same index writes the commands made. ``check`` does this inside a transaction it rolls
back and compares the result with the stored index, row by row. (The manifests themselves
are the evidence beside the log, as withheld values are: they are checked, not rebuilt.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from ...domain.contract import Contract
from ...domain.custody import Handover
from ...domain.enduse import INVENTORIES
from ...domain.entity import Entity
from ...domain.package import Package
from ...domain.serials import manifest_root
from ...domain.shipment import Shipment
from ...store import schema as t
from ...store import serials as index
from ...store import withheld
from ...store.eventstore import Store, typed_event
from ...store.rebuild import Difference, fold
from .custody import apply_confirmation
from .enduse import add_shipped_items

#: the events that move the serial index, in the order the log has them
EVENTS = (
    "LotSerialsListed",
    "SerialsListed",
    "SerialsReceived",
    "EndUseCheckRecorded",
    "DispositionRecorded",
    "CustodyHandedOver",
    "CustodyConfirmed",
    "ShipmentLost",
)


class _Replay:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.entities = fold(conn)
        self.manifests = {row.id: row for row in conn.execute(select(t.serial_manifests))}
        self.used: set[str] = set()
        self.found: list[Difference] = []

    def entity(self, stream_id: str) -> Entity:
        return self.entities[stream_id]

    def serials(self, manifest_id: str, count: int, root: str) -> list[str]:
        """The manifest's serials, if its count and recomputed root are the event's."""
        if count == 0:
            return []
        self.used.add(manifest_id)
        row = self.manifests.get(manifest_id)
        if row is None:
            self.found.append(Difference("serial_manifests", (manifest_id,), None, None, root))
            return []
        serials = index.manifest_serials(self.conn, manifest_id)
        for column, stored, logged in (("count", len(serials), count), ("root", manifest_root(serials), root)):
            if stored != logged:
                self.found.append(Difference("manifest_serials", (manifest_id,), column, stored, logged))
        return serials

    def apply(self, kind: str, stream_id: str, e: Any) -> None:
        """Long because it is one table: each end-use event and the index write it made."""
        record_id = stream_id.partition(":")[2]
        conn = self.conn
        if kind == "LotSerialsListed":
            self.serials(e.lot_id, e.count, e.manifest_root)
        elif kind == "SerialsListed":
            shipment = cast(Shipment, self.entity(stream_id))
            contract = cast(Contract, self.entity(f"contract:{shipment.contract_id}"))
            package = cast(Package, self.entity(f"package:{contract.package_id}"))
            serials = self.serials(f"{record_id}.{e.contract_line_no}", e.count, e.manifest_root)
            add_shipped_items(conn, record_id, e.contract_line_no, contract, package, serials)
        elif kind == "SerialsReceived":
            shipment = cast(Shipment, self.entity(stream_id))
            assert shipment.received_on is not None
            base = f"{record_id}.{e.contract_line_no}"
            missing = self.serials(f"{base}.missing", e.missing, e.missing_root)
            self.serials(f"{base}.damaged", e.damaged, e.damaged_root)
            index.mark_received(
                conn,
                record_id,
                e.contract_line_no,
                on=shipment.received_on,
                site_id=e.site_id or None,
                missing=missing,
            )
        elif kind == "EndUseCheckRecorded":
            serials = self.serials(record_id, e.sighted, e.manifest_root)
            index.mark_sighted(conn, serials, on=e.checked_on, site_id=e.site_id, inventory=e.kind in INVENTORIES)
        elif kind == "DispositionRecorded":
            index.mark_disposed(conn, self.serials(record_id, e.count, e.manifest_root), kind=e.kind, on=e.disposed_on)
        elif kind == "CustodyHandedOver":
            self.serials(record_id, e.count, e.manifest_root)
        elif kind == "CustodyConfirmed":
            handover = cast(Handover, self.entity(stream_id))
            listed = index.manifest_serials(conn, record_id)
            missing = self.serials(f"{record_id}.missing", e.missing, e.missing_root)
            self.serials(f"{record_id}.damaged", e.damaged, e.damaged_root)
            extra = self.serials(f"{record_id}.extra", e.extra, e.extra_root)
            apply_confirmation(conn, listed, set(missing), extra, handover.to_site_id)
        elif kind == "ShipmentLost":
            shipment = cast(Shipment, self.entity(stream_id))
            for n, line in sorted(shipment.lines.items()):
                if line.serials:
                    lost = self.serials(f"{record_id}.{n}.lost", line.serials, line.manifest_root)
                    index.mark_lost(conn, lost, on=e.on)


def _events(conn: Connection) -> Iterator[tuple[str, str, Any]]:
    e = t.events.c
    rows = conn.execute(
        select(e.seq, e.stream_id, e.type, e.meta, e.payload).where(e.type.in_(EVENTS)).order_by(e.seq)
    ).all()
    payloads = withheld.real_payloads(conn, [(row.seq, row.payload) for row in rows])
    for row in rows:
        yield row.type, row.stream_id, typed_event(row.type, payloads[row.seq], row.meta)


def rebuild(conn: Connection) -> tuple[int, list[Difference]]:
    """Replace the serial index with the replay; (items written, manifests that disagree with
    the log or that no event names)."""
    conn.execute(delete(t.end_use_items))
    conn.execute(delete(t.end_use_cohorts))
    replay = _Replay(conn)
    for kind, stream_id, event in _events(conn):
        replay.apply(kind, stream_id, event)
    for manifest_id in sorted(set(replay.manifests) - replay.used):
        row = replay.manifests[manifest_id]
        replay.found.append(Difference("serial_manifests", (manifest_id,), None, row.root, None))
    index.recount_cohorts(conn)  # one row per cohort, not the replay's every change
    written = conn.execute(select(func.count()).select_from(t.end_use_items)).scalar_one()
    return written, replay.found


def _items(conn: Connection) -> dict[str, dict]:
    return {row.serial: dict(row._mapping) for row in conn.execute(select(t.end_use_items))}


def check(store: Store) -> list[Difference]:
    """The stored index against a replay (made in a transaction rolled back afterwards), and
    the stored cohorts against the stored items."""
    with store.engine.connect() as conn:
        replayed = conn.begin()
        try:
            cohorts = [
                Difference("end_use_cohorts", key, "items, value_minor", summed, counted)
                for key, summed, counted in index.cohort_differences(conn)
            ]
            stored = _items(conn)
            _written, found = rebuild(conn)
            rebuilt = _items(conn)
        finally:
            replayed.rollback()
    found = cohorts + found
    for serial in sorted(stored.keys() | rebuilt.keys()):
        before, after = stored.get(serial), rebuilt.get(serial)
        if before is None or after is None:
            found.append(Difference("end_use_items", (serial,), None, before, after))
            continue
        found += [
            Difference("end_use_items", (serial,), column, before[column], value)
            for column, value in after.items()
            if before[column] != value
        ]
    return found

"""One serial's history and the proof that a manifest in the signed log lists it.

Both run from indexes: the serial's row, and the manifests listing it (``manifest_serials``
is indexed by serial). The proof recomputes the manifest's tree from its serials, in order.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.errors import NotFound
from ...domain.serials import inclusion_path
from ...store import schema as t
from ...store import serials as index
from ...store.eventstore import Store
from ..log import transparency
from ..reads.report_models import SerialHistory, SerialProof


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def history(conn: Connection, serial: str) -> SerialHistory:
    i = t.end_use_items
    row = conn.execute(select(i).where(i.c.serial == serial)).first()
    if row is None:
        raise NotFound("serial", serial, field="serial")
    item = {k: _plain(v) for k, v in row._mapping.items() if k not in ("value_minor", "value_currency", "manifest_id")}
    events = [
        {
            "on": _plain(m["on"]),
            "what": m["kind"],
            "record": m["stream_id"],
            "site_id": m["site_id"],
            "manifest": m["id"],
            "position": m["position"],
        }
        for m in index.positions(conn, serial)
    ]
    if row.received_on is not None:  # a receipt is not a manifest of its own: all shipped arrived but the missing
        received = {"on": _plain(row.received_on), "what": "received", "record": f"shipment:{row.shipment_id}"}
        events.append({**received, "site_id": None, "manifest": None, "position": None})
        events.sort(key=lambda e: (str(e["on"]), e["what"] != "shipped"))
    return cast(SerialHistory, {**item, "history": events})


def prove(conn: Connection, serial: str, manifest_id: str | None = None) -> SerialProof:
    """The audit path of ``serial`` in a manifest (default: the shipment line that carried it)."""
    found = [m for m in index.positions(conn, serial) if manifest_id in (None, m["id"])]
    if manifest_id is None:
        found = [m for m in found if m["kind"] == "shipped"]
    if not found:
        raise NotFound("manifest listing serial", serial, field="serial")
    m = found[0]
    serials = index.manifest_serials(conn, m["id"])
    e = t.events
    seq = conn.execute(
        select(e.c.seq).where(e.c.stream_id == m["stream_id"], e.c.body.contains(m["root"])).order_by(e.c.seq)
    ).scalar()
    return {
        "serial": serial,
        "manifest": m["id"],
        "record": m["stream_id"],
        "event_seq": seq,
        "index": m["position"],
        "size": m["count"],
        "root": m["root"],
        "path": [h.hex() for h in inclusion_path(serials, m["position"])],
    }


def proof_file(store: Store, serial: str, manifest_id: str | None = None) -> dict:
    """What an outsider checks with `audit serial`, holding no database: the serial's path to
    its manifest's root, and under ``log`` the inclusion proof of the event stating that root
    (with the event's public view), against the whole log as it stands."""
    with store.read() as conn:
        proof = prove(conn, serial, manifest_id)
    if proof["event_seq"] is None:
        return dict(proof)
    return {**proof, "log": transparency.inclusion_proof(store, proof["event_seq"])}

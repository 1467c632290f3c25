"""What a record's answer carries of its evidence, for one viewer: the documents attached
to it (titles withheld from this viewer blanked) and how many findings on it are open.
The API's record answers and the dashboard's record pages both add it here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.document import RECORD_KINDS
from ...domain.values import today_utc
from ...store import schema as t
from ..access import views
from ..reads.ledger_browser import record_link
from . import documents, findings


def with_evidence(viewer: views.Viewer, kind: str, record: dict) -> dict:
    if kind not in RECORD_KINDS or "id" not in record:
        return record
    conn = viewer.ownership.conn
    attached = [views.present(viewer, "document", dict(d)) for d in documents.documents_of(conn, kind, record["id"])]
    return {
        **record,
        "documents": attached,
        "open_findings": findings.open_on(conn, kind, [record["id"]]).get(record["id"], 0),
    }


def may_download(found: dict) -> bool:
    """A document's bytes go to whoever sees its title: withheld with it (the disclosure table)."""
    return not any(w.get("field") == "title" for w in found.get("withheld", ()))


def package_evidence(viewer: views.Viewer, package: dict) -> dict:
    """The documents and findings of a package's chain (itself, its contracts, their orders and
    shipments) that ``viewer`` may read, and the records of it with findings open, as the
    package's page shows them (each linked to its own page)."""
    conn = viewer.ownership.conn
    shown: list[dict] = []
    found: list[dict] = []
    on = today_utc()
    for kind, record_ids in findings.chain(conn, package["id"]).items():
        for record_id in sorted(viewer.readable(kind, record_ids)):
            shown += [views.present(viewer, "document", dict(d)) for d in documents.documents_of(conn, kind, record_id)]
            rows = findings.findings(conn, viewer.principal, on=on, record=(kind, record_id))
            found += [views.present(viewer, "finding", dict(f)) for f in rows]
    return {"documents": shown, "open_findings": findings.flags(conn, package["id"]), "findings": found}


def record_page(conn: Connection, ref: str) -> str:
    """Where the dashboard shows the record ``kind:id`` a document or finding is about: its
    package's page for a package, a contract or its orders, lots and shipments, else its history
    in the ledger browser."""
    kind, _, record_id = ref.partition(":")
    c, o, s, lot = t.contracts, t.production_orders, t.shipments, t.lots
    contract = {
        "contract": select(c.c.id).where(c.c.id == record_id),
        "order": select(o.c.contract_id).where(o.c.id == record_id),
        "lot": select(o.c.contract_id).where(
            o.c.id == select(lot.c.order_id).where(lot.c.lot_id == record_id).scalar_subquery()
        ),
        "shipment": select(s.c.contract_id).where(s.c.id == record_id),
    }
    package_id = record_id if kind == "package" else None
    if kind in contract:
        package_id = conn.execute(select(c.c.package_id).where(c.c.id == contract[kind].scalar_subquery())).scalar()
    return f"/packages/{package_id}" if package_id else record_link(ref)

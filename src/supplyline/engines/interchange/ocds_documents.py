"""Documents attached to records (issue 18) in an OCDS release: a package's in
``tender.documents``, a contract's in ``contracts[].documents``, its shipments',
production orders' and their lots' in ``contracts[].implementation.documents``. The type maps to the
documentType codelist (``domain.document.OCDS_TYPES``); the SHA-256 and size the ledger
recorded are in the description, so a copy can be checked against the signed log. No URL:
the bytes are served to the record's parties only, never to the public."""

from __future__ import annotations

from typing import Any

from ...domain.document import OCDS_TYPES
from .ocds_parts import _datetime, _Index, _Release


def _document(row: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row["id"]}
    kind = OCDS_TYPES.get(row.get("doc_type") or "")
    if kind:
        out["documentType"] = kind
    if row.get("title"):
        out["title"] = row["title"]
    out["description"] = (
        f"SHA-256 {row['sha256']}, {row['size']} bytes, as recorded in the ledger's signed log "
        f"(attached to {row['record_kind']} {row['record_id']})"
    )
    out["datePublished"] = _datetime(row["attached_on"])
    out["format"] = row["media_type"]
    out["language"] = row["language"]
    return out


def documents_of(by: _Index, rel: _Release, kind: str, *record_ids: str) -> list[dict[str, Any]]:
    """The documents attached to these records, oldest first."""
    rows = [
        rel.seen("documents", r)
        for record_id in record_ids
        for r in by.where("documents", record_kind=kind, record_id=record_id)
    ]
    return [_document(r) for r in sorted(rows, key=lambda r: r["id"])]


def add_documents(contract: dict[str, Any], implementation: dict[str, Any], by: _Index, rel: _Release) -> None:
    """An OCDS contract's own documents, and in its implementation what was attached to its
    shipments, production orders and their lots."""
    cid = contract["id"]
    attached = documents_of(by, rel, "contract", cid)
    if attached:
        contract["documents"] = attached
    shipments = [s["id"] for s in by.where("shipments", contract_id=cid)]
    orders = [o["id"] for o in by.where("production_orders", contract_id=cid)]
    lots = [lot["lot_id"] for order_id in orders for lot in by.where("lots", order_id=order_id)]
    done = (
        documents_of(by, rel, "shipment", *shipments)
        + documents_of(by, rel, "order", *orders)
        + documents_of(by, rel, "lot", *lots)
    )
    if done:
        implementation["documents"] = done

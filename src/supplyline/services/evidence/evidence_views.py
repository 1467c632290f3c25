"""What a record's answer carries of its evidence, for one viewer: the documents attached
to it (titles withheld from this viewer blanked) and how many findings on it are open.
The API's record answers and the dashboard's record pages both add it here."""

from __future__ import annotations

from ...domain.document import RECORD_KINDS
from ..access import views
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
    """The documents of a package's chain (itself, its contracts, their orders and shipments)
    that ``viewer`` may read, and the records of it with findings open, as the package's page
    shows them."""
    conn = viewer.ownership.conn
    shown: list[dict] = []
    for kind, record_ids in findings.chain(conn, package["id"]).items():
        for record_id in sorted(viewer.readable(kind, record_ids)):
            shown += [views.present(viewer, "document", dict(d)) for d in documents.documents_of(conn, kind, record_id)]
    return {"documents": shown, "open_findings": findings.flags(conn, package["id"])}

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
    attached = [views.present(viewer, "document", d) for d in documents.documents_of(conn, kind, record["id"])]
    return {
        **record,
        "documents": attached,
        "open_findings": findings.open_on(conn, kind, [record["id"]]).get(record["id"], 0),
    }


def may_download(found: dict) -> bool:
    """A document's bytes go to whoever sees its title: withheld with it (the disclosure table)."""
    return not any(w.get("field") == "title" for w in found.get("withheld", ()))

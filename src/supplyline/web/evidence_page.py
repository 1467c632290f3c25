"""The findings page and documents' downloads on the dashboard (issue 18), for whoever the
session says is looking: the same visibility as the API (services/evidence)."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.errors import Refused
from ..domain.values import today_utc
from ..services.access import views
from ..services.evidence import documents, findings
from ..services.evidence.evidence_views import may_download
from . import session
from .enduse_strings import language
from .evidence_strings import STRINGS
from .pages import _page, _refused, _store, router


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, lang: str | None = Query(None, max_length=2), open_only: bool = Query(False, alias="open")
):
    words = STRINGS[language(lang, request.headers.get("accept-language"))]
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        rows = findings.findings(conn, who.principal, on=today_utc(), open_only=open_only)
        shown = [r if r["public"] and r["state"] == "closed" else views.present(who, "finding", dict(r)) for r in rows]
    return _page(
        request, "findings.html", who, title=words["title"], t=words, findings=shown, aging=findings.aging(rows)
    )


@router.get("/documents/{document_id}")
def document_download(request: Request, document_id: str) -> Response:
    store = _store(request)
    with store.read() as conn:
        who = session.viewer(request, conn)
        if not who.can_read("document", document_id):
            return _page(request, "error.html", who, status_code=404, title="Not shown",
                         message=f"document '{document_id}' does not exist or is not visible to {who.label}")  # fmt: skip
        found = views.present(who, "document", dict(documents.document(conn, document_id)))
    if not may_download(found):
        return _page(request, "error.html", who, status_code=403, title="Not shown",
                     message=f"document '{document_id}' is withheld from {who.label}")  # fmt: skip
    try:
        data = documents.content(store, found)
    except Refused as exc:
        return _refused(request, exc, 409)
    media, headers = documents.download(found)
    return Response(data, media_type=media, headers=headers)

"""The findings page and documents' downloads on the dashboard (issue 18), for whoever the
session says is looking: the same visibility as the API (services/evidence)."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.errors import NotFound, Refused
from ..domain.values import today_utc
from ..services.access import views
from ..services.evidence import documents, findings
from ..services.evidence.evidence_views import may_download, record_page
from . import i18n, session
from .i18n import N_
from .pages import _page, _refused, _store, router


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, lang: str | None = Query(None, max_length=2), open_only: bool = Query(False, alias="open")
):
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        rows = findings.findings(conn, who.principal, on=today_utc(), open_only=open_only)
        shown = [r if r["public"] and r["state"] == "closed" else views.present(who, "finding", dict(r)) for r in rows]
    return _page(request, "findings.html", who, title=N_("Audit findings"), findings=shown, aging=findings.aging(rows))


def _not_shown(request: Request, who: session.PageViewer, kind: str, record_id: str) -> Response:
    # the same answer whether the record does not exist or is not the viewer's to see
    lang = i18n.request_language(request)
    message = i18n.gettext(
        lang,
        "%(kind)s '%(id)s' does not exist or is not visible to %(who)s",
        kind=i18n.gettext(lang, kind),
        id=record_id,
        who=i18n.gettext(lang, who.label),
    )
    return _page(request, "error.html", who, status_code=404, title=N_("Not shown"), message=message)  # fmt: skip


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str):
    """A document: what the log holds of it (its hash always), its record and event, and a
    download for those who may read its bytes."""
    lang = i18n.request_language(request)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if not who.can_read("document", document_id):
            return _not_shown(request, who, "document", document_id)
        found = views.present(who, "document", dict(documents.document(conn, document_id)))
        seq = documents.attached_by(conn, document_id)
        link = record_page(conn, found["record"])
    return _page(
        request, "document.html", who, title=i18n.gettext(lang, "Document %(id)s", id=document_id), d=found,
        seq=seq, downloadable=may_download(found), record_link=link,
    )  # fmt: skip


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(request: Request, finding_id: str):
    """A finding with its steps (opened, answered, closed, reopened), each linked to its event."""
    lang = i18n.request_language(request)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        try:
            row = findings.finding(conn, finding_id, on=today_utc())
        except NotFound:
            return _not_shown(request, who, "finding", finding_id)
        public = row["public"] and row["state"] == "closed"
        if not public and not who.can_read("finding", finding_id):
            return _not_shown(request, who, "finding", finding_id)
        shown = dict(row) if public else views.present(who, "finding", dict(row))
        steps = findings.steps(conn, finding_id)
        link = record_page(conn, row["record"])
    return _page(
        request, "finding.html", who, title=i18n.gettext(lang, "Audit finding %(id)s", id=finding_id), f=shown,
        steps=steps, record_link=link,
    )  # fmt: skip


@router.get("/documents/{document_id}/content")
def document_download(request: Request, document_id: str) -> Response:
    store = _store(request)
    with store.read() as conn:
        who = session.viewer(request, conn)
        if not who.can_read("document", document_id):
            return _not_shown(request, who, "document", document_id)
        found = views.present(who, "document", dict(documents.document(conn, document_id)))
    if not may_download(found):
        lang = i18n.request_language(request)
        message = i18n.gettext(
            lang, "document '%(id)s' is withheld from %(who)s", id=document_id, who=i18n.gettext(lang, who.label)
        )
        return _page(request, "error.html", who, status_code=403, title=N_("Not shown"), message=message)  # fmt: skip
    try:
        data = documents.content(store, found)
    except Refused as exc:
        return _refused(request, exc, 409)
    media, headers = documents.download(found)
    return Response(data, media_type=media, headers=headers)

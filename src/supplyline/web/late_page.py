"""The lateness page (issue 17): ``report late`` as the viewer may read it, the rows kept as
``GET /api/v1/reports/late`` keeps them."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..domain.errors import Refused
from ..domain.values import parse_date, today_utc
from ..services.reads import lateness
from . import session
from .late_strings import STRINGS, language
from .pages import _page, _refused, _store, router


@router.get("/late", response_class=HTMLResponse)
def late_page(
    request: Request,
    lang: str | None = Query(None, max_length=2),
    as_of: str | None = Query(None, max_length=10),
):
    words = STRINGS[language(lang, request.headers.get("accept-language"))]
    try:
        day = parse_date("as_of", as_of) if as_of else today_utc()
    except Refused as exc:
        return _refused(request, exc)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        report = lateness.late(conn, day, lateness.seen_by(who)) if who.may("report.late") else None
    return _page(
        request,
        "late.html",
        who,
        status_code=200 if report is not None else 403,
        title=words["title"],
        t=words,
        as_of=day.isoformat(),
        report=report,
    )

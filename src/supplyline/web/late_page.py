"""The lateness page (issue 17): ``report late`` as the viewer may read it, the rows kept as
``GET /api/v1/reports/late`` keeps them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..domain.errors import Refused
from ..domain.values import parse_date, today_utc
from ..services.reads import lateness
from . import session
from .i18n import N_
from .pages import _page, _refused, _store, router


def dated_page(
    request: Request,
    title: str,
    as_of: str | None,
    action: str,
    build: Callable[..., Mapping[str, Any]],
    template: str,
    name: str,
    **context,
) -> HTMLResponse:
    """A page of ``build(conn, principal, day, keep)`` as of a day, the rows kept as the API
    keeps them; 403 for a viewer whose role may not ``action``."""
    try:
        day = parse_date("as_of", as_of) if as_of else today_utc()
    except Refused as exc:
        return _refused(request, exc)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        found = build(conn, who.principal, day, lateness.seen_by(who)) if who.may(action) else None
    return _page(
        request,
        template,
        who,
        status_code=200 if found is not None else 403,
        title=title,
        as_of=day.isoformat(),
        **{name: found},
        **context,
    )


@router.get("/late", response_class=HTMLResponse)
def late_page(
    request: Request,
    lang: str | None = Query(None, max_length=2),
    as_of: str | None = Query(None, max_length=10),
):
    def build(conn, _principal, day, keep):
        return lateness.late(conn, day, keep)

    return dated_page(request, N_("What is late"), as_of, "report.late", build, "late.html", "report")

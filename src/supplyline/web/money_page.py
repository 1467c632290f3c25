"""The money page (issue 15): every stage side by side per funder, pledge and package, as
`report money` and ``GET /api/v1/reports/money`` give it, for whoever may see it."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..services.money_flow.money_report import PACKAGE_STAGES, PLEDGE_STAGES
from . import session
from .money_strings import STRINGS, language
from .money_view import money_view
from .pages import _page, _store, router


@router.get("/money", response_class=HTMLResponse)
def money_page(
    request: Request,
    lang: str | None = Query(None, max_length=2),
    package: str | None = Query(None, max_length=64),
    currency: str = Query("USD", pattern=r"^[A-Z]{3}$"),
):
    words = STRINGS[language(lang, request.headers.get("accept-language"))]
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        report = money_view(who, conn, currency=currency, package=package)
    return _page(
        request,
        "money.html",
        who,
        status_code=200 if report is not None else 403,
        title=words["title"],
        t=words,
        report=report,
        pledge_stages=PLEDGE_STAGES,
        package_stages=PACKAGE_STAGES,
    )

"""The money page (issue 15): every stage side by side per funder, pledge and package, as
`report money` and ``GET /api/v1/reports/money`` give it, for whoever may see it."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..domain.errors import Refused
from ..domain.money import check_currency
from ..services.money_flow.money_report import PACKAGE_STAGES, PLEDGE_STAGES
from . import session
from .i18n import N_
from .money_view import money_view
from .pages import _page, _refused, _store, router


@router.get("/money", response_class=HTMLResponse)
def money_page(
    request: Request,
    lang: str | None = Query(None, max_length=2),
    package: str | None = Query(None, max_length=64),
    currency: str = Query("USD", max_length=20),
):
    currency = currency.strip().upper()  # "eur" is what a reader types: the page takes it, as the overview does
    try:
        check_currency(currency)
    except Refused as exc:
        return _refused(request, exc)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        report = money_view(who, conn, currency=currency, package=package)
    return _page(
        request,
        "money.html",
        who,
        status_code=200 if report is not None else 403,
        title=N_("Money by stage"),
        report=report,
        pledge_stages=PLEDGE_STAGES,
        package_stages=PACKAGE_STAGES,
    )

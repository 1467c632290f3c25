"""Dashboard pages. Each handler reads through the services in one read transaction and
renders a template; nothing here computes a figure of its own."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Optional

import plotly.offline
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..domain.errors import Refused
from ..domain.lifecycle import REQUIREMENT
from ..domain.money import check_currency
from ..domain.values import CATEGORIES
from ..services import checks, dashboard, queries, reports

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)


def _money(value: str | Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value):,.2f}"
    return f"{currency} {text}" if currency else text


def _millions(value: str | Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value) / 1_000_000:,.1f} M"
    return f"{currency} {text}" if currency else text


templates.env.filters["money"] = _money
templates.env.filters["millions"] = _millions
templates.env.filters["label"] = lambda s: str(s).replace("_", " ")

NAV = [("/", "Overview"), ("/requirements", "Requirements"), ("/packages", "Packages"),
       ("/production", "Drone Deal production"), ("/ledger", "Ledger")]


def _page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(
        request, template, {"nav": NAV, "path": request.url.path, **context}, status_code=status_code
    )


def _store(request: Request):
    return request.app.state.store


def _refused(request: Request, exc: Refused, status: int = 400) -> HTMLResponse:
    return _page(request, "error.html", status_code=status, title="Not shown", message=exc.message)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, currency: str = Query("USD", max_length=3)):
    try:
        check_currency(currency)
        with _store(request).read() as conn:
            by_month = dashboard.money_by_month(conn, currency)
            funnel = reports.funnel(conn, currency)
    except Refused as exc:
        return _refused(request, exc)
    from . import charts

    return _page(
        request, "overview.html", title="Overview", currency=currency, by_month=by_month, funnel=funnel,
        chart_time=charts.money_over_time(by_month["months"], currency) if by_month["months"] else "",
        chart_funnel=charts.funnel_by_funder(funnel["funders"], currency) if funnel["funders"] else "",
    )


@router.get("/requirements", response_class=HTMLResponse)
def requirements(
    request: Request,
    category: Optional[str] = Query(None, max_length=40),
    state: Optional[str] = Query(None, max_length=20),
    tier: Optional[str] = Query(None, max_length=1),
):
    category = category or None
    state = state or None
    tier_number = int(tier) if tier and tier.isdigit() else None
    with _store(request).read() as conn:
        coverage = dashboard.requirement_coverage(conn, category=category, state=state, tier=tier_number)
    from . import charts

    return _page(
        request, "requirements.html", title="Requirements", coverage=coverage, categories=CATEGORIES,
        states=REQUIREMENT.states, chosen={"category": category, "state": state, "tier": tier_number},
        chart=charts.coverage_by_category(coverage["categories"]) if coverage["categories"] else "",
    )


@router.get("/packages", response_class=HTMLResponse)
def packages(request: Request):
    with _store(request).read() as conn:
        board = dashboard.package_board(conn)
    return _page(request, "packages.html", title="Packages", board=board)


@router.get("/packages/{package_id}", response_class=HTMLResponse)
def package(request: Request, package_id: str):
    try:
        with _store(request).read() as conn:
            detail = queries.package(conn, package_id)
            trace = reports.trace(conn, package_id)
            funding = queries.package_funding(conn, package_id)
            shipments = [s for c in detail["contracts"] for s in queries.list_shipments(conn, contract_id=c["id"])]
    except Refused as exc:
        return _refused(request, exc, 404)
    return _page(request, "package.html", title=f"Package {package_id}", package=detail, trace=trace,
                 funding=funding, shipments=shipments)


@router.get("/production", response_class=HTMLResponse)
def production(request: Request):
    with _store(request).read() as conn:
        data = dashboard.production(conn)
    from . import charts

    return _page(
        request, "production.html", title="Drone Deal production", data=data,
        chart_capacity=charts.capacity_use(data["capacity_use"]) if data["capacity_use"] else "",
        chart_lots=charts.lots_timeline(data["orders"]) if data["orders"] else "",
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger(request: Request):
    store = _store(request)
    verification = checks.verify_ledger(store)
    with store.read() as conn:
        events = queries.list_events(conn, limit=40)
        summary = queries.ledger_summary(conn)
    return _page(request, "ledger.html", title="Ledger", events=events, summary=summary, verification=verification)


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    return plotly.offline.get_plotlyjs().encode()


@router.get("/static/plotly.js")
def plotly_js() -> Response:
    return Response(_plotly_js(), media_type="application/javascript", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/style.css")
def style() -> Response:
    return Response((HERE / "static" / "style.css").read_bytes(), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})

"""Dashboard pages. Each handler reads through the services in one read transaction and
renders a template; nothing here computes a figure of its own."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import InvalidInput, Refused
from ..domain.lifecycle import REQUIREMENT
from ..domain.money import check_currency
from ..domain.values import CATEGORIES, parse_date, parse_int
from ..services.access import sessions, tokens, views
from ..services.evidence.evidence_views import package_evidence
from ..services.interchange import kiel as kiel_service
from ..services.log import transparency
from ..services.log.last_check import LastCheck
from ..services.reads import dashboard, ledger_browser, queries, reports
from ..services.reads import lists as list_reads
from ..services.reads.report_models import MoneyReport
from . import i18n, session
from .amendment_page import package_amendments, package_variance
from .i18n import N_
from .money_view import PACKAGE_STAGES, PLEDGE_STAGES, money_view
from .rendering import HERE
from .rendering import page as _page
from .rendering import refused as _refused
from .rendering import store as _store
from .tables import file_answer, links

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, currency: str = Query("USD", max_length=20)):
    currency = currency.strip().upper()
    try:
        check_currency(currency)
    except Refused as exc:
        return _refused(request, exc)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        index, reader = who.withholding  # the ledger's withheld fields, read once for every figure below
        by_month = dashboard.money_by_month(conn, currency, reader, index)
        funnel = reports.funnel(conn, currency, reader, index)
        currencies = queries.currencies_with_rates(conn)
        need_not_seen = 0
        if who.may("report.need"):  # the need counts every line of the list: say how many this viewer cannot see
            listed = queries.list_requirements(conn)
            need_not_seen = len(listed) - len(who.keep("requirement", [dict(row) for row in listed]))
        if currencies and currency not in currencies:
            return _refused(
                request,
                InvalidInput(
                    "currency", currency, f"no recorded rate converts into it; choose one of {', '.join(currencies)}"
                ),
            )
        kiel = (
            kiel_service.comparison(conn, currency=currency, reader=reader, index=index)
            if kiel_service.releases(conn)
            else None
        )
        money = money_view(who, conn, currency=currency)
    from . import charts, public_pages

    show_need = who.may("report.need")
    months = public_pages.by_month_sheet(by_month["months"], show_need, currency)  # also as a file (issue 21)
    if (as_file := file_answer(request, [months], f"overview-{currency}")) is not None:
        return as_file
    return _page(
        request,
        "overview.html",
        who,
        title=N_("Overview"),
        currency=currency,
        currencies=currencies,
        by_month=by_month,
        by_month_files=links(request, months),
        funnel=funnel,
        kiel=kiel,
        show_need=show_need,
        need_not_seen=need_not_seen,
        chart_time=charts.money_over_time(
            by_month["months"], currency, with_need=show_need, lang=i18n.request_language(request)
        )
        if by_month["months"]
        else "",
        chart_funnel=charts.funnel_by_funder(funnel["funders"], currency, lang=i18n.request_language(request))
        if funnel["funders"]
        else "",
        **_money_context(money),
    )


def _money_context(money: MoneyReport | None) -> dict:
    """What the stages' partial (money_stages.html) reads."""
    return {"money": money, "pledge_stages": PLEDGE_STAGES, "package_stages": PACKAGE_STAGES}


@router.get("/requirements", response_class=HTMLResponse)
def requirements(
    request: Request,
    category: str | None = Query(None, max_length=40),
    state: str | None = Query(None, max_length=20),
    tier: str | None = Query(None, max_length=1),
):
    category = category or None
    state = state or None
    tier_number = int(tier) if tier and tier.isdigit() else None
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        coverage = dashboard.requirement_coverage(conn, category=category, state=state, tier=tier_number)
        seen = who.keep("requirement", coverage["lines"])
        lines = [views.present(who, "requirement", line) for line in seen]
        versions = who.keep(
            "list_version", [dict(v) for v in list_reads.list_versions(conn)]
        )  # issue 17: the list's monthly versions
        in_force = list_reads.in_force(conn)
    from . import charts

    # coverage counts only the lines this viewer sees, and says how many it leaves out
    categories = dashboard.coverage_by_category(seen) if who.may("report.need") else []
    return _page(
        request,
        "requirements.html",
        who,
        title=N_("Requirements"),
        lines=lines,
        not_seen=len(coverage["lines"]) - len(seen),
        category_rows=categories,
        show_need=who.may("report.need"),
        categories=CATEGORIES,
        states=REQUIREMENT.states,
        chosen={"category": category, "state": state, "tier": tier_number},
        versions=versions,
        in_force=set(in_force.values()),
        chart=charts.coverage_by_category(categories, lang=i18n.request_language(request)) if categories else "",
    )


@router.get("/packages", response_class=HTMLResponse)
def packages(request: Request):
    from . import public_pages

    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if who.principal.is_public:  # the public's summaries (issue 21 item 2)
            return public_pages.packages_page(request, conn, who)
        board = dashboard.package_board(conn)
        for column in board:
            column["count"] = len(column["packages"])
            column["packages"] = who.keep("package", column["packages"])
            column["not_seen"] = column["count"] - len(column["packages"])
    return _page(request, "packages.html", who, title=N_("Packages"), board=board)


@router.get("/packages/{package_id}", response_class=HTMLResponse)
def package(request: Request, package_id: str):
    from . import public_pages

    lang = i18n.request_language(request)
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if who.principal.is_public:
            return public_pages.package_page(request, conn, who, package_id)
        if not who.can_read("package", package_id):
            # the same answer whether the package does not exist or is not the viewer's to see
            return _page(
                request,
                "error.html",
                who,
                status_code=404,
                title=N_("Not shown"),
                message=i18n.gettext(
                    lang,
                    "package '%(id)s' does not exist or is not visible to %(who)s",
                    id=package_id,
                    who=i18n.gettext(lang, who.label),
                ),
            )
        detail = views.present(who, "package", dict(queries.package(conn, package_id)))
        trace = views.present(who, "trace", dict(reports.trace(conn, package_id)))
        funding = views.funding(who, queries.package_funding(conn, package_id))
        shipments = who.keep(
            "shipment",
            [dict(s) for c in detail["contracts"] for s in queries.list_shipments(conn, contract_id=c["id"])],
        )
        evidence = package_evidence(who, detail)
        money = money_view(who, conn, package=package_id)
        changes = package_amendments(who, conn, detail)
        variance, variance_withheld = package_variance(who, conn, package_id)
        from .forms import package_actions

        actions = package_actions(who, conn, detail)
    return _page(
        request,
        "package.html",
        who,
        title=i18n.gettext(lang, "Package %(id)s", id=package_id),
        package=detail,
        trace=trace,
        funding=funding,
        shipments=shipments,
        evidence=evidence,
        **_money_context(money),
        amendments=changes,
        variance=variance,
        variance_withheld=variance_withheld,
        actions=actions,
    )


@router.get("/production", response_class=HTMLResponse)
def production(request: Request):
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        data = dashboard.production(conn)
        data["exist"] = {"facilities": len(data["facilities"]), "orders": len(data["orders"])}  # said if none shown
        data["facilities"] = who.keep("facility", data["facilities"])
        seen = {f["id"] for f in data["facilities"]}
        data["capacity_use"] = [r for r in data["capacity_use"] if r["facility_id"] in seen]
        data["orders"] = [views.present(who, "order", order) for order in who.keep("order", data["orders"])]
    from . import charts

    return _page(
        request,
        "production.html",
        who,
        title=N_("Drone Deal production"),
        data=data,
        chart_capacity=charts.capacity_use(data["capacity_use"], lang=i18n.request_language(request))
        if data["capacity_use"]
        else "",
        chart_lots=charts.lots_timeline(data["orders"], lang=i18n.request_language(request)) if data["orders"] else "",
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger(
    request: Request,
    record: str | None = Query(None, max_length=140),
    type: str | None = Query(None, max_length=64),
    party: str | None = Query(None, max_length=64),
    since: str | None = Query(None, max_length=10),
    until: str | None = Query(None, max_length=10),
    withheld: str | None = Query(None, max_length=3),
    before: str | None = Query(None, max_length=12),
    lang: str | None = Query(None, max_length=2),
):
    try:
        chosen = ledger_browser.EventFilter(
            record=(record or "").strip() or None,
            type=type or None,
            party=party or None,
            since=parse_date("since", since) if since else None,
            until=parse_date("until", until) if until else None,
            withheld={"yes": True, "no": False}.get(withheld or ""),
            before=parse_int("before", before, minimum=1) if before else None,
        )
    except Refused as exc:
        return _refused(request, exc)
    store = _store(request)
    checked = _last_check(request).result(
        store, key_file=request.app.state.key_file, watch=request.app.state.projection_watch, signer=_signer(request)
    )
    with store.read() as conn:
        who = session.viewer(request, conn)
        summary = queries.ledger_summary(conn)
        # the log is published: every event, its withheld fields shown only as commitments
        found = ledger_browser.browse(conn, chosen)
        index, _ = who.withholding
        withheld_fields = index.by_event()
    for event in found["events"]:
        event["withheld_fields"] = withheld_fields.get(event["seq"], [])
    filters = {k: v for k, v in request.query_params.items() if k not in ("before", "lang") and v}
    return _page(
        request,
        "ledger.html",
        who,
        title=N_("Ledger"),
        found=found,
        chosen=chosen,
        older_link=f"/ledger?{urlencode({**filters, 'before': found['older']})}" if found["older"] else None,
        newest_link=f"/ledger?{urlencode(filters)}" if chosen.before else None,
        summary=summary,
        verification=checked.integrity,
        checked_at=checked.at.strftime("%Y-%m-%d %H:%M:%S"),
        checkpoint=checked.checkpoint.note if checked.checkpoint else None,
        verifier=_signer(request).verifier if checked.checkpoint else None,
    )


def _last_check(request: Request) -> LastCheck:
    """The server's one keeper of the ledger's last check (made on first use)."""
    state = request.app.state
    with _LAST_CHECK_MADE:
        if getattr(state, "last_check", None) is None:
            state.last_check = LastCheck()
    return state.last_check


_LAST_CHECK_MADE = threading.Lock()


def _signer(request: Request):
    """The ledger's signing key, the one the app was handed (None if `supplyline init` made none)."""
    path: Path = request.app.state.key_file
    return transparency.load_key(path) if path.exists() else None


@router.get("/ledger/checkpoint")
def checkpoint_text(request: Request) -> Response:
    store = _store(request)
    signer = _signer(request)
    if signer is None:
        return Response(
            "this ledger has no signing key (run supplyline init)\n", status_code=404, media_type="text/plain"
        )
    return Response(
        transparency.checkpoint(store, signer, with_time=True).note,
        media_type="text/plain",
        headers={"Content-Disposition": "attachment; filename=checkpoint.txt"},
    )


@router.get("/ledger/key")
def verifier_key(request: Request) -> Response:
    signer = _signer(request)
    if signer is None:
        return Response(
            "this ledger has no signing key (run supplyline init)\n", status_code=404, media_type="text/plain"
        )
    return Response(
        f"{signer.verifier}\n",
        media_type="text/plain",
        headers={"Content-Disposition": "attachment; filename=verifier-key.txt"},
    )


@router.get("/ledger/proofs/{seq}.json")
def proof_download(request: Request, seq: int) -> Response:
    try:
        proof = transparency.inclusion_proof(_store(request), seq)
    except Refused as exc:
        return Response(exc.message + "\n", status_code=404, media_type="text/plain")
    return Response(
        transparency.document(proof),
        media_type="application/json",
        headers={"Content-Disposition": f"attachment; filename=inclusion-{seq}.json"},
    )


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request):
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
    return _signin_page(request, who)


def _signin_page(request: Request, who: session.PageViewer, status_code: int = 200, **context) -> Response:
    """The sign-in form, with a fresh form token in the page and in its own cookie."""
    token = sessions.new_form_token()
    response = _page(
        request, "signin.html", who, status_code=status_code, title=N_("Sign in"), form_token=token, **context
    )
    session.set_cookie(request, response, session.FORM_COOKIE, token, max_age=3600)
    return response


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request):
    form = await request.form()
    secret = str(form.get("token", "")).strip()
    store = _store(request)
    with store.read() as conn:
        who = session.viewer(request, conn)
        if not sessions.same(form.get("csrf"), request.cookies.get(session.FORM_COOKIE)):
            return _signin_page(request, who, status_code=403, failed=False, forged=True)
        found = (
            tokens.principal_for(conn, secret, signed_by=session.signed_by(request))
            if secret and len(secret) <= 200
            else None
        )
    if found is None:
        return _signin_page(request, who, status_code=401, failed=True)
    sessions.end(store, request.cookies.get(session.COOKIE))  # a new id at each sign-in
    started = sessions.start(store, secret, hours=request.app.state.settings.session_hours)
    response = RedirectResponse("/", status_code=303)
    session.set_cookie(request, response, session.COOKIE, started.id, max_age=started.max_age)
    response.delete_cookie(session.FORM_COOKIE, path="/")
    return response


@router.post("/signout", response_class=HTMLResponse)
async def signout(request: Request):
    form = await request.form()
    store = _store(request)
    with store.read() as conn:
        found = session.current(request, conn)
    if found is not None and not sessions.same(form.get("csrf"), found.csrf):
        return _page(
            request,
            "error.html",
            None,
            status_code=403,
            title=N_("Not signed out"),
            message=i18n.gettext(i18n.request_language(request), "the form has expired"),
        )
    sessions.end(store, request.cookies.get(session.COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(session.COOKIE, path="/")
    return response


@router.get("/static/style.css")
def style() -> Response:
    return Response(
        (HERE / "static" / "style.css").read_bytes(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/favicon.ico")
@router.get("/static/favicon.svg")
def favicon() -> Response:
    # browsers ask for /favicon.ico whatever the page names; both answer the same small SVG
    return Response(
        (HERE / "static" / "favicon.svg").read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )

"""Allocating from the dashboard (issue 21 item 5): the coordinator previews the optimiser's
plan for the money left, with why each line is not (fully) funded and why money is left,
then records that plan as draft packages. The preview is a GET that never writes (the API's
``GET /allocation-proposal``); recording is a POST with the session's form token that runs
the API's ``POST /allocations/optimal`` service, ``allocation.prepare`` then ``record``.

The preview's ledger head travels with the confirmation as its If-Match: a plan previewed
on a ledger that has moved since is refused (409), to be previewed again."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain import access, errors
from ..services.plans import allocation
from ..services.plans.plan_models import AllocationReport
from . import acting, session
from .acting import FormRefused
from .form_kit import Field, refused_page
from .i18n import N_
from .pages import _page, router

FIELDS = (
    Field(
        "on", N_("Allocation day"), "date", hint=N_("the day whose rates and validity windows apply; today when empty")
    ),
    Field("currency", N_("Plan currency"), default="USD"),
    Field("min_package", N_("Smallest package"), "number", hint=N_("in the plan currency; none when empty")),
)
#: seconds the dashboard's solver may take (the API's default; the CLI's is longer)
TIME_LIMIT = 10


def _run(values: dict[str, str], *, dry_run: bool) -> allocation.RunAllocation:
    return allocation.RunAllocation(
        on=values.get("on") or None,
        currency=(values.get("currency") or "USD").strip().upper(),
        min_package=values.get("min_package") or None,
        time_limit=TIME_LIMIT,
        dry_run=dry_run,
    )


def _allocate_page(
    request: Request,
    who: session.PageViewer,
    values: dict[str, str],
    *,
    plan: AllocationReport | None = None,
    seq: int | None = None,
    refused: FormRefused | None = None,
) -> HTMLResponse:
    names = {f.name for f in FIELDS}
    errors_ = {refused.field: refused.message} if refused and refused.field in names else {}
    return _page(
        request,
        "forms/allocate.html",
        who,
        status_code=refused.status if refused else 200,
        title=N_("Allocate the money left"),
        fields=FIELDS,
        values={**{f.name: f.default for f in FIELDS}, **values},
        errors=errors_,
        problem=refused.message if refused and not errors_ else None,
        plan=plan,
        seq=seq,
        may_record=access.scope_of(who.principal.role, "allocation.record") is not None,
    )


@router.get("/allocate", response_class=HTMLResponse)
def allocate_form(
    request: Request,
    on: str | None = Query(None, max_length=10),
    currency: str | None = Query(None, max_length=8),
    min_package: str | None = Query(None, max_length=24),
    preview: str | None = Query(None, max_length=3),
) -> Response:
    store = request.app.state.store
    with store.read() as conn:
        who = session.viewer(request, conn)
    if access.scope_of(who.principal.role, "allocation.propose") is None:
        return refused_page(request, who, FormRefused(403, "only the coordinator and auditors see allocation plans"))
    values = {k: v for k, v in {"on": on, "currency": currency, "min_package": min_package}.items() if v}
    if not preview:
        return _allocate_page(request, who, values)
    try:
        prepared = allocation.prepare(store, _run(values, dry_run=True))
    except errors.Refused as exc:
        return _allocate_page(request, who, values, refused=acting.refusal(exc, {}))
    return _allocate_page(request, who, values, plan=prepared.report(), seq=prepared.seq)


@router.post("/allocate", response_class=HTMLResponse)
async def allocate(request: Request) -> Response:
    try:
        posted = await acting.posted(request)
        if access.scope_of(posted.who.principal.role, "allocation.record") is None:
            raise FormRefused(403, f"the {posted.who.principal.role} role has no permission for allocation.record")
    except FormRefused as exc:
        return refused_page(request, None, exc)
    who, store = posted.who, request.app.state.store
    values = {k: posted.get(k) for k in ("on", "currency", "min_package") if posted.get(k)}
    previewed = posted.get("seq")
    try:
        cmd = _run(values, dry_run=False)
        # planned outside the ledger lock (other writers go on while the solver runs), as the API plans
        prepared = allocation.prepare(store, cmd)
        if previewed != str(prepared.seq):
            raise FormRefused(
                409,
                f"the ledger has moved since the preview (from event #{previewed or '?'} to #{prepared.seq}): "
                "preview the plan again before recording it",
            )
        # recording decides every allocation again on the ledger as it is then: a plan made stale is refused whole
        recorded = acting.run(
            request,
            who,
            "allocation.record",
            None,
            lambda actor: allocation.record(store, actor, prepared, cmd.sellers)[0]["packages"],
        )
    except errors.Refused as exc:
        return _allocate_page(request, who, values, refused=acting.refusal(exc, {}))
    except FormRefused as exc:
        return _allocate_page(request, who, values, refused=exc)
    done = ", ".join(str(p["package"]) for p in recorded)
    return RedirectResponse(f"/act?{urlencode({'done': done})}", status_code=303)

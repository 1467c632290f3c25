"""Production planning across the co-production facilities: compute a plan (and what-ifs),
accept it, read accepted plans; the item terms and order priorities the planner weighs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...services.plans import planning
from ...services.plans.plan_models import PlanReport, RecordedPlan
from ...services.records import production
from ..commands import command_fields, send
from ..gate import Answer, Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead
from ..schemas.planning import (
    AcceptedPlanRead,
    ItemTermsCreate,
    PlanCapacityChange,
    PlanCreate,
    PlanDetailRead,
    PlanNewFacility,
    PlanReportRead,
    PlanSummaryPage,
    PrioritiseAction,
)
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["production planning"])


@router.get(
    "/plan-proposal",
    response_model=PlanReportRead,
    summary="Compute the production plan for the open orders, with a what-if beside it (never writes)",
    **acts("plan.compute"),
)
def compute_plan(
    gate: Gate = Depends(reading),
    horizon: Annotated[int, Query(ge=1, le=120, description="months to plan")] = 24,
    from_month: Annotated[
        str | None,
        Query(
            alias="from", pattern=r"^[0-9]{4}-[0-9]{2}$", description="first month to plan (default: this month, UTC)"
        ),
    ] = None,
    currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$", description="currency in which costs are compared")] = "USD",
    capacity: Annotated[
        list[PlanCapacityChange],
        Query(max_length=20, description=("what-if: FACILITY[:ITEM]=-30%[@YYYY-MM], repeatable")),
    ] = [],  # noqa: B006 - FastAPI copies defaults
    new_facility: Annotated[
        list[PlanNewFacility],
        Query(max_length=20, description=("what-if: FACILITY:ITEM=MONTHLY[@YYYY-MM], repeatable")),
    ] = [],  # noqa: B006 - FastAPI copies defaults
    time_limit: Annotated[int, Query(ge=1, le=60, description="seconds the solver may take")] = 10,
):
    request = planning.PlanRequest(
        horizon=horizon,
        first_month=from_month,
        currency=currency,
        capacity=tuple(capacity),
        new_facility=tuple(new_facility),
        time_limit=time_limit,
    )
    return gate.overall(lambda conn, _: planning.plan_production_report(conn, request))


@router.post(
    "/plans",
    status_code=201,
    response_model=AcceptedPlanRead,
    summary="Compute the plan and record it as the accepted one (superseding the previous)",
    **acts("plan.accept"),
)
def accept_plan(body: PlanCreate | None = None, gate: Gate = Depends(writing)):
    body = body or PlanCreate()
    request = planning.PlanRequest(
        horizon=body.horizon, first_month=body.from_month, currency=body.currency, time_limit=body.time_limit
    )

    # the solver runs before the write, not while every other writer waits for the ledger lock
    prepared = gate.overall(lambda _conn, _caller: planning.prepare_plan(gate.store, request, on=body.on))

    def run(actor, _version):
        outcome, report = planning.record_plan(
            gate.store, actor, prepared, plan_id=body.id, input_digest=body.input_digest
        )
        return Answer(outcome.id, {**outcome.to_json(), "plan": _recorded(report)}, outcome.events)

    return gate.write(creating("plan", ()), run, payload=body, created="/api/v1/plans")


def _recorded(report: PlanReport) -> RecordedPlan:
    """The accepted plan in the answer: its figures, not the solver's timings (answers are
    kept as canonical JSON for Idempotency-Key replays, which holds no binary floats)."""
    plan, previous = report["plan"], report["accepted"]
    return {
        "first_month": report["first_month"],
        "horizon": report["horizon"],
        "input_digest": report["input_digest"],
        "status": plan["status"],
        "weighted_lateness": plan["weighted_lateness"],
        "cost": plan["cost"],
        "currency": plan["currency"],
        "late_orders": plan["late_orders"],
        "unplanned_units": plan["unplanned_units"],
        "supersedes": previous["id"] if previous else None,
        "moved": previous["moved"] if previous else [],
    }


@router.get(
    "/plans",
    response_model=PlanSummaryPage,
    summary="Accepted production plans, oldest first",
    **acts("plan.read"),
)
def list_plans(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return gate.many(
        "plan",
        lambda c: plain_rows(planning.list_plans(c)),
        key=lambda r: (r["accepted_on"], r["id"]),
        cursor=cursor,
        limit=limit,
    )


@router.get(
    "/plans/{plan_id}", response_model=PlanDetailRead, summary="One accepted plan: every part", **acts("plan.read")
)
def get_plan(plan_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("plan", plan_id, lambda c: plain(planning.show_plan(c, plan_id)))


@router.post(
    "/facilities/{facility_id}/terms",
    response_model=OutcomeRead,
    summary="Set the minimum batch and unit cost of an item the facility builds",
    **acts(production.SetItemTerms.ACTION),
)
def set_item_terms(facility_id: PathId, body: ItemTermsCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("facility", facility_id),
        lambda: production.SetItemTerms.model_validate({**command_fields(body), "facility_id": facility_id}),
        payload=body,
    )


@router.post(
    "/orders/{order_id}/priority",
    response_model=OutcomeRead,
    summary="Change the weight of an open order's lateness in planning",
    **acts(production.ReprioritiseOrder.ACTION),
)
def prioritise_order(order_id: PathId, body: PrioritiseAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("order", order_id),
        lambda: production.ReprioritiseOrder(order_id=order_id, priority=body.priority),
        payload=body,
    )

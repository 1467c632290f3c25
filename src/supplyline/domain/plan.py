"""Accepted production plans: who builds which units of which order, where and when.

A plan is worked out by the planner from the open orders and the facilities' capacity;
accepting it records that agreement in the ledger, with the figures it was judged by and
a digest of the input it was computed from, so anyone can later see what was agreed and
re-planning can show what moved. One plan is current at a time: accepting a new one
supersedes the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput
from .events import PlannedPart, ProductionPlanAccepted, ProductionPlanSuperseded, UnplannedQuantity
from .lifecycle import LifeCycle
from .money import Money
from .values import parse_id, parse_int, parse_month

#: Not one of DESIGN.md's life cycles (lifecycle.ALL): a plan is a recorded agreement that a
#: later one replaces, not something procured or delivered.
PRODUCTION_PLAN = LifeCycle("production plan", "accepted", {"accepted": ("superseded",), "superseded": ()})


@dataclass
class ProductionPlan(Entity):
    KIND = "plan"
    LABEL = "production plan"

    state: str = PRODUCTION_PLAN.initial
    accepted_on: date | None = None
    first_month: str = ""
    horizon: int = 0
    status: str = ""
    weighted_lateness: int = 0
    cost: Money | None = None
    input_digest: str = ""
    parts: list[PlannedPart] = field(default_factory=list)
    unplanned: dict[str, int] = field(default_factory=dict)
    superseded_by: str | None = None
    superseded_on: date | None = None

    def _on_ProductionPlanAccepted(self, e: ProductionPlanAccepted) -> None:
        self.accepted_on = e.accepted_on
        self.first_month, self.horizon = e.first_month, e.horizon
        self.status, self.weighted_lateness = e.status, e.weighted_lateness
        self.cost = e.cost
        self.input_digest = e.input_digest
        self.parts = list(e.parts)
        self.unplanned = {u.order_id: u.quantity for u in e.unplanned}

    def _on_ProductionPlanSuperseded(self, e: ProductionPlanSuperseded) -> None:
        self.state = "superseded"
        self.superseded_by = e.by
        self.superseded_on = e.on


def accept(
    plan: ProductionPlan,
    *,
    first_month: str,
    horizon: int,
    status: str,
    weighted_lateness: int,
    cost: Money,
    input_digest: str,
    parts: list[PlannedPart],
    unplanned: dict[str, int],
    on: date,
) -> list[Event]:
    parse_id("id", plan.id)
    require_new(plan)
    first = parse_month("first_month", first_month)
    months = parse_int("horizon", horizon, minimum=1, maximum=120)
    for i, part in enumerate(parts, start=1):
        if part.quantity <= 0:
            raise InvalidInput(f"parts[{i}].quantity", part.quantity, "must be at least 1")
        if parse_month(f"parts[{i}].month", part.month) < first:
            raise InvalidInput(f"parts[{i}].month", part.month, f"is before the plan's first month {first}")
    return [
        ProductionPlanAccepted(
            id=plan.id,
            accepted_on=on,
            first_month=first,
            horizon=months,
            status=status,
            weighted_lateness=parse_int("weighted_lateness", weighted_lateness, minimum=0),
            cost=cost,
            input_digest=input_digest,
            parts=tuple(parts),
            unplanned=tuple(UnplannedQuantity(o, q) for o, q in sorted(unplanned.items()) if q > 0),
        )
    ]


def supersede(plan: ProductionPlan, *, by: str, on: date) -> list[Event]:
    require_exists(plan)
    PRODUCTION_PLAN.check(plan.id, plan.state, "superseded", "supersede")
    return [ProductionPlanSuperseded(by=by, on=on)]


def month_at(first_month: str, offset: int) -> str:
    """The month ``offset`` months after ``first_month`` (both 'YYYY-MM')."""
    year, month = int(first_month[:4]), int(first_month[5:7])
    n = year * 12 + (month - 1) + offset
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def months_between(first_month: str, month: str) -> int:
    """How many months ``month`` is after ``first_month`` (negative when before)."""
    return (int(month[:4]) - int(first_month[:4])) * 12 + int(month[5:7]) - int(first_month[5:7])

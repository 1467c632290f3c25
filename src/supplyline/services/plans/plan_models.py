"""What production planning answers, as typed records: the plan computed for the open orders,
the what-if beside it, the comparison with the accepted plan and the plan recorded on
acceptance. The one declaration of each: the API's response models derive from these
(``api/derive.py``); the accepted plans as stored are in ``reads/read_models.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from typing_extensions import Doc, TypedDict

from ..reads.report_models import RateUsed


class PlannedPartOfOrder(TypedDict):
    facility: str
    month: str
    quantity: int
    months_late: int


class RoomLeft(TypedDict):
    month: str
    units: int
    min_batch: int


class FacilityBottleneck(TypedDict):
    facility: str
    full: list[str]
    no_capacity: list[str]
    room_left: list[RoomLeft]


class Bottleneck(TypedDict):
    reason: str
    facilities: list[FacilityBottleneck]


class PlannedOrder(TypedDict):
    order: str
    item: str
    quantity: int
    priority: int
    due: str
    parts: list[PlannedPartOfOrder]
    unplanned: int
    finished: str | None
    months_late: int
    weighted_lateness: int
    bottleneck: Bottleneck | None
    facility_id: NotRequired[str | None]
    contract_id: NotRequired[str | None]
    contract_line_no: NotRequired[int | None]
    due_date: NotRequired[str | None]


class ComputedPlan(TypedDict):
    status: str
    method: str
    seconds: float
    gap: float
    weighted_lateness: int
    lateness_bound: int
    cost: str
    currency: str
    late_orders: int
    unplanned_units: int
    notes: list[str]
    orders: list[PlannedOrder]


class Moved(TypedDict):
    order: str
    facility: str
    month: str
    before: int
    after: int
    change: int


class VersusAccepted(TypedDict):
    id: str
    weighted_lateness: int
    same_input: bool
    moved: list[Moved]


class OrderLatenessChange(TypedDict):
    order: str
    months_late_before: int
    months_late_after: int
    weighted_lateness_change: int


class WhatIf(TypedDict):
    capacity: list[str]
    new_facility: list[str]
    plan: ComputedPlan
    lateness_change: int
    cost_change: str
    orders_changed: list[OrderLatenessChange]
    moved: list[Moved]


class PlanReport(TypedDict):
    first_month: str
    horizon: int
    input_digest: Annotated[str, Doc("fingerprint of the orders and capacity planned: give it when accepting")]
    rates_used: list[RateUsed]
    plan: ComputedPlan
    scenario: WhatIf | None
    accepted: VersusAccepted | None


class RecordedPlan(TypedDict):
    first_month: str
    horizon: int
    input_digest: str
    status: str
    weighted_lateness: int
    cost: str
    currency: str
    late_orders: int
    unplanned_units: int
    supersedes: Annotated[str | None, Doc("the plan accepted before, now superseded")]
    moved: Annotated[list[Moved], Doc("what moved versus the plan superseded")]


# ---- the allocation optimiser (``allocate``) ----


class AllocationTier(TypedDict):
    """Per tier: the plan's coverage, the bound that certifies it, and the greedy plan's
    (binary fractions here; the API answers them as decimal text)."""

    tier: int
    lines: int
    coverage: float
    bound: float
    gap: float
    method: str | None
    greedy: float


class PlannedAllocation(TypedDict):
    pledge_id: str
    requirement_id: str
    tier: int
    mechanism: str
    origin: str
    quantity: int
    amount: str
    currency: str
    line_amount: str
    line_currency: str
    fx: dict[str, Any] | None
    package: Annotated[str | int, Doc("the package drafted for it (its number in the plan before recording)")]


class DraftedPackage(TypedDict):
    package: str | int
    mechanism: str
    recipient: str
    origin: str
    currency: str
    value: str
    lines: int


class AllocationReport(TypedDict):
    """The optimal allocation of the pledges' remaining money to the prioritised list, explained."""

    on: str
    currency: str
    label: str
    solver: str
    mode: str
    recorded: bool
    min_package: str | None
    list_versions: Annotated[
        dict[str, str], Doc("each recipient's approved list version whose ranking the plan follows (issue 17)")
    ]
    gap: float
    tiers: list[AllocationTier]
    timings: dict[str, float]
    sizes: dict[str, int]
    packages: list[DraftedPackage]
    allocations: list[PlannedAllocation]
    unfunded: list[dict[str, Any]]
    pledges_left: list[dict[str, Any]]
    earmark_prices: list[dict[str, Any]]

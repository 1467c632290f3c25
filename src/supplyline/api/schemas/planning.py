"""Production planning: computed, compared and accepted plans."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ...services.reads.read_models import PlanDetail, PlanPartRecord, PlanSummaryRecord, UnplannedRecord
from ..derive import many, page_of, read_model
from .common import (
    Amount,
    Count,
    Currency,
    Day,
    Id,
    Month,
    Name,
    OutcomeRead,
    RateUsedRead,
    RequestModel,
    TimeLimit,
)

PlanCapacityChange = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^[^=]{1,150}=[+-]?[0-9]{1,4}(\.[0-9]{1,4})?%(@[0-9]{4}-[0-9]{2})?$",
        examples=["FAC-JV-1=-30%", "FAC-JV-1:Naval surface drone=-50%@2026-03"],
    ),
]


PlanNewFacility = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^[^:=]{1,80}:[^=]{1,100}=[0-9]{1,9}(@[0-9]{4}-[0-9]{2})?$",
        examples=["FAC-NEW:Naval surface drone=2"],
    ),
]


Horizon = Annotated[int, Field(ge=1, le=120, description="months to plan")]


class PlanCreate(RequestModel):
    horizon: Horizon = 24
    from_month: Month | None = Field(None, alias="from", description="first month to plan (default: this month, UTC)")
    currency: Currency = "USD"
    time_limit: TimeLimit = 10
    input_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        None, description="the input_digest of the plan reviewed: refused with 409 if orders or capacity changed since"
    )
    on: Day | None = None
    id: Id | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ItemTermsCreate(RequestModel):
    item: Name
    min_batch: Count = 1
    unit_cost: Amount
    currency: Currency


class PrioritiseAction(RequestModel):
    priority: Annotated[int, Field(ge=1, le=100, description="the weight of the order's lateness in planning")]


class PlannedPartOfOrderRead(BaseModel):
    facility: str
    month: str
    quantity: int
    months_late: int


class RoomLeftRead(BaseModel):
    month: str
    units: int
    min_batch: int


class FacilityBottleneckRead(BaseModel):
    facility: str
    full: list[str]
    no_capacity: list[str]
    room_left: list[RoomLeftRead]


class BottleneckRead(BaseModel):
    reason: str
    facilities: list[FacilityBottleneckRead]


class PlannedOrderRead(BaseModel):
    order: str
    item: str
    quantity: int
    priority: int
    due: str
    parts: list[PlannedPartOfOrderRead]
    unplanned: int
    finished: str | None
    months_late: int
    weighted_lateness: int
    bottleneck: BottleneckRead | None
    facility_id: str | None = None
    contract_id: str | None = None
    contract_line_no: int | None = None
    due_date: str | None = None


class ComputedPlanRead(BaseModel):
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
    orders: list[PlannedOrderRead]


class MovedRead(BaseModel):
    order: str
    facility: str
    month: str
    before: int
    after: int
    change: int


class VersusAcceptedRead(BaseModel):
    id: str
    weighted_lateness: int
    same_input: bool
    moved: list[MovedRead]


class OrderLatenessChangeRead(BaseModel):
    order: str
    months_late_before: int
    months_late_after: int
    weighted_lateness_change: int


class WhatIfRead(BaseModel):
    capacity: list[str]
    new_facility: list[str]
    plan: ComputedPlanRead
    lateness_change: int
    cost_change: str
    orders_changed: list[OrderLatenessChangeRead]
    moved: list[MovedRead]


class PlanReportRead(BaseModel):
    first_month: str
    horizon: int
    input_digest: str = Field(description="fingerprint of the orders and capacity planned: give it when accepting")
    rates_used: list[RateUsedRead]  # type: ignore[valid-type]  # derived; this model is declared by hand
    plan: ComputedPlanRead
    scenario: WhatIfRead | None
    accepted: VersusAcceptedRead | None


class RecordedPlanRead(BaseModel):
    first_month: str
    horizon: int
    input_digest: str
    status: str
    weighted_lateness: int
    cost: str
    currency: str
    late_orders: int
    unplanned_units: int
    supersedes: str | None = Field(description="the plan accepted before, now superseded")
    moved: list[MovedRead] = Field(description="what moved versus the plan superseded")


class AcceptedPlanRead(OutcomeRead):
    plan: RecordedPlanRead = Field(description="what was recorded; GET /plans/{id} has every part")


PlanSummaryRead = read_model("PlanSummaryRead", PlanSummaryRecord, __name__, withheld=False)
PlanPartRead = read_model("PlanPartRead", PlanPartRecord, __name__, withheld=False)
UnplannedRead = read_model("UnplannedRead", UnplannedRecord, __name__, withheld=False)
PlanDetailRead = read_model(
    "PlanDetailRead",
    PlanDetail,
    __name__,
    withheld=False,
    parts=(many(PlanPartRead), ...),
    unplanned=(many(UnplannedRead), ...),
)
PlanSummaryPage = page_of("PlanSummaryPage", PlanSummaryRead, __name__)

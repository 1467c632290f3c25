"""Production planning: computed, compared and accepted plans."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, create_model

from ...services.plans import plan_models as pm
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
    RateUsedRead,  # noqa: F401 - published before the plan that lists the rates it used
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


PlannedPartOfOrderRead = read_model("PlannedPartOfOrderRead", pm.PlannedPartOfOrder, __name__, withheld=False)
RoomLeftRead = read_model("RoomLeftRead", pm.RoomLeft, __name__, withheld=False)
FacilityBottleneckRead = read_model("FacilityBottleneckRead", pm.FacilityBottleneck, __name__, withheld=False)
BottleneckRead = read_model("BottleneckRead", pm.Bottleneck, __name__, withheld=False)
PlannedOrderRead = read_model("PlannedOrderRead", pm.PlannedOrder, __name__, withheld=False)
ComputedPlanRead = read_model("ComputedPlanRead", pm.ComputedPlan, __name__, withheld=False)
MovedRead = read_model("MovedRead", pm.Moved, __name__, withheld=False)
VersusAcceptedRead = read_model("VersusAcceptedRead", pm.VersusAccepted, __name__, withheld=False)
OrderLatenessChangeRead = read_model("OrderLatenessChangeRead", pm.OrderLatenessChange, __name__, withheld=False)
WhatIfRead = read_model("WhatIfRead", pm.WhatIf, __name__, withheld=False)
PlanReportRead = read_model("PlanReportRead", pm.PlanReport, __name__, withheld=False)
RecordedPlanRead = read_model("RecordedPlanRead", pm.RecordedPlan, __name__, withheld=False)
AcceptedPlanRead = create_model(
    "AcceptedPlanRead",
    __base__=OutcomeRead,
    __module__=__name__,
    plan=(RecordedPlanRead, Field(description="what was recorded; GET /plans/{id} has every part")),
)


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

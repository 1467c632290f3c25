"""The allocation optimiser: proposed and recorded allocations of pledged money."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, create_model

from ...services.plans import plan_models as pm
from ..derive import many, read_model
from .common import Amount, Currency, Day, EventRefRead, Id, Mechanism, RequestModel, TimeLimit


class AllocationTierRead(BaseModel):
    tier: int
    lines: int
    coverage: str = Field(description="Σ funded share of the tier's lines (a whole-only line counts only whole)")
    bound: str = Field(description="what no plan can exceed (LP bound)")
    gap: str
    method: str | None = None
    greedy: str | None = Field(None, description="the coverage of the by-hand baseline, for comparison")


PlannedAllocationRead = read_model("PlannedAllocationRead", pm.PlannedAllocation, __name__, withheld=False)
PlannedPackageRead = read_model("PlannedPackageRead", pm.DraftedPackage, __name__, withheld=False)
#: the tiers' figures as decimal text; the solver's gap, timings and problem sizes pass through unpublished
AllocationProposalRead = read_model(
    "AllocationProposalRead",
    pm.AllocationReport,
    __name__,
    withheld=False,
    config=ConfigDict(extra="allow"),
    unpublished=("gap", "timings", "sizes"),
    tiers=(many(AllocationTierRead), ...),
)


class AllocationPlanCreate(RequestModel):
    on: Day | None = None
    currency: Currency = "USD"
    min_package: Amount | None = Field(None, description="no package below this value, in the plan currency")
    time_limit: TimeLimit = 10
    sellers: dict[Mechanism, Id] = Field(
        default_factory=dict, description="seller per mechanism for packages to new recipients"
    )

    model_config = ConfigDict(extra="forbid")


AllocationRecordedRead = create_model(
    "AllocationRecordedRead",
    __module__=__name__,
    packages=(many(PlannedPackageRead), ...),
    allocations=(many(PlannedAllocationRead), ...),
    tiers=(many(AllocationTierRead), ...),
    events=(list[EventRefRead], ...),
)

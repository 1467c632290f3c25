"""The allocation optimiser: proposed and recorded allocations of pledged money."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .common import Amount, Currency, Day, EventRefRead, Id, Mechanism, RequestModel, TimeLimit


class AllocationTierRead(BaseModel):
    tier: int
    lines: int
    coverage: str = Field(description="Σ funded share of the tier's lines (a whole-only line counts only whole)")
    bound: str = Field(description="what no plan can exceed (LP bound)")
    gap: str
    method: str | None = None
    greedy: str | None = Field(None, description="the coverage of the by-hand baseline, for comparison")


class PlannedAllocationRead(BaseModel):
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
    fx: dict | None
    package: str | int = Field(description="the package drafted for it (its number in the plan before recording)")


class PlannedPackageRead(BaseModel):
    package: str | int
    mechanism: str
    recipient: str
    origin: str
    currency: str
    value: str
    lines: int


class AllocationProposalRead(BaseModel):
    """The optimal allocation of the pledges' remaining money to the prioritised list, explained."""

    model_config = ConfigDict(extra="allow")

    on: str
    currency: str
    label: str
    solver: str
    mode: str
    recorded: bool
    min_package: str | None
    list_versions: dict[str, str] = Field(
        description="each recipient's approved list version whose ranking the plan follows (issue 17)"
    )
    tiers: list[AllocationTierRead]
    packages: list[PlannedPackageRead]
    allocations: list[PlannedAllocationRead]
    unfunded: list[dict]
    pledges_left: list[dict]
    earmark_prices: list[dict]


class AllocationPlanCreate(RequestModel):
    on: Day | None = None
    currency: Currency = "USD"
    min_package: Amount | None = Field(None, description="no package below this value, in the plan currency")
    time_limit: TimeLimit = 10
    sellers: dict[Mechanism, Id] = Field(
        default_factory=dict, description="seller per mechanism for packages to new recipients"
    )

    model_config = ConfigDict(extra="forbid")


class AllocationRecordedRead(BaseModel):
    packages: list[PlannedPackageRead]
    allocations: list[PlannedAllocationRead]
    tiers: list[AllocationTierRead]
    events: list[EventRefRead]

"""Requirements: the recipient's prioritised list."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ...services.reads.read_models import (
    RankingRecord,
    RequirementDetail,
    RequirementPackageLineRecord,
    RequirementRecord,
)
from ..derive import many, page_of, read_model
from .common import (
    Amount,
    Category,
    Count,
    Currency,
    Day,
    Id,
    Month,
    Name,
    Origin,
    Reason,
    RequestModel,
    Text,
)
from .evidence import EVIDENCE


class RequirementCreate(RequestModel):
    recipient: Id
    list_month: Month
    priority: Annotated[int, Field(ge=1, le=5)]
    rank: Count
    item: Name
    category: Category
    quantity: Count
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    unit_price: Amount
    currency: Currency
    origin: Origin = "any"
    min_lot: Count = 1
    whole_only: bool = False
    needed_by: Day | None = None
    note: Text = ""
    id: Id | None = None


class WithdrawAction(RequestModel):
    reason: Reason
    on: Day | None = Field(None, description="the day its packages' money goes back (default: today, UTC)")


class ReprioritiseAction(RequestModel):
    list_month: Month
    priority: Annotated[int, Field(ge=1, le=5)]
    rank: Count


RequirementRead = read_model("RequirementRead", RequirementRecord, __name__)
RankingRead = read_model("RankingRead", RankingRecord, __name__, withheld=False)
RequirementPackageLineRead = read_model(
    "RequirementPackageLineRead", RequirementPackageLineRecord, __name__, withheld=False
)
RequirementDetailRead = read_model(
    "RequirementDetailRead",
    RequirementDetail,
    __name__,
    rankings=(many(RankingRead), ...),
    packages=(many(RequirementPackageLineRead), ...),
    **EVIDENCE,
)
RequirementPage = page_of("RequirementPage", RequirementRead, __name__)

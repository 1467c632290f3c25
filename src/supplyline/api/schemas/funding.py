"""Pledges of money and their allocation to package lines."""

from __future__ import annotations

from pydantic import Field

from ...domain.values import CATEGORIES
from ...services.reads.read_models import AllocationRecord, PledgeDetail, PledgeRecord
from ..derive import many, page_of, read_model
from .common import (
    Amount,
    Category,
    Currency,
    Day,
    Disclose,
    Id,
    LineNo,
    Mechanism,
    Origin,
    RequestModel,
    Text,
)
from .evidence import EVIDENCE


class PledgeCreate(RequestModel):
    funder: Id
    amount: Amount
    currency: Currency
    pledged_on: Day
    mechanism: Mechanism
    categories: list[Category] = Field(default_factory=list, max_length=len(CATEGORIES))
    origins: list[Origin] = Field(default_factory=list, max_length=40)
    valid_from: Day | None = None
    valid_until: Day | None = None
    note: Text = ""
    id: Id | None = None
    commit: bool = False
    disclose: Disclose = None


class AllocationCreate(RequestModel):
    package_id: Id
    line_no: LineNo
    amount: Amount
    currency: Currency | None = Field(None, description="the pledge's currency (default) or the package's")
    on: Day | None = None
    disclose: Disclose = None


PledgeRead = read_model("PledgeRead", PledgeRecord, __name__)
AllocationRead = read_model("AllocationRead", AllocationRecord, __name__)
PledgeDetailRead = read_model(
    "PledgeDetailRead", PledgeDetail, __name__, allocations=(many(AllocationRead), ...), **EVIDENCE
)
PledgePage = page_of("PledgePage", PledgeRead, __name__)

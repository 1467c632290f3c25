"""Requirements: the recipient's prioritised list."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

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
    Page,
    Reason,
    RequestModel,
    Text,
    WithheldFieldRead,
)


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


class ReprioritiseAction(RequestModel):
    list_month: Month
    priority: Annotated[int, Field(ge=1, le=5)]
    rank: Count


class RequirementRead(BaseModel):
    id: str
    recipient: str
    list_month: str
    priority: int
    rank: int
    item: str
    category: str
    quantity: int | None  # None: withheld from the caller (listed under withheld)
    unit: str
    unit_price: str | None
    unit_price_currency: str | None
    origin: str
    min_lot: int
    whole_only: bool
    needed_by: str | None
    state: str
    funded_quantity: int | None
    delivered_quantity: int | None
    note: str | None
    version: int
    withheld: list[WithheldFieldRead] = []


class RankingRead(BaseModel):
    list_month: str
    priority: int
    rank: int


class RequirementPackageLineRead(BaseModel):
    package_id: str
    line_no: int
    quantity: int


class RequirementDetailRead(RequirementRead):
    rankings: list[RankingRead]
    packages: list[RequirementPackageLineRead]


class RequirementPage(Page[RequirementRead]):
    pass

"""Pledges of money and their allocation to package lines."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ...domain.values import CATEGORIES
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
    Page,
    RequestModel,
    Text,
    WithheldFieldRead,
)


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


class PledgeRead(BaseModel):
    id: str
    funder: str | None
    amount: str | None
    amount_currency: str | None
    allocated: str | None
    allocated_currency: str | None
    remaining: str | None
    # money stages (issue 15), in the pledge's currency
    paid_in: str | None = None
    paid_in_currency: str | None = None
    transferred: str | None = None
    transferred_currency: str | None = None
    obligated: str | None = None
    obligated_currency: str | None = None
    expended: str | None = None
    expended_currency: str | None = None
    released: str | None = None
    released_currency: str | None = None
    returned: str | None = None
    returned_currency: str | None = None
    pledged_on: str | None
    mechanism: str
    categories: list[str] | None
    origins: list[str] | None
    valid_from: str | None
    valid_until: str | None
    state: str
    note: str | None
    version: int
    withheld: list[WithheldFieldRead] = []


class AllocationRead(BaseModel):
    id: str
    pledge_id: str
    package_id: str
    line_no: int
    amount: str | None
    amount_currency: str | None
    line_amount: str | None
    line_amount_currency: str | None
    fx_rate: str | None
    fx_date: str | None
    # given back to the pledge (issue 15): the amounts above are what it still holds
    released: str | None = None
    released_currency: str | None = None
    released_line: str | None = None
    released_line_currency: str | None = None
    allocated_on: str
    withheld: list[WithheldFieldRead] = []


class PledgeDetailRead(PledgeRead):
    allocations: list[AllocationRead]


class PledgePage(Page[PledgeRead]):
    pass

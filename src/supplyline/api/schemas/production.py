"""Facilities, their capacity, production orders and lots."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import (
    Count,
    Country,
    Day,
    Id,
    LineNo,
    Month,
    Name,
    Page,
    Quantity0,
    Reason,
    RequestModel,
    RescheduleReason,
    Share,
    Text,
    WithheldFieldRead,
)


class FacilityOwnerCreate(RequestModel):
    party: Id
    share: Share


class FacilityCreate(RequestModel):
    name: Name
    country: Country
    owners: list[FacilityOwnerCreate] = Field(min_length=1, max_length=20)
    id: Id | None = None


class CapacityCreate(RequestModel):
    item: Name
    from_month: Month
    monthly_quantity: Quantity0


class OrderCreate(RequestModel):
    facility_id: Id
    contract_id: Id
    contract_line_no: LineNo
    quantity: Count
    due: Day
    id: Id | None = None


class LotCreate(RequestModel):
    quantity: Count
    produced_on: Day


class InspectionCreate(RequestModel):
    accepted: Quantity0
    rejected: Quantity0 = 0
    reason: Text = ""
    on: Day | None = None


class CancelAction(RequestModel):
    reason: Reason
    on: Day | None = None


class RescheduleAction(RequestModel):
    """A new due date for a contract's schedule entry or a production order (issue 17)."""

    due: Day
    reason: RescheduleReason
    on: Day | None = None


class OwnershipRead(BaseModel):
    party: str
    share: str


class CapacityRead(BaseModel):
    item: str
    from_month: str
    monthly_quantity: int


class ItemTermsRead(BaseModel):
    item: str
    min_batch: int
    unit_cost: str
    unit_cost_currency: str


class FacilityRead(BaseModel):
    id: str
    name: str
    country: str
    version: int
    owners: list[OwnershipRead]
    capacity: list[CapacityRead]
    terms: list[ItemTermsRead]


class LotRead(BaseModel):
    lot_id: str
    order_id: str
    quantity: int
    produced_on: str
    accepted: int | None
    rejected: int | None
    reason: str
    inspected_on: str | None


class OrderRead(BaseModel):
    id: str
    facility_id: str
    contract_id: str
    contract_line_no: int
    item: str
    quantity: int | None  # None: withheld with its contract line (listed under withheld)
    due: str | None
    state: str
    priority: int
    accepted: int
    version: int
    lots: list[LotRead]
    withheld: list[WithheldFieldRead] = []


class FacilityPage(Page[FacilityRead]):
    pass


class OrderPage(Page[OrderRead]):
    pass

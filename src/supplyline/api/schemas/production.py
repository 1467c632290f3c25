"""Facilities, their capacity, production orders and lots."""

from __future__ import annotations

from pydantic import Field

from ...services.reads.read_models import (
    CapacityRecord,
    FacilityRecord,
    ItemTermsRecord,
    LotRecord,
    OrderRecord,
    OwnershipRecord,
)
from ..derive import many, page_of, read_model
from .common import (
    Count,
    Country,
    Day,
    Id,
    LineNo,
    Month,
    Name,
    Quantity0,
    Reason,
    RequestModel,
    RescheduleReason,
    Share,
    Text,
)
from .enduse import SerialNumber
from .evidence import EVIDENCE


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
    #: one per unit, where the order's line carries serial numbers (its shipments take them on)
    serials: list[SerialNumber] = Field(default_factory=list, max_length=200_000)


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


OwnershipRead = read_model("OwnershipRead", OwnershipRecord, __name__, withheld=False)
CapacityRead = read_model("CapacityRead", CapacityRecord, __name__, withheld=False)
ItemTermsRead = read_model("ItemTermsRead", ItemTermsRecord, __name__, withheld=False)
FacilityRead = read_model(
    "FacilityRead",
    FacilityRecord,
    __name__,
    withheld=False,
    owners=(many(OwnershipRead), ...),
    capacity=(many(CapacityRead), ...),
    terms=(many(ItemTermsRead), ...),
)
LotRead = read_model("LotRead", LotRecord, __name__, withheld=False)
OrderRead = read_model("OrderRead", OrderRecord, __name__, lots=(many(LotRead), ...))
#: one order, with the documents attached to it (a lot's inspection report) and its open findings (issue 18)
OrderDetailRead = read_model(
    "OrderDetailRead",
    OrderRecord,
    __name__,
    lots=(many(LotRead), ...),
    **EVIDENCE,
)
FacilityPage = page_of("FacilityPage", FacilityRead, __name__)
OrderPage = page_of("OrderPage", OrderRead, __name__)

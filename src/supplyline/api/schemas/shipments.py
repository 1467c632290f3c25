"""Shipments against contracts and their receipt."""

from __future__ import annotations

from pydantic import Field

from ...services.reads.read_models import ShipmentRecord, ShippedLineRecord, ShippedLotRecord
from ..derive import many, page_of, read_model
from .common import (
    Count,
    Day,
    Disclose,
    Id,
    LineNo,
    LotId,
    Quantity0,
    Reason,
    RequestModel,
    RescheduleReason,
    Text,
)
from .enduse import SerialLineCreate
from .evidence import EVIDENCE


class ShippedLotCreate(RequestModel):
    lot_id: LotId
    quantity: Count


class ShipmentLineCreate(RequestModel):
    contract_line_no: LineNo
    quantity: Count
    lots: list[ShippedLotCreate] = Field(default_factory=list, max_length=500)


class ShipmentCreate(RequestModel):
    contract_id: Id
    shipped_on: Day
    lines: list[ShipmentLineCreate] = Field(min_length=1, max_length=500)
    id: Id | None = None
    expected_arrival: Day | None = Field(None, description="the day it should arrive (can be moved later)")
    disclose: Disclose = None
    serials: list[SerialLineCreate] = Field(
        default_factory=list,
        max_length=200_000,
        description="one serial per unit of the lines that require them (docs/end-use.md)",
    )


class ReceivedLineCreate(RequestModel):
    contract_line_no: LineNo
    quantity: Quantity0


class ReceiptCreate(RequestModel):
    received_on: Day
    lines: list[ReceivedLineCreate] | None = Field(
        None, max_length=500, description="default: everything shipped arrived"
    )
    note: Text = Field("", description="required when fewer units arrived than were shipped")
    disclose: Disclose = None
    missing: list[SerialLineCreate] = Field(
        default_factory=list, max_length=200_000, description="serials that did not arrive"
    )
    damaged: list[SerialLineCreate] = Field(
        default_factory=list, max_length=200_000, description="serials that arrived damaged"
    )
    site: str | None = Field(None, max_length=64, description="the site (code or id) that took serialised items in")


class ArrivalAction(RequestModel):
    """A new day a shipment on its way should arrive (issue 17)."""

    expected_arrival: Day
    reason: RescheduleReason
    on: Day | None = None


class LossCreate(RequestModel):
    reason: Reason
    on: Day


ShippedLotRead = read_model("ShippedLotRead", ShippedLotRecord, __name__, withheld=False)
ShippedLineRead = read_model("ShippedLineRead", ShippedLineRecord, __name__, lots=(many(ShippedLotRead) | None, ...))
ShipmentRead = read_model("ShipmentRead", ShipmentRecord, __name__, lines=(many(ShippedLineRead), ...))
#: one shipment, with the documents attached to it and its open findings (issue 18)
ShipmentDetailRead = read_model(
    "ShipmentDetailRead", ShipmentRecord, __name__, lines=(many(ShippedLineRead), ...), **EVIDENCE
)
ShipmentPage = page_of("ShipmentPage", ShipmentRead, __name__)

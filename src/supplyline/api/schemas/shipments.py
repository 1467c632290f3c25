"""Shipments against contracts and their receipt."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import (
    Count,
    Day,
    Disclose,
    Id,
    LineNo,
    LotId,
    Page,
    Quantity0,
    Reason,
    RequestModel,
    Text,
    WithheldFieldRead,
)
from .enduse import SerialLine


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
    disclose: Disclose = None
    serials: list[SerialLine] = Field(
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
    missing: list[SerialLine] = Field(
        default_factory=list, max_length=200_000, description="serials that did not arrive"
    )
    damaged: list[SerialLine] = Field(
        default_factory=list, max_length=200_000, description="serials that arrived damaged"
    )
    site: str | None = Field(None, max_length=64, description="the site (code or id) that took serialised items in")


class LossCreate(RequestModel):
    reason: Reason
    on: Day


class ShippedLotRead(BaseModel):
    lot_id: str
    quantity: int


class ShippedLineRead(BaseModel):
    contract_line_no: int
    quantity: int | None
    received: int | None
    lots: list[ShippedLotRead] | None
    withheld: list[WithheldFieldRead] = []


class ShipmentRead(BaseModel):
    id: str
    contract_id: str
    shipped_on: str | None
    state: str
    received_on: str | None
    note: str | None
    version: int
    lines: list[ShippedLineRead]
    withheld: list[WithheldFieldRead] = []


class ShipmentPage(Page[ShipmentRead]):
    pass

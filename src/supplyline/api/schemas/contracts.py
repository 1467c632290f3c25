"""Contracts signed against approved packages, with their lines and schedule."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import Amount, ContractKind, Count, Day, Disclose, Id, LineNo, Page, RequestModel, WithheldFieldRead
from .evidence import EvidenceRead


class ContractLineCreate(RequestModel):
    package_line_no: LineNo
    quantity: Count
    unit_price: Amount | None = None


class DeliveryCreate(RequestModel):
    line_no: LineNo
    due: Day
    quantity: Count


class ContractCreate(RequestModel):
    package_id: Id
    buyer: Id
    supplier: Id
    kind: ContractKind = "purchase"
    signed_on: Day
    lines: list[ContractLineCreate] = Field(min_length=1, max_length=500)
    schedule: list[DeliveryCreate] = Field(default_factory=list, max_length=2000)
    id: Id | None = None
    disclose: Disclose = None


class ContractRead(BaseModel):
    id: str
    package_id: str
    buyer: str
    supplier: str | None
    kind: str | None
    signed_on: str | None
    currency: str
    version: int
    withheld: list[WithheldFieldRead] = []


class ContractLineRead(BaseModel):
    contract_id: str
    line_no: int
    package_line_no: int
    item: str | None
    quantity: int | None
    unit_price: str | None
    unit_price_currency: str | None
    withheld: list[WithheldFieldRead] = []


class DeliveryRead(BaseModel):
    contract_id: str
    position: int
    line_no: int | None
    due: str | None
    quantity: int | None
    withheld: list[WithheldFieldRead] = []


class ContractDetailRead(ContractRead, EvidenceRead):
    lines: list[ContractLineRead]
    schedule: list[DeliveryRead]


class ContractPage(Page[ContractRead]):
    pass

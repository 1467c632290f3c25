"""Packages of requirement lines, their approval, and the trace of a package."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ...services.reads.read_models import (
    DecisionRecord,
    PackageDetail,
    PackageLineRecord,
    PackageRecord,
)
from ..derive import many, page_of, read_model
from .common import (
    Amount,
    Count,
    Currency,
    Day,
    Disclose,
    Id,
    Mechanism,
    Name,
    Origin,
    RequestModel,
    Text,
    WithheldFieldRead,
)
from .contracts import ContractRead
from .evidence import EVIDENCE


class PackageCreate(RequestModel):
    title: Name
    mechanism: Mechanism
    seller: Id
    recipient: Id
    currency: Currency
    approvers: list[Id] = Field(default_factory=list, max_length=20, description="default: the seller")
    id: Id | None = None
    disclose: Disclose = None


class PackageLineCreate(RequestModel):
    requirement_id: Id
    quantity: Count
    unit_price: Amount | None = Field(None, description="default: the requirement's estimate")
    origin: Origin | None = None
    disclose: Disclose = None


class DecisionCreate(RequestModel):
    party: Id = Field(description="the deciding party: the token's own party")
    decision: Literal["approve", "reject"]
    reason: Text = ""
    on: Day | None = None


PackageRead = read_model("PackageRead", PackageRecord, __name__)
PackageLineRead = read_model("PackageLineRead", PackageLineRecord, __name__)
DecisionRead = read_model("DecisionRead", DecisionRecord, __name__, withheld=False)
#: one package, with its lines, the decisions on it, its contracts and its evidence (issue 18)
PackageDetailRead = read_model(
    "PackageDetailRead",
    PackageDetail,
    __name__,
    lines=(many(PackageLineRead), ...),
    decisions=(many(DecisionRead), ...),
    contracts=(many(ContractRead), ...),
    **EVIDENCE,
)


class TracePackageRead(BaseModel):
    id: str
    title: str
    mechanism: str
    state: str
    currency: str
    seller: str
    recipient: str


class FundedByRead(BaseModel):
    allocation_id: str | None = Field(description="null when the pledge is another funder's")
    pledge_id: str | None = Field(description="null when the pledge is another funder's")
    funder: str
    amount: str | None = Field(description="in the pledge's currency; null when the pledge is another funder's")
    currency: str | None
    line_amount: str | None = Field(description="in the package's currency")
    fx_rate: str | None
    fx_date: str | None
    allocated_on: str
    withheld: list[WithheldFieldRead] = []


class TraceLineRead(BaseModel):
    line_no: int
    requirement_id: str
    item: str | None
    quantity: int | None
    unit_price: str | None
    funded_by: list[FundedByRead]
    withheld: list[WithheldFieldRead] = []


class TraceContractLineRead(BaseModel):
    id: str
    supplier: str | None
    kind: str | None
    signed_on: str | None
    line_no: int
    package_line_no: int
    item: str | None
    quantity: int | None
    unit_price: str | None
    withheld: list[WithheldFieldRead] = []


class TraceLotRead(BaseModel):
    lot_id: str
    quantity: int
    order_id: str
    facility_id: str
    produced_on: str


class TraceContractRefRead(BaseModel):
    id: str
    line_no: int
    unit_price: str | None
    withheld: list[WithheldFieldRead] = []


class PaidByRead(BaseModel):
    pledge_id: str | None
    funder: str
    amount: str | None
    currency: str
    pledge_amount: str | None
    pledge_currency: str | None
    withheld: list[WithheldFieldRead] = []


class TraceSerialsRead(BaseModel):
    manifest: str = Field(description="the shipment line's serial manifest: SHIPMENT.LINE")
    root: str = Field(description="its serials' Merkle root, as in the signed log (serial prove walks from it)")


class DeliveredRead(BaseModel):
    shipment_id: str
    shipped_on: str | None
    received_on: str | None
    item: str
    shipped: int | None
    received: int | None
    discrepancy: int | None
    note: str | None
    value: str | None
    currency: str
    lots: list[TraceLotRead]
    contract: TraceContractRefRead
    package_line: TraceLineRead
    paid_by: list[PaidByRead]
    serials: TraceSerialsRead | None = Field(description="null unless the items are serial-numbered (issue 16)")
    withheld: list[WithheldFieldRead] = []


class OpenFindingsRead(BaseModel):
    record: str = Field(description="KIND:ID of a record of the chain")
    open: int = Field(description="audit findings on it not yet closed")


class TraceRead(BaseModel):
    package: TracePackageRead
    lines: list[TraceLineRead]
    contracts: list[TraceContractLineRead]
    delivered: list[DeliveredRead]
    open_findings: list[OpenFindingsRead] = []


PackagePage = page_of("PackagePage", PackageRead, __name__)

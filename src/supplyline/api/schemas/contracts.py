"""Contracts signed against approved packages, with their lines and schedule."""

from __future__ import annotations

from pydantic import Field

from ...services.reads.read_models import (
    AmendedDueRecord,
    AmendedLineRecord,
    AmendmentRecord,
    ContractDetail,
    ContractLineRecord,
    ContractRecord,
    DeliveryRecord,
)
from ..derive import many, page_of, read_model
from .common import Amount, ContractKind, Count, Day, Disclose, Id, LineNo, RequestModel
from .evidence import EVIDENCE


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


ContractRead = read_model("ContractRead", ContractRecord, __name__)
ContractLineRead = read_model("ContractLineRead", ContractLineRecord, __name__)
DeliveryRead = read_model("DeliveryRead", DeliveryRecord, __name__)
AmendedLineRead = read_model("AmendedLineRead", AmendedLineRecord, __name__, withheld=False)
AmendedDueRead = read_model("AmendedDueRead", AmendedDueRecord, __name__, withheld=False)
#: a change to the contract (issue 15 item 4): its lines and due dates before and after
AmendmentRead = read_model(
    "AmendmentRead",
    AmendmentRecord,
    __name__,
    lines=(many(AmendedLineRead) | None, ...),
    schedule=(many(AmendedDueRead) | None, ...),
)
#: one contract, with its lines, its schedule, its amendments and its evidence (issue 18)
ContractDetailRead = read_model(
    "ContractDetailRead",
    ContractDetail,
    __name__,
    lines=(many(ContractLineRead), ...),
    schedule=(many(DeliveryRead), ...),
    amendments=(many(AmendmentRead), ...),
    **EVIDENCE,
)
ContractPage = page_of("ContractPage", ContractRead, __name__)

"""Changes to signed contracts (issue 15 item 4) and `report variance`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

from pydantic import BaseModel, Field

from ...domain.amendment import RATIONALES
from .common import Amount, Count, Day, Disclose, Id, LineNo, Reason, RequestModel, Text

if TYPE_CHECKING:
    Rationale: TypeAlias = str  # a literal built from the domain's list at run time
else:
    Rationale = Literal[RATIONALES]


class LineAmendmentCreate(RequestModel):
    line_no: LineNo
    quantity: Count | None = None
    unit_price: Amount | None = None


class DueAmendmentCreate(RequestModel):
    entry: LineNo = Field(description="the schedule entry's number, in signing order")
    due: Day


class AmendmentCreate(RequestModel):
    rationale: Rationale
    lines: list[LineAmendmentCreate] = Field(default_factory=list, max_length=500)
    schedule: list[DueAmendmentCreate] = Field(default_factory=list, max_length=2000)
    description: Text = ""
    on: Day | None = None
    disclose: Disclose = None


class AmendmentDecisionAction(RequestModel):
    party: Id = Field(description="the accepting or refusing party: the token's own party")
    reason: Reason | None = Field(default=None, description="needed to reject")
    on: Day | None = None
    disclose: Disclose = None


class VarianceChangeRead(BaseModel):
    amendment_id: str
    kind: str
    rationale: str
    description: str
    state: str
    proposed_on: str
    effective_on: str | None
    old_quantity: int
    new_quantity: int
    old_unit_price: str
    new_unit_price: str


class VarianceLineRead(BaseModel):
    contract_id: str
    line_no: int
    package_id: str
    package_line_no: int
    requirement_id: str
    item: str
    currency: str
    signed_quantity: int
    quantity: int
    delivered_quantity: int
    estimate: str
    package: str
    original: str
    current: str
    delivered: str
    changes: list[VarianceChangeRead]
    reasons: str


class VarianceReportRead(BaseModel):
    lines: list[VarianceLineRead]
    #: lines left out because some of their figures are withheld from the caller
    withheld: int

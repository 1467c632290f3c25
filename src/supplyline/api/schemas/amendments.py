"""Changes to signed contracts (issue 15 item 4) and `report variance`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

from pydantic import Field

from ...domain.amendment import RATIONALES
from ...services.reads import governance_models as gm
from ..derive import read_model
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


VarianceChangeRead = read_model("VarianceChangeRead", gm.VarianceChange, __name__, withheld=False)
VarianceLineRead = read_model("VarianceLineRead", gm.VarianceLine, __name__, withheld=False)
VarianceReportRead = read_model("VarianceReportRead", gm.VarianceReport, __name__, withheld=False)

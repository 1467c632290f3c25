"""The prioritised list's monthly versions (issue 17, item 1)."""

from __future__ import annotations

from pydantic import Field

from ...services.reads import governance_models as gm
from ..derive import page_of, read_model
from .common import Day, Disclose, Id, Month, RequestModel, Text


class ListVersionCreate(RequestModel):
    recipient: Id
    month: Month
    coordinator: Id = Field(description="the coordinator who approves it")
    seller: Id = Field(description="the seller who approves it")
    on: Day | None = None


class ListVersionApprovalCreate(RequestModel):
    on: Day | None = None


class RequirementReturnAction(RequestModel):
    reason: Text = Field(min_length=1, description="why the line goes back to its recipient's draft")
    on: Day | None = None
    disclose: Disclose = None


ListApprovalRead = read_model("ListApprovalRead", gm.ListApproval, __name__, withheld=False)
ListedLineRead = read_model("ListedLineRead", gm.ListedLineRow, __name__, withheld=False)
ListVersionRead = read_model("ListVersionRead", gm.ListVersion, __name__, withheld=False)
ListVersionDetailRead = read_model("ListVersionDetailRead", gm.ListVersionDetail, __name__, withheld=False)
ListVersionPage = page_of("ListVersionPage", ListVersionRead, __name__)
ListVersionSummaryRead = read_model("ListVersionSummaryRead", gm.ListVersionSummary, __name__, withheld=False)
RerankedLineRead = read_model("RerankedLineRead", gm.RerankedLine, __name__, withheld=False)
ListDiffRead = read_model("ListDiffRead", gm.ListDiff, __name__, withheld=False)

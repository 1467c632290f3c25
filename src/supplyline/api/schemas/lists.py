"""The prioritised list's monthly versions (issue 17, item 1)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..derive import page_of
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


class ListApprovalRead(BaseModel):
    party: str
    approved_on: str


class ListedLineRead(BaseModel):
    requirement_id: str
    priority: int
    rank: int
    item: str | None = None
    quantity: int | None = None


class ListVersionRead(BaseModel):
    id: str
    recipient: str
    month: str
    state: str
    approvers: list[str]
    approvals: list[ListApprovalRead]
    proposed_on: str
    approved_on: str | None
    version: int


class ListVersionDetailRead(ListVersionRead):
    lines: list[ListedLineRead]


ListVersionPage = page_of("ListVersionPage", ListVersionRead, __name__)


class ListVersionSummaryRead(BaseModel):
    id: str
    recipient: str
    month: str
    state: str
    approved_on: str | None


class RerankedLineRead(BaseModel):
    requirement_id: str
    item: str
    from_: ListedLineRead = Field(alias="from")
    to: ListedLineRead


class ListDiffRead(BaseModel):
    from_: ListVersionSummaryRead = Field(alias="from")
    to: ListVersionSummaryRead
    added: list[ListedLineRead]
    removed: list[ListedLineRead]
    reranked: list[RerankedLineRead]

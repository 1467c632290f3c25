"""The evidence (issue 18): documents attached to records and audit findings."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from ...domain.finding import SEVERITIES, TEXT
from .common import Day, Disclose, Id, RequestModel, WithheldFieldRead

RecordRef = Annotated[
    str, Field(pattern=r"^[a-z_]{1,20}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["contract:CT-NL-1"])
]
FindingText = Annotated[str, Field(min_length=1, max_length=TEXT)]
DocumentIds = Annotated[list[Id], Field(max_length=50)]


class DocumentRead(BaseModel):
    """A document attached to a record: its hash is in the public log whatever else is withheld."""

    id: str
    record: str = Field(description="KIND:ID of the record it is attached to")
    type: str = Field(description="loa | amendment | invoice | acceptance | inspection | other")
    language: str
    title: str | None
    sha256: str
    size: int
    media_type: str = Field(description="judged from the bytes when attached, never from the file's name")
    attached_on: str
    version: int
    withheld: list[WithheldFieldRead] = []


#: what a record's answer carries of its evidence: fields for ``derive.read_model``
EVIDENCE: dict[str, Any] = {
    "documents": (
        list[DocumentRead],
        Field([], description="the documents attached to it that the caller may read"),
    ),
    "open_findings": (int, Field(0, description="audit findings on it not yet closed")),
}


class FindingCreate(RequestModel):
    record: RecordRef
    severity: Annotated[str, Field(json_schema_extra={"enum": list(SEVERITIES)})]
    criteria: FindingText
    condition: FindingText
    due: Day = Field(description="the day the owners' answer is due")
    on: Day | None = None
    evidence: DocumentIds = Field(default_factory=list)
    id: Id | None = None
    disclose: Disclose = None


class FindingAnswerAction(RequestModel):
    response: FindingText
    on: Day | None = None
    evidence: DocumentIds = Field(default_factory=list)
    disclose: Disclose = None


class FindingCloseAction(RequestModel):
    resolution: FindingText
    public: bool = Field(False, description="list the closed finding for everyone")
    on: Day | None = None
    disclose: Disclose = None


class FindingReopenAction(RequestModel):
    reason: FindingText
    due: Day
    on: Day | None = None
    disclose: Disclose = None


class FindingRead(BaseModel):
    id: str
    record: str
    state: str
    severity: str
    criteria: str | None
    condition: str | None
    answer_due: str
    opened_on: str
    response: str | None
    responded_on: str | None
    resolution: str | None
    closed_on: str | None
    public: bool
    evidence: list[str]
    age_days: int = Field(description="days from opening to closing, or to today while open")
    overdue: bool = Field(description="still open past the day its answer was due")
    version: int


class AgingRead(BaseModel):
    age: str
    open: int
    low: int
    medium: int
    high: int
    critical: int


class FindingsRead(BaseModel):
    findings: list[FindingRead]
    aging: list[AgingRead]

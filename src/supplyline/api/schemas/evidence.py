"""The evidence (issue 18): documents attached to records and audit findings."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ...domain.finding import SEVERITIES, TEXT
from ...services.reads import report_models as rm
from ..derive import many, read_model
from .common import Day, Disclose, Id, RequestModel

RecordRef = Annotated[
    str, Field(pattern=r"^[a-z_]{1,20}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["contract:CT-NL-1"])
]
FindingText = Annotated[str, Field(min_length=1, max_length=TEXT)]
DocumentIds = Annotated[list[Id], Field(max_length=50)]


DocumentRead = read_model("DocumentRead", rm.DocumentRecord, __name__, withheld=False, listed=True)


#: what a record's answer carries of its evidence: fields for ``derive.read_model``
EVIDENCE: dict[str, Any] = {
    "documents": (
        many(DocumentRead),
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


FindingRead = read_model("FindingRead", rm.FindingRecord, __name__, withheld=False, blanked=("criteria", "condition"))
AgingRead = read_model("AgingRead", rm.AgingBand, __name__, withheld=False)
FindingsRead = read_model("FindingsRead", rm.FindingsReport, __name__, withheld=False)

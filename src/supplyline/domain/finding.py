"""Audit findings (issue 18): an auditor's observation on a record, with the criteria it is
judged against, the condition found and the day an answer is due; the record's owners
answer it (with evidence documents), the auditor closes it or reopens it. Every step is an
event of the finding's own stream; who sees it follows the record it is about, and a closed
finding the auditor marked public is for everyone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .entity import Entity, require_exists, require_new
from .errors import InvalidInput, RuleViolation
from .events import Event, FindingClosed, FindingOpened, FindingReopened, FindingResponded
from .lifecycle import FINDING
from .values import parse_choice, parse_text

SEVERITIES = ("low", "medium", "high", "critical")
TEXT = 2000


@dataclass
class Finding(Entity):
    KIND = "finding"
    LABEL = "finding"

    state: str = FINDING.initial
    record_kind: str = ""
    record_id: str = ""
    severity: str = ""
    criteria: str = ""
    condition: str = ""
    answer_due: date | None = None
    opened_on: date | None = None
    response: str = ""
    responded_on: date | None = None
    resolution: str = ""
    closed_on: date | None = None
    public: bool = False
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def _on_FindingOpened(self, e: FindingOpened) -> None:
        self.record_kind, self.record_id, self.severity = e.record_kind, e.record_id, e.severity
        self.criteria, self.condition, self.answer_due, self.opened_on = (
            e.criteria,
            e.condition,
            e.answer_due,
            e.opened_on,
        )
        self.evidence = e.evidence

    def _on_FindingResponded(self, e: FindingResponded) -> None:
        self.state, self.response, self.responded_on = "answered", e.response, e.responded_on
        self.evidence = self.evidence + tuple(d for d in e.evidence if d not in self.evidence)

    def _on_FindingClosed(self, e: FindingClosed) -> None:
        self.state, self.resolution, self.closed_on, self.public = "closed", e.resolution, e.closed_on, e.public

    def _on_FindingReopened(self, e: FindingReopened) -> None:
        self.state, self.answer_due, self.closed_on, self.public = "open", e.answer_due, None, False


def _evidence(documents: Sequence[str], attached: Sequence[str]) -> tuple[str, ...]:
    """Evidence is documents attached to the same record (so they are seen by the same parties)."""
    for doc in documents:
        if doc not in attached:
            raise InvalidInput("evidence", doc, "is not a document attached to the finding's record")
    return tuple(dict.fromkeys(documents))


def _due(answer_due: date, on: date) -> date:
    if answer_due <= on:
        raise RuleViolation(
            f"an answer cannot be due on {answer_due.isoformat()}: the finding is dated {on.isoformat()}",
            field="due",
            value=answer_due.isoformat(),
        )
    return answer_due


def open_finding(
    finding: Finding,
    *,
    record: tuple[str, str],
    severity: object,
    criteria: object,
    condition: object,
    answer_due: date,
    on: date,
    evidence: Sequence[str] = (),
    attached: Sequence[str] = (),
) -> list[Event]:
    require_new(finding)
    return [
        FindingOpened(
            record_kind=record[0],
            record_id=record[1],
            severity=parse_choice("severity", severity, SEVERITIES),
            criteria=parse_text("criteria", criteria, max_length=TEXT),
            condition=parse_text("condition", condition, max_length=TEXT),
            answer_due=_due(answer_due, on),
            opened_on=on,
            evidence=_evidence(evidence, attached),
        )
    ]


def _not_before(finding: Finding, on: date) -> None:
    assert finding.opened_on is not None
    if on < finding.opened_on:
        raise RuleViolation(
            f"finding '{finding.id}' was opened on {finding.opened_on.isoformat()}", field="on", value=on.isoformat()
        )


def respond(
    finding: Finding, *, response: object, on: date, evidence: Sequence[str] = (), attached: Sequence[str] = ()
) -> list[Event]:
    require_exists(finding)
    FINDING.check(finding.id, finding.state, "answered", "respond to")
    _not_before(finding, on)
    text = parse_text("response", response, max_length=TEXT)
    return [FindingResponded(response=text, responded_on=on, evidence=_evidence(evidence, attached))]


def close(finding: Finding, *, resolution: object, on: date, public: bool = False) -> list[Event]:
    require_exists(finding)
    FINDING.check(finding.id, finding.state, "closed", "close")
    _not_before(finding, on)
    return [
        FindingClosed(resolution=parse_text("resolution", resolution, max_length=TEXT), closed_on=on, public=public)
    ]


def reopen(finding: Finding, *, reason: object, answer_due: date, on: date) -> list[Event]:
    require_exists(finding)
    FINDING.check(finding.id, finding.state, "open", "reopen")
    _not_before(finding, on)
    text = parse_text("reason", reason, max_length=TEXT)
    return [FindingReopened(reason=text, reopened_on=on, answer_due=_due(answer_due, on))]


def age_days(finding: Finding, on: date) -> int:
    """Days since it was opened, up to its closing (or ``on`` while it is open)."""
    assert finding.opened_on is not None
    return ((finding.closed_on or on) - finding.opened_on).days

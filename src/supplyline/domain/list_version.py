"""The prioritised list's monthly versions (issue 17, item 1).

The recipient's list is published as a version per month: proposed with every line as it is
ranked that day (submitted and validated lines, not drafts, withdrawn or fulfilled ones),
then approved by the recipient, the coordinator and the seller. A re-ranking or a new line
takes effect for allocation only in an approved version (``services.plans.allocation``): the
latest approved version of a recipient's list is the one in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .entity import Entity, Event, require_exists, require_new, unique
from .errors import RuleViolation
from .events import ListedLine, ListVersionApprovalRecorded, ListVersionApproved, ListVersionProposed
from .values import parse_month

#: the states of a line that a version lists
LISTED = ("submitted", "validated", "partly_funded", "funded")


def version_id(recipient: str, month: str) -> str:
    return f"{recipient}-{month}"


@dataclass
class ListVersion(Entity):
    KIND = "list_version"
    LABEL = "list version"

    recipient: str = ""
    month: str = ""
    approvers: tuple[str, ...] = ()
    lines: tuple[ListedLine, ...] = ()
    state: str = "proposed"
    proposed_on: date | None = None
    approvals: dict[str, date] = field(default_factory=dict)
    approved_on: date | None = None

    def _on_ListVersionProposed(self, e: ListVersionProposed) -> None:
        self.recipient, self.month, self.approvers = e.recipient, e.month, e.approvers
        self.lines, self.proposed_on = e.lines, e.on

    def _on_ListVersionApprovalRecorded(self, e: ListVersionApprovalRecorded) -> None:
        self.approvals[e.party] = e.on

    def _on_ListVersionApproved(self, e: ListVersionApproved) -> None:
        self.state, self.approved_on = "approved", e.on


def propose(
    version: ListVersion,
    *,
    recipient: str,
    month: str,
    approvers: Iterable[str],
    lines: Iterable[ListedLine],
    on: date,
) -> list[Event]:
    require_new(version)
    parse_month("month", month)
    named = [recipient, *approvers]
    unique("approvers", named)
    listed = tuple(sorted(lines, key=lambda line: (line.priority, line.rank, line.requirement_id)))
    if not listed:
        raise RuleViolation(f"{recipient} has no submitted line to list in {month}", field="month", value=month)
    return [
        ListVersionProposed(
            id=version.id, recipient=recipient, month=month, approvers=tuple(named), lines=listed, on=on
        )
    ]


def approve(version: ListVersion, *, party: str, on: date) -> list[Event]:
    require_exists(version)
    if version.state == "approved":
        raise RuleViolation(f"list version '{version.id}' is approved already", field="state", value=version.state)
    if party not in version.approvers:
        raise RuleViolation(
            f"{party} is not an approver of list version '{version.id}' (approvers: {', '.join(version.approvers)})",
            field="party",
            value=party,
        )
    if party in version.approvals:
        raise RuleViolation(f"{party} has already approved list version '{version.id}'", field="party", value=party)
    events: list[Event] = [ListVersionApprovalRecorded(party=party, on=on)]
    if set(version.approvals) | {party} >= set(version.approvers):
        events.append(ListVersionApproved(on=on))
    return events


def diff(older: Iterable[ListedLine], newer: Iterable[ListedLine]) -> dict[str, list[dict]]:
    """What changed from one version's lines to another's: added, removed, and re-ranked."""
    before = {line.requirement_id: line for line in older}
    after = {line.requirement_id: line for line in newer}
    added = [_line(after[r]) for r in after if r not in before]
    removed = [_line(before[r]) for r in before if r not in after]
    reranked = [
        {"requirement_id": r, "from": _line(before[r]), "to": _line(after[r])}
        for r in after
        if r in before and (before[r].priority, before[r].rank) != (after[r].priority, after[r].rank)
    ]
    return {"added": added, "removed": removed, "reranked": reranked}


def _line(line: ListedLine) -> dict:
    return {"requirement_id": line.requirement_id, "priority": line.priority, "rank": line.rank}

"""Events of the prioritised list's monthly versions (issue 17, item 1): a version proposed
with the lines as ranked then, each approver's approval, the version approved by all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .base import Event


@dataclass(frozen=True)
class ListedLine:
    """A requirement line as the version ranks it."""

    requirement_id: str
    priority: int
    rank: int


@dataclass(frozen=True, kw_only=True)
class ListVersionProposed(Event):
    id: str
    recipient: str
    month: str  # YYYY-MM
    approvers: tuple[str, ...]  # the recipient, the coordinator and the seller
    lines: tuple[ListedLine, ...]
    on: date


@dataclass(frozen=True, kw_only=True)
class ListVersionApprovalRecorded(Event):
    party: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ListVersionApproved(Event):
    """Every approver approved: the version's ranking is the one allocation uses."""

    on: date


@dataclass(frozen=True, kw_only=True)
class RequirementReturned(Event):
    """A submitted line sent back to draft by the coordinator, with the reason."""

    by: str
    reason: str
    on: date

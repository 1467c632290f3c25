"""Events of a package's stream: drafted, lines added, decided on, contracted, delivered, closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..money import Money
from .base import Event


@dataclass(frozen=True, kw_only=True)
class PackageDrafted(Event):
    id: str
    title: str
    mechanism: str
    seller: str
    recipient: str
    currency: str
    approvers: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PackageLineAdded(Event):
    line_no: int
    requirement_id: str
    item: str
    category: str
    quantity: int
    unit_price: Money
    origin: str


@dataclass(frozen=True, kw_only=True)
class PackageLineCancelled(Event):
    """A line taken out of a package before it is contracted: its money goes back to its
    pledges and its requirement's units reopen (issue 15 item 3)."""

    line_no: int
    reason: str
    on: date


@dataclass(frozen=True, kw_only=True)
class PackageProposed(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class PackageDecisionRecorded(Event):
    party: str
    decision: str  # approve | reject
    reason: str
    decided_on: date


@dataclass(frozen=True, kw_only=True)
class PackageApproved(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class PackageRejected(Event):
    by: str


@dataclass(frozen=True, kw_only=True)
class PackageContracted(Event):
    contract_id: str


@dataclass(frozen=True, kw_only=True)
class PackageDeliveryStarted(Event):
    shipment_id: str


@dataclass(frozen=True, kw_only=True)
class PackageDelivered(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class PackageClosed(Event):
    on: date


# who agrees before the seller decides (issue 17, item 2) -------------------------------


@dataclass(frozen=True, kw_only=True)
class PackageValidated(Event):
    """The coordinator found the proposed package sound."""

    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class PackageReturned(Event):
    """The coordinator sent the proposed package back to draft, saying why: its validation
    and concurrences start again when it is proposed again."""

    by: str
    reasons: str
    on: date


@dataclass(frozen=True, kw_only=True)
class FunderConcurrenceRecorded(Event):
    """A funder whose pledge pays for the package concurs with it or objects (with a reason)."""

    funder: str
    verdict: str  # concur | object
    reason: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ApprovalStepsConfigured(Event):
    """The steps a mechanism's packages pass before their approval (ledger configuration)."""

    steps: tuple[str, ...]  # validation, concurrence: in the order they are shown
    on: date

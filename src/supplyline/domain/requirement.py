"""Requirements: the lines of the recipient's prioritised list.

The list is versioned by month: each requirement carries the month and rank of the list
version that last ranked it, and every re-ranking is an event, so the list as it stood in
any month can be reconstructed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput, RuleViolation
from .events import (
    RequirementDeliveryRecorded,
    RequirementDrafted,
    RequirementFundingRecorded,
    RequirementReprioritised,
    RequirementReturned,
    RequirementSubmitted,
    RequirementValidated,
    RequirementWithdrawn,
)
from .lifecycle import REQUIREMENT
from .money import Money
from .values import parse_id, parse_text

MAX_PRIORITY = 5


@dataclass
class Ranking:
    list_month: str
    priority: int
    rank: int


@dataclass
class Requirement(Entity):
    KIND = "requirement"
    LABEL = "requirement"

    recipient: str = ""
    item: str = ""
    category: str = ""
    quantity: int = 0
    unit: str = ""
    unit_price: Money | None = None
    origin: str = "any"
    min_lot: int = 1
    whole_only: bool = False
    needed_by: date | None = None
    state: str = REQUIREMENT.initial
    rankings: list[Ranking] = field(default_factory=list)
    funded_quantity: int = 0
    delivered_quantity: int = 0
    note: str = ""

    @property
    def ranking(self) -> Ranking:
        return self.rankings[-1]

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.funded_quantity

    # evolve ---------------------------------------------------------------------------
    def _on_RequirementDrafted(self, e: RequirementDrafted) -> None:
        self.recipient = e.recipient
        self.item = e.item
        self.category = e.category
        self.quantity = e.quantity
        self.unit = e.unit
        self.unit_price = e.unit_price
        self.origin = e.origin
        self.min_lot = e.min_lot
        self.whole_only = e.whole_only
        self.needed_by = e.needed_by
        self.note = e.note
        self.rankings = [Ranking(e.list_month, e.priority, e.rank)]

    def _on_RequirementSubmitted(self, e: RequirementSubmitted) -> None:
        self.state = "submitted"

    def _on_RequirementValidated(self, e: RequirementValidated) -> None:
        self.state = "validated"

    def _on_RequirementReturned(self, e: RequirementReturned) -> None:
        self.state = "draft"

    def _on_RequirementReprioritised(self, e: RequirementReprioritised) -> None:
        self.rankings.append(Ranking(e.list_month, e.priority, e.rank))

    def _on_RequirementFundingRecorded(self, e: RequirementFundingRecorded) -> None:
        self.funded_quantity = e.funded_quantity
        if not REQUIREMENT.is_final(self.state):  # a withdrawn line's money may still be released
            self.state = _funding_state(self.quantity, e.funded_quantity)

    def _on_RequirementDeliveryRecorded(self, e: RequirementDeliveryRecorded) -> None:
        self.delivered_quantity = e.delivered_quantity
        if self.state == "funded" and self.delivered_quantity >= self.quantity:
            self.state = "fulfilled"

    def _on_RequirementWithdrawn(self, e: RequirementWithdrawn) -> None:
        self.state = "withdrawn"


def _funding_state(quantity: int, funded_quantity: int) -> str:
    """Validated with nothing funded (again, once released money reopened it), partly or fully funded."""
    if funded_quantity <= 0:
        return "validated"
    return "funded" if funded_quantity >= quantity else "partly_funded"


# decisions ----------------------------------------------------------------------------


def draft(
    req: Requirement,
    *,
    recipient: str,
    list_month: str,
    priority: int,
    rank: int,
    item: str,
    category: str,
    quantity: int,
    unit: str,
    unit_price: Money,
    origin: str = "any",
    min_lot: int = 1,
    whole_only: bool = False,
    needed_by: date | None = None,
    note: str = "",
) -> list[Event]:
    """Draft a requirement line (the values parsed already: ``services.records.requirements.DraftRequirement``)."""
    parse_id("id", req.id)
    require_new(req)
    if quantity < 1:
        raise InvalidInput("quantity", quantity, "must be at least 1")
    if min_lot > quantity:
        raise InvalidInput("min_lot", min_lot, f"cannot exceed the quantity ({quantity})")
    if not unit_price.is_positive:
        raise InvalidInput("unit_price", str(unit_price.amount), "must be greater than zero")
    return [
        RequirementDrafted(
            id=req.id,
            recipient=recipient,
            list_month=list_month,
            priority=priority,
            rank=rank,
            item=item,
            category=category,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            origin=origin,
            min_lot=min_lot,
            whole_only=whole_only,
            needed_by=needed_by,
            note=note,
        )
    ]


def _move(req: Requirement, target: str, action: str, event: Event) -> list[Event]:
    require_exists(req)
    REQUIREMENT.check(req.id, req.state, target, action)
    return [event]


def submit(req: Requirement) -> list[Event]:
    return _move(req, "submitted", "submit", RequirementSubmitted())


def return_to_draft(req: Requirement, *, by: str, reason: str, on: date) -> list[Event]:
    """A submitted line sent back to its recipient by the coordinator, saying why (issue 17)."""
    return _move(
        req, "draft", "return to draft", RequirementReturned(by=by, reason=parse_text("reason", reason), on=on)
    )


def validate(req: Requirement, *, by: str) -> list[Event]:
    return _move(req, "validated", "validate", RequirementValidated(by=by))


def withdraw(req: Requirement, *, reason: str) -> list[Event]:
    return _move(req, "withdrawn", "withdraw", RequirementWithdrawn(reason=reason))


def reprioritise(req: Requirement, *, list_month: str, priority: int, rank: int) -> list[Event]:
    require_exists(req)
    if REQUIREMENT.is_final(req.state):
        raise RuleViolation(
            f"requirement '{req.id}' is {req.state}: it is no longer on the list", field="state", value=req.state
        )
    if list_month < req.ranking.list_month:
        raise InvalidInput(
            "list_month", list_month, f"is earlier than the current list version {req.ranking.list_month}"
        )
    return [RequirementReprioritised(list_month=list_month, priority=priority, rank=rank)]


def check_packageable(req: Requirement, quantity: int, already_packaged: int) -> None:
    """A validated requirement can be put in a package up to its quantity, in whole lots."""
    require_exists(req)
    if req.state not in REQUIREMENT.group("fundable"):
        raise RuleViolation(
            f"requirement '{req.id}' is {req.state.replace('_', ' ')}: only validated, not yet funded "
            "requirements can be put in a package",
            field="requirement",
            value=req.id,
        )
    if quantity % req.min_lot:
        raise InvalidInput("quantity", quantity, f"must be a whole multiple of the minimum lot ({req.min_lot})")
    left = req.quantity - already_packaged
    if quantity > left:
        raise RuleViolation(
            f"requirement '{req.id}' has {left} {req.unit} left to package, not {quantity}",
            field="quantity",
            value=quantity,
        )
    if req.whole_only and quantity != req.quantity:
        raise RuleViolation(
            f"requirement '{req.id}' is useful only whole: package all {req.quantity} {req.unit}",
            field="quantity",
            value=quantity,
        )


def check_still_wanted(req: Requirement) -> None:
    """Money is allocated only to lines still wanted: a withdrawn line's money went back."""
    if req.state == "withdrawn":
        raise RuleViolation(
            f"requirement '{req.id}' is withdrawn: its package lines take no more money",
            field="requirement",
            value=req.id,
        )


def record_funding(req: Requirement, funded_quantity: int) -> list[Event]:
    """Follow-up of an allocation or a release: the quantity of this requirement now fully paid for."""
    if funded_quantity == req.funded_quantity:
        return []
    target = _funding_state(req.quantity, funded_quantity)
    if target != req.state and not REQUIREMENT.is_final(req.state):
        REQUIREMENT.check(req.id, req.state, target, "record funding")
    return [RequirementFundingRecorded(funded_quantity=funded_quantity)]


def record_delivery(req: Requirement, delivered_quantity: int) -> list[Event]:
    """Follow-up of a receipt: the quantity of this requirement confirmed received."""
    if delivered_quantity == req.delivered_quantity:
        return []
    return [RequirementDeliveryRecorded(delivered_quantity=delivered_quantity)]

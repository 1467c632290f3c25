"""Packages: bundles of requirement lines, funded by allocations, approved by named parties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .agreement import Agreement, CheckItem, missing
from .entity import Entity, Event, numbered_line, require_exists, require_new, unique
from .errors import InvalidInput, RuleViolation, StepsOutstanding
from .events import (
    FunderConcurrenceRecorded,
    PackageApproved,
    PackageClosed,
    PackageContracted,
    PackageDecisionRecorded,
    PackageDelivered,
    PackageDeliveryStarted,
    PackageDrafted,
    PackageLineAdded,
    PackageLineCancelled,
    PackageProposed,
    PackageRejected,
    PackageReturned,
    PackageValidated,
)
from .lifecycle import PACKAGE
from .money import LARGEST_MINOR, Money, parse_positive_money, total
from .requirement import Requirement, check_packageable
from .values import origin_within, parse_id, parse_text

#: Where PURL and Drone Deal equipment is made, unless a line says otherwise.
DEFAULT_ORIGIN = {"purl": "US", "drone_deal": "UA"}


@dataclass
class PackageLine:
    line_no: int
    requirement_id: str
    item: str
    category: str
    quantity: int
    unit_price: Money
    origin: str
    cancelled_on: date | None = None  # taken out of the package (issue 15 item 3)

    @property
    def value(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass
class Decision:
    party: str
    decision: str  # approve | reject
    reason: str
    decided_on: date


@dataclass
class Package(Entity):
    KIND = "package"
    LABEL = "package"

    title: str = ""
    mechanism: str = ""
    seller: str = ""
    recipient: str = ""
    currency: str = ""
    approvers: tuple[str, ...] = ()
    state: str = PACKAGE.initial
    lines: dict[int, PackageLine] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    #: its validation, return to draft and funders' concurrences (issue 17, item 2)
    agreement: Agreement = field(default_factory=Agreement)

    @property
    def value(self) -> Money:
        return total((line.value for line in self.live_lines()), self.currency)

    def live_lines(self) -> list[PackageLine]:
        """The lines not cancelled."""
        return [line for line in self.lines.values() if line.cancelled_on is None]

    def line(self, line_no: int) -> PackageLine:
        return numbered_line(self, self.lines, line_no)

    # evolve ---------------------------------------------------------------------------
    def _on_PackageDrafted(self, e: PackageDrafted) -> None:
        self.title = e.title
        self.mechanism = e.mechanism
        self.seller = e.seller
        self.recipient = e.recipient
        self.currency = e.currency
        self.approvers = e.approvers

    def _on_PackageLineAdded(self, e: PackageLineAdded) -> None:
        self.lines[e.line_no] = PackageLine(
            line_no=e.line_no,
            requirement_id=e.requirement_id,
            item=e.item,
            category=e.category,
            quantity=e.quantity,
            unit_price=e.unit_price,
            origin=e.origin,
        )

    def _on_PackageLineCancelled(self, e: PackageLineCancelled) -> None:
        self.lines[e.line_no].cancelled_on = e.on

    def _on_PackageProposed(self, e: PackageProposed) -> None:
        self.state = "proposed"

    def _on_PackageDecisionRecorded(self, e: PackageDecisionRecorded) -> None:
        self.decisions.append(Decision(e.party, e.decision, e.reason, e.decided_on))

    def _on_PackageValidated(self, e: PackageValidated) -> None:
        self.agreement.on_validated(e)

    def _on_PackageReturned(self, e: PackageReturned) -> None:
        self.agreement.on_returned(e)
        self.state = "draft"

    def _on_FunderConcurrenceRecorded(self, e: FunderConcurrenceRecorded) -> None:
        self.agreement.on_concurrence(e)

    def _on_PackageApproved(self, e: PackageApproved) -> None:
        self.state = "approved"

    def _on_PackageRejected(self, e: PackageRejected) -> None:
        self.state = "rejected"

    def _on_PackageContracted(self, e: PackageContracted) -> None:
        self.state = "contracted"

    def _on_PackageDeliveryStarted(self, e: PackageDeliveryStarted) -> None:
        self.state = "delivering"

    def _on_PackageDelivered(self, e: PackageDelivered) -> None:
        self.state = "delivered"

    def _on_PackageClosed(self, e: PackageClosed) -> None:
        self.state = "closed"


# decisions ----------------------------------------------------------------------------


def draft(
    package: Package,
    *,
    title: str,
    mechanism: str,
    seller: str,
    recipient: str,
    currency: str,
    approvers: list[str] | tuple[str, ...],
) -> list[Event]:
    """Draft a package (the values parsed already: ``services.records.packages.DraftPackage``)."""
    parse_id("id", package.id)
    require_new(package)
    approver_list = list(approvers) or [seller]
    unique("approvers", approver_list)
    return [
        PackageDrafted(
            id=package.id,
            title=title,
            mechanism=mechanism,
            seller=seller,
            recipient=recipient,
            currency=currency,
            approvers=tuple(approver_list),
        )
    ]


def add_line(
    package: Package,
    requirement: Requirement,
    *,
    quantity: int,
    unit_price: Decimal | None,
    origin: str | None,
    already_packaged: int,
) -> list[Event]:
    """Add a requirement line; ``already_packaged`` is what live packages already hold of it."""
    require_exists(package)
    if package.state != "draft":
        raise RuleViolation(
            f"package '{package.id}' is {package.state}: lines can be added only while it is a draft",
            field="state",
            value=package.state,
        )
    qty = quantity
    check_packageable(requirement, qty, already_packaged)
    if requirement.recipient != package.recipient:
        raise RuleViolation(
            f"requirement '{requirement.id}' is for {requirement.recipient}, the package is for {package.recipient}",
            field="requirement",
            value=requirement.id,
        )
    price = _line_price(package, requirement, unit_price)
    if price.minor * qty >= LARGEST_MINOR:
        raise RuleViolation(f"{qty} × {price} is larger than any amount supplyline books", field="quantity", value=qty)
    line_origin = _line_origin(package, requirement, origin)
    if any(line.requirement_id == requirement.id for line in package.lines.values()):
        raise RuleViolation(
            f"package '{package.id}' already has a line for requirement '{requirement.id}'",
            field="requirement",
            value=requirement.id,
        )
    return [
        PackageLineAdded(
            line_no=len(package.lines) + 1,
            requirement_id=requirement.id,
            item=requirement.item,
            category=requirement.category,
            quantity=qty,
            unit_price=price,
            origin=line_origin,
        )
    ]


def _line_price(package: Package, requirement: Requirement, unit_price: Decimal | None) -> Money:
    """The price given, or the requirement's when it is in the package's currency."""
    if unit_price is None:
        assert requirement.unit_price is not None
        if requirement.unit_price.currency != package.currency:
            raise InvalidInput(
                "unit_price",
                None,
                f"the requirement is priced in {requirement.unit_price.currency}; give the price in {package.currency}",
            )
        return requirement.unit_price
    return parse_positive_money("unit_price", unit_price, package.currency)


def _line_origin(package: Package, requirement: Requirement, origin: str | None) -> str:
    """The country the line's equipment is made in: given, or the mechanism's; within the requirement's."""
    line_origin = origin or DEFAULT_ORIGIN.get(package.mechanism)
    if line_origin is None or line_origin == "any" or len(line_origin) != 2:
        raise InvalidInput("origin", origin, "give the country where this line's equipment is made")
    if not origin_within(line_origin, requirement.origin):
        raise RuleViolation(
            f"requirement '{requirement.id}' allows origin {requirement.origin}, not {line_origin}",
            field="origin",
            value=line_origin,
        )
    return line_origin


def propose(package: Package) -> list[Event]:
    require_exists(package)
    PACKAGE.check(package.id, package.state, "proposed", "propose")
    if not package.lines:
        raise RuleViolation(f"package '{package.id}' has no lines to propose", field="lines", value=0)
    return [PackageProposed()]


def decide(
    package: Package,
    *,
    party: str,
    decision: str,
    reason: str,
    on: date,
    funded_by_line: dict[int, Money],
    checklist: Sequence[CheckItem] = (),
) -> list[Event]:
    """A named approver's decision. The last approval approves the package, any rejection
    rejects it. Approval requires every line to be fully funded, so whatever is later
    contracted and delivered is paid for by pledges (invariant 2), and every step of the
    package's ``checklist`` taken (its mechanism's configuration: ``domain.agreement``)."""
    require_exists(package)
    verdict = decision
    target = "approved" if verdict == "approve" else "rejected"
    PACKAGE.check(package.id, package.state, target, verdict)
    if party not in package.approvers:
        raise RuleViolation(
            f"{party} is not an approver of package '{package.id}' (approvers: {', '.join(package.approvers)})",
            field="party",
            value=party,
        )
    if any(d.party == party for d in package.decisions):
        raise RuleViolation(f"{party} has already decided on package '{package.id}'", field="party", value=party)
    text = parse_text("reason", reason, allow_empty=verdict == "approve")
    events: list[Event] = [PackageDecisionRecorded(party=party, decision=verdict, reason=text, decided_on=on)]
    if verdict == "reject":
        return [*events, PackageRejected(by=party)]
    waiting = missing(checklist)
    if waiting:
        raise StepsOutstanding(package.id, waiting)
    for line in package.live_lines():
        funded = funded_by_line.get(line.line_no, Money.zero(package.currency))
        if funded < line.value:
            raise RuleViolation(
                f"package '{package.id}' line {line.line_no} ({line.item}) is funded {funded} of {line.value}: "
                "fund every line before approving",
                field="funding",
                value=line.line_no,
            )
    approved = {d.party for d in package.decisions if d.decision == "approve"} | {party}
    if approved >= set(package.approvers):
        events.append(PackageApproved())
    return events


def can_fund(package: Package) -> None:
    require_exists(package)
    if package.state not in PACKAGE.group("fundable"):
        raise RuleViolation(
            f"package '{package.id}' is {package.state}: allocations are made before it is contracted",
            field="package",
            value=package.id,
        )


def can_top_up(package: Package) -> None:
    """A contracted package's lines take allocations only to pay for a price rise."""
    require_exists(package)
    if package.state not in PACKAGE.group("top_up"):
        raise RuleViolation(
            f"package '{package.id}' is {package.state}: allocations are made before it is contracted, "
            "or to top up a contract's price rise until it is delivered",
            field="package",
            value=package.id,
        )


def mark_contracted(package: Package, contract_id: str) -> list[Event]:
    if package.state == "contracted" or package.state == "delivering":
        return []
    PACKAGE.check(package.id, package.state, "contracted", "sign a contract for it")
    return [PackageContracted(contract_id=contract_id)]


def mark_delivery_started(package: Package, shipment_id: str) -> list[Event]:
    if package.state == "delivering":
        return []
    PACKAGE.check(package.id, package.state, "delivering", "ship against it")
    return [PackageDeliveryStarted(shipment_id=shipment_id)]


def mark_delivered_if_complete(package: Package, received_by_line: dict[int, int]) -> list[Event]:
    if package.state != "delivering":
        return []
    if all(received_by_line.get(line.line_no, 0) >= line.quantity for line in package.live_lines()):
        return [PackageDelivered()]
    return []


def cancel_line(package: Package, line_no: int, *, reason: str, on: date) -> list[Event]:
    """Take a line out of a package not yet contracted; not its last line (reject the package
    instead). Its allocations go back to their pledges (the service releases them)."""
    can_fund(package)
    line = package.line(line_no)
    if line.cancelled_on is not None:
        raise RuleViolation(
            f"package '{package.id}' line {line_no} was cancelled on {line.cancelled_on.isoformat()}",
            field="line",
            value=line_no,
        )
    if len(package.live_lines()) == 1:
        raise RuleViolation(
            f"line {line_no} is the last line of package '{package.id}': reject the package instead",
            field="line",
            value=line_no,
        )
    return [PackageLineCancelled(line_no=line_no, reason=parse_text("reason", reason), on=on)]


def check_line_open(package: Package, line_no: int) -> PackageLine:
    """A line that may still be funded: not cancelled."""
    line = package.line(line_no)
    if line.cancelled_on is not None:
        raise RuleViolation(
            f"package '{package.id}' line {line_no} was cancelled on {line.cancelled_on.isoformat()}: "
            "it takes no allocation",
            field="line",
            value=line_no,
        )
    return line


def close(package: Package, *, on: date, undelivered: int = 0) -> list[Event]:
    """Close a package: delivered, or still delivering once its contracts have delivered every
    unit they hold (units an amendment cut are then never bought: their money goes back).
    ``undelivered``: units its contracts have not delivered."""
    require_exists(package)
    PACKAGE.check(package.id, package.state, "closed", "close")
    if package.state == "delivering" and undelivered > 0:
        raise RuleViolation(
            f"package '{package.id}' is delivering: its contracts have {undelivered} units still to deliver",
            field="package",
            value=package.id,
        )
    return [PackageClosed(on=on)]

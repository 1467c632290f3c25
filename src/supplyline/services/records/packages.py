"""Packages: drafting, lines, proposal, approvals by named parties, closing."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar

from ...domain import package as domain
from ...domain.money import parse_decimal
from ...domain.package import Package
from ...domain.party import Party
from ...domain.requirement import Requirement
from ...domain.values import parse_int, parse_text
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..fields import (
    DEFAULT_DISCLOSURE,
    TODAY,
    BusinessDay,
    Count,
    Currency,
    Disclosure,
    Mechanism,
    OptionalOrigin,
    choice,
    optional,
    parsed,
)
from .agreement import checklist_in
from .funding import beyond_cost, release_package_in


class DraftPackage(Command):
    ACTION: ClassVar[str] = "package.draft"
    WITHHOLDS: ClassVar[str | None] = "PackageDrafted"

    title: Annotated[str, parsed(parse_text, max_length=200)]
    mechanism: Mechanism
    seller: str
    recipient: str
    currency: Currency
    approvers: tuple[str, ...] = ()  # the seller alone when none
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(DraftPackage)
def draft_package(uow: UnitOfWork, actor: Actor, cmd: DraftPackage, expected: int | None) -> Outcome:
    """Draft a package (the optimiser drafts several in one unit of work)."""
    seller = uow.load(Party, cmd.seller, field="seller")
    recipient = uow.load(Party, cmd.recipient, field="recipient")
    for i, approver in enumerate(cmd.approvers):
        uow.load(Party, approver, field=f"approvers[{i}]")
    package = uow.get(Package, cmd.id or uow.next_id(Package, "PKG"))
    events = domain.draft(
        package,
        title=cmd.title,
        mechanism=cmd.mechanism,
        seller=seller.id,
        recipient=recipient.id,
        currency=cmd.currency,
        approvers=cmd.approvers,
    )
    return Outcome(package.id, uow.record(package, events, withhold=cmd.disclosure))


class AddLine(Command):
    ACTION: ClassVar[str] = "package.add_line"
    WITHHOLDS: ClassVar[str | None] = "PackageLineAdded"

    package_id: str
    requirement_id: str
    quantity: Count
    #: in the package's currency; the requirement's estimate when None
    unit_price: Annotated[Decimal | None, parsed(optional(parse_decimal))] = None
    origin: OptionalOrigin = None  # the mechanism's usual origin when None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(AddLine)
def add_line(uow: UnitOfWork, actor: Actor, cmd: AddLine, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    requirement = uow.load(Requirement, cmd.requirement_id, field="requirement")
    events = domain.add_line(
        package,
        requirement,
        quantity=cmd.quantity,
        unit_price=cmd.unit_price,
        origin=cmd.origin,
        already_packaged=facts.packaged_quantity(uow.conn, requirement.id),
    )
    return Outcome(package.id, uow.record(package, events, expected_version=expected, withhold=cmd.disclosure))


class ProposePackage(Command):
    ACTION: ClassVar[str] = "package.propose"

    package_id: str


@handles(ProposePackage)
def propose_package(uow: UnitOfWork, actor: Actor, cmd: ProposePackage, expected: int | None) -> Outcome:
    return moved(uow, Package, cmd.package_id, domain.propose, expected)


class Decide(Command):
    ACTION: ClassVar[str] = "package.decide"
    WITHHOLDS: ClassVar[str | None] = "PackageDecisionRecorded"

    package_id: str
    party: str
    decision: Annotated[str, parsed(choice(("approve", "reject")))]
    reason: str = ""  # needed to reject
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the reason is among the parties unless stated: ["reason=public"]


@handles(Decide)
def decide_package(uow: UnitOfWork, actor: Actor, cmd: Decide, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    party = uow.load(Party, cmd.party, field="party")
    events = domain.decide(
        package,
        party=party.id,
        decision=cmd.decision,
        reason=cmd.reason,
        on=cmd.on,
        funded_by_line=facts.funded_by_line(uow.conn, package.id, package.currency),
        checklist=checklist_in(uow, package) if cmd.decision == "approve" else (),
    )
    stored = uow.record(package, events, expected_version=expected, withhold=cmd.disclosure)
    if package.state == "rejected":  # its money goes back to its pledges, its lines reopen
        stored += release_package_in(uow, package, reason="package_rejected", on=cmd.on)
    return Outcome(package.id, stored)


class CancelLine(Command):
    ACTION: ClassVar[str] = "package.cancel_line"

    package_id: str
    line_no: Annotated[int, parsed(parse_int, "line", minimum=1)]
    reason: Annotated[str, parsed(parse_text)]
    on: BusinessDay = TODAY


@handles(CancelLine)
def cancel_line(uow: UnitOfWork, actor: Actor, cmd: CancelLine, expected: int | None) -> Outcome:
    """Take a line out of a package not yet contracted: its allocations go back to each pledge
    (in its currency, at the rate each recorded) and its requirement's units reopen (issue 15 item 3)."""
    outcome = moved(
        uow,
        Package,
        cmd.package_id,
        lambda p: domain.cancel_line(p, cmd.line_no, reason=cmd.reason, on=cmd.on),
        expected,
    )
    package = uow.load(Package, outcome.id)
    outcome.events += release_package_in(uow, package, reason="line_cancelled", on=cmd.on, line_nos=(cmd.line_no,))
    return outcome


class ClosePackage(Command):
    ACTION: ClassVar[str] = "package.close"

    package_id: str
    on: BusinessDay = TODAY


@handles(ClosePackage)
def close_package(uow: UnitOfWork, actor: Actor, cmd: ClosePackage, expected: int | None) -> Outcome:
    """Close a delivered package: no more units are bought for it, so what its lines hold beyond
    what their contracts cost goes back to the pledges (all but what was sent to the seller)."""
    contracted = facts.contracted_by_line(uow.conn, cmd.package_id)
    received = facts.received_by_package_line(uow.conn, cmd.package_id)
    undelivered = sum(max(0, q - received.get(line_no, 0)) for line_no, q in contracted.items())
    outcome = moved(
        uow, Package, cmd.package_id, lambda p: domain.close(p, on=cmd.on, undelivered=undelivered), expected
    )
    package = uow.load(Package, outcome.id)
    outcome.events += release_package_in(
        uow, package, reason="package_closed", on=cmd.on, line_totals=beyond_cost(uow, package, closed=True)
    )
    return outcome

"""Packages: drafting, lines, proposal, approvals by named parties, closing."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import package as domain
from ..domain.package import Package
from ..domain.party import Party
from ..domain.requirement import Requirement
from ..store.eventstore import Store, UnitOfWork
from . import facts
from .context import Actor, Outcome, act, business_day, withholding
from .funding import release_package_in


@dataclass(frozen=True)
class DraftPackage:
    title: str
    mechanism: str
    seller: str
    recipient: str
    currency: str
    approvers: tuple[str, ...] = ()
    id: str | None = None
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}


def draft_package(store: Store, actor: Actor, cmd: DraftPackage) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        return draft_package_in(uow, cmd)


def draft_package_in(uow: UnitOfWork, cmd: DraftPackage) -> Outcome:
    """Draft a package inside an open unit of work (the optimiser drafts several in one)."""
    withhold = withholding(cmd.disclosure, "PackageDrafted")
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
    return Outcome(package.id, uow.record(package, events, withhold=withhold))


@dataclass(frozen=True)
class AddLine:
    package_id: str
    requirement_id: str
    quantity: object
    unit_price: object | None = None
    origin: object | None = None
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}


def add_line(store: Store, actor: Actor, cmd: AddLine, *, expected_version: int | None = None) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        return add_line_in(uow, cmd, expected_version=expected_version)


def add_line_in(uow: UnitOfWork, cmd: AddLine, *, expected_version: int | None = None) -> Outcome:
    """Add a package line inside an open unit of work."""
    withhold = withholding(cmd.disclosure, "PackageLineAdded")
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
    return Outcome(package.id, uow.record(package, events, expected_version=expected_version, withhold=withhold))


def propose_package(store: Store, actor: Actor, package_id: str, *, expected_version: int | None = None) -> Outcome:
    return act(store, actor, Package, package_id, domain.propose, expected_version=expected_version)


@dataclass(frozen=True)
class Decide:
    package_id: str
    party: str
    decision: str  # approve | reject
    reason: str = ""
    on: object = None
    disclosure: object = ()  # the reason is among the parties unless stated: ["reason=public"]


def decide_package(store: Store, actor: Actor, cmd: Decide, *, expected_version: int | None = None) -> Outcome:
    day = business_day("on", cmd.on)
    withhold = withholding(cmd.disclosure, "PackageDecisionRecorded")
    with store.write(actor.party, actor.meta()) as uow:
        package = uow.load(Package, cmd.package_id, field="package")
        party = uow.load(Party, cmd.party, field="party")
        events = domain.decide(
            package,
            party=party.id,
            decision=cmd.decision,
            reason=cmd.reason,
            on=day,
            funded_by_line=facts.funded_by_line(uow.conn, package.id, package.currency),
        )
        stored = uow.record(package, events, expected_version=expected_version, withhold=withhold)
        if package.state == "rejected":  # its money goes back to its pledges, its lines reopen
            stored += release_package_in(uow, package, reason="package_rejected", on=day)
        return Outcome(package.id, stored)


def close_package(
    store: Store, actor: Actor, package_id: str, *, on: object = None, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", on)
    return act(store, actor, Package, package_id, lambda p: domain.close(p, on=day), expected_version=expected_version)

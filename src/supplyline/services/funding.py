"""Pledges and allocations: money in, and money assigned to package lines.

An allocation is decided on the pledge's stream while the ledger is locked, so the pledge
can never be over-allocated (invariant 1), and its follow-up (the requirement's funded
quantity) is recorded in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from ..domain import package as package_domain
from ..domain import pledge as domain
from ..domain import requirement as requirement_domain
from ..domain.money import Money
from ..domain.package import Package
from ..domain.party import Party
from ..domain.pledge import LineToFund, Pledge
from ..domain.requirement import Requirement
from ..domain.values import parse_int
from ..ledger.chain import StoredEvent
from ..store.eventstore import Store, UnitOfWork
from . import facts
from .context import Actor, Outcome, act, business_day, withholding


@dataclass(frozen=True)
class AnnouncePledge:
    funder: str
    amount: object
    currency: object
    pledged_on: object
    mechanism: object
    categories: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    valid_from: object = None
    valid_until: object = None
    note: str = ""
    id: str | None = None
    commit: bool = False
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}


def announce_pledge(store: Store, actor: Actor, cmd: AnnouncePledge) -> Outcome:
    withhold = withholding(cmd.disclosure, "PledgeAnnounced")
    with store.write(actor.party, actor.meta()) as uow:
        return announce_pledge_in(uow, cmd, withhold=withhold)


def announce_pledge_in(uow: UnitOfWork, cmd: AnnouncePledge, *, withhold=None) -> Outcome:
    """Announce one pledge inside an open unit of work (an import announces many in one)."""
    uow.load(Party, cmd.funder, field="funder")  # the funder must be a registered party
    pledge = uow.get(Pledge, cmd.id or uow.next_id(Pledge, "PL"))
    events = announcement(pledge, cmd)
    stored = uow.record(pledge, events, withhold=withhold)
    if cmd.commit:
        assert pledge.pledged_on is not None, "an announced pledge has a date"
        stored += uow.record(pledge, domain.commit(pledge, on=pledge.pledged_on))
    return Outcome(pledge.id, stored)


def announcement(pledge: Pledge, cmd: AnnouncePledge) -> list:
    """The events announcing ``cmd`` as ``pledge`` (decided, not recorded)."""
    return domain.announce(
        pledge,
        funder=cmd.funder,
        amount=cmd.amount,
        currency=cmd.currency,
        pledged_on=cmd.pledged_on,
        mechanism=cmd.mechanism,
        categories=cmd.categories,
        origins=cmd.origins,
        valid_from=cmd.valid_from,
        valid_until=cmd.valid_until,
        note=cmd.note,
    )


def commit_pledge(
    store: Store, actor: Actor, pledge_id: str, *, on: object = None, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", on)
    return act(store, actor, Pledge, pledge_id, lambda p: domain.commit(p, on=day), expected_version=expected_version)


def expire_pledge(
    store: Store, actor: Actor, pledge_id: str, *, on: object = None, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", on)
    return act(store, actor, Pledge, pledge_id, lambda p: domain.expire(p, on=day), expected_version=expected_version)


@dataclass(frozen=True)
class Allocate:
    pledge_id: str
    package_id: str
    line_no: object
    amount: object
    currency: object | None = None  # the pledge's currency when omitted
    on: object = None
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}


def allocate(store: Store, actor: Actor, cmd: Allocate, *, expected_version: int | None = None) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        return allocate_in(uow, cmd, expected_version=expected_version)


def allocate_in(uow: UnitOfWork, cmd: Allocate, *, expected_version: int | None = None) -> Outcome:
    """Record one allocation and its follow-ups inside an open unit of work (the optimiser
    records many this way, in one transaction)."""
    withhold = withholding(cmd.disclosure, "PledgeAllocated")
    day = business_day("on", cmd.on)
    pledge = uow.load(Pledge, cmd.pledge_id, field="pledge")
    package = uow.load(Package, cmd.package_id, field="package")
    package_domain.can_fund(package)
    line = package.line(parse_int("line", cmd.line_no, minimum=1))
    assert pledge.amount is not None
    amount = Money.parse(cmd.amount, cmd.currency or pledge.amount.currency)
    funded = facts.funded_by_line(uow.conn, package.id, package.currency).get(
        line.line_no, Money.zero(package.currency)
    )
    target = LineToFund(
        package_id=package.id,
        line_no=line.line_no,
        mechanism=package.mechanism,
        category=line.category,
        origin=line.origin,
        value=line.value,
        funded=funded,
    )
    fx_days = facts.fx_days(uow.conn, day, {pledge.amount.currency, package.currency})
    allocation_id = f"{pledge.id}.{len(pledge.allocations) + 1}"
    events = domain.allocate(pledge, allocation_id=allocation_id, line=target, amount=amount, on=day, fx_days=fx_days)
    stored = uow.record(pledge, events, expected_version=expected_version, withhold=withhold)
    requirement = uow.load(Requirement, line.requirement_id)
    stored += uow.record(
        requirement, requirement_domain.record_funding(requirement, facts.funded_quantity(uow.conn, requirement.id))
    )
    return Outcome(allocation_id, stored)


def release_package_in(
    uow: UnitOfWork, package: Package, *, reason: str, on: date, line_nos: Collection[int] | None = None
) -> list[StoredEvent]:
    """Give back to their pledges all that allocations still hold for ``package`` (or for
    ``line_nos`` of it), then record what its requirements are now funded for: the money is
    there to allocate again and the lines reopen (issue 15 item 3)."""
    held = facts.held_allocations(uow.conn, package.id)
    stored: list[StoredEvent] = []
    for pledge_id, allocation_id, line_no in held:
        if line_nos is not None and line_no not in line_nos:
            continue
        pledge = uow.load(Pledge, pledge_id)
        stored += uow.record(pledge, domain.release(pledge, allocation_id=allocation_id, reason=reason, on=on))
    for requirement_id in sorted({line.requirement_id for line in package.lines.values()}):
        requirement = uow.load(Requirement, requirement_id)
        stored += uow.record(
            requirement, requirement_domain.record_funding(requirement, facts.funded_quantity(uow.conn, requirement_id))
        )
    return stored

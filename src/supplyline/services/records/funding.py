"""Pledges and allocations: money in, and money assigned to package lines.

An allocation is decided on the pledge's stream while the ledger is locked, so the pledge
can never be over-allocated (invariant 1), and its follow-up (the requirement's funded
quantity) is recorded in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import date
from functools import partial
from typing import Annotated, ClassVar

from ...domain import amendment as amendment_domain
from ...domain import package as package_domain
from ...domain import pledge as domain
from ...domain import release_rule
from ...domain import requirement as requirement_domain
from ...domain.contract import Contract
from ...domain.errors import RuleViolation
from ...domain.lifecycle import PACKAGE
from ...domain.money import Money
from ...domain.package import Package
from ...domain.party import Party
from ...domain.pledge import LineToFund, Pledge
from ...domain.requirement import Requirement
from ...domain.values import parse_int
from ...ledger.chain import StoredEvent
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..fields import (
    DEFAULT_DISCLOSURE,
    TODAY,
    Amount,
    BusinessDay,
    Categories,
    Currency,
    Day,
    Disclosure,
    Mechanism,
    OptionalCurrency,
    OptionalDay,
    Origins,
    Text,
    money_in,
    parsed,
)


class AnnouncePledge(Command):
    ACTION: ClassVar[str] = "pledge.announce"
    WITHHOLDS: ClassVar[str | None] = "PledgeAnnounced"

    # in the order the values are checked: the first bad one is the refusal
    funder: str
    currency: Currency
    amount: Annotated[Money, money_in("currency")]
    pledged_on: Day
    valid_from: OptionalDay = None  # the pledge date when None
    valid_until: OptionalDay = None  # open-ended when None
    categories: Categories = ()  # earmarks: only these categories
    origins: Origins = ()  # earmarks: only equipment made here
    mechanism: Mechanism
    note: Text = ""
    id: str | None = None
    commit: bool = False  # also record it as committed
    #: withheld fields: ["amount=confidential@2027-01-01"] or {field: level}, parsed
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(AnnouncePledge)
def announce_pledge(uow: UnitOfWork, actor: Actor, cmd: AnnouncePledge, expected: int | None) -> Outcome:
    uow.load(Party, cmd.funder, field="funder")  # the funder must be a registered party
    pledge = uow.get(Pledge, cmd.id or uow.next_id(Pledge, "PL"))
    stored = uow.record(pledge, announcement(pledge, cmd), withhold=cmd.disclosure)
    if cmd.commit:
        assert pledge.pledged_on is not None  # just announced
        stored += uow.record(pledge, domain.commit(pledge, on=pledge.pledged_on))
    return Outcome(pledge.id, stored)


def announcement(pledge: Pledge, cmd: AnnouncePledge) -> list:
    """The events announcing ``cmd`` as ``pledge`` (decided, not recorded)."""
    return domain.announce(
        pledge,
        funder=cmd.funder,
        amount=cmd.amount,
        pledged_on=cmd.pledged_on,
        mechanism=cmd.mechanism,
        categories=cmd.categories,
        origins=cmd.origins,
        valid_from=cmd.valid_from,
        valid_until=cmd.valid_until,
        note=cmd.note,
    )


class CommitPledge(Command):
    ACTION: ClassVar[str] = "pledge.commit"

    pledge_id: str
    on: BusinessDay = TODAY


@handles(CommitPledge)
def commit_pledge(uow: UnitOfWork, actor: Actor, cmd: CommitPledge, expected: int | None) -> Outcome:
    return moved(uow, Pledge, cmd.pledge_id, lambda p: domain.commit(p, on=cmd.on), expected)


class ExpirePledge(Command):
    ACTION: ClassVar[str] = "pledge.expire"

    pledge_id: str
    on: BusinessDay = TODAY


@handles(ExpirePledge)
def expire_pledge(uow: UnitOfWork, actor: Actor, cmd: ExpirePledge, expected: int | None) -> Outcome:
    """Expire a pledge: its unused part, what it holds for packages not yet contracted, goes
    back to it first (so an exhausted pledge can expire) and those lines reopen for other
    pledges; money in contracts stays there. A refused expiry writes none of it."""
    pledge = uow.load(Pledge, cmd.pledge_id)
    stored = uow.record(pledge, [], expected_version=expected)
    for package_id in facts.packages_held_by(uow.conn, pledge.id, PACKAGE.group("fundable")):
        package = uow.load(Package, package_id)
        stored += release_package_in(uow, package, reason="pledge_expired", on=cmd.on, pledge_ids=(pledge.id,))
    stored += uow.record(pledge, domain.expire(pledge, on=cmd.on))
    return Outcome(pledge.id, stored)


class Allocate(Command):
    ACTION: ClassVar[str] = "pledge.allocate"
    WITHHOLDS: ClassVar[str | None] = "PledgeAllocated"

    pledge_id: str
    package_id: str
    line_no: Annotated[int, parsed(parse_int, "line", minimum=1)]
    amount: Amount
    currency: OptionalCurrency = None  # the pledge's currency when None
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(Allocate)
def allocate(uow: UnitOfWork, actor: Actor, cmd: Allocate, expected: int | None) -> Outcome:
    """Record one allocation and its follow-up (the requirement's funded quantity); the
    optimiser records many this way, in one transaction."""
    pledge = uow.load(Pledge, cmd.pledge_id, field="pledge")
    package = uow.load(Package, cmd.package_id, field="package")
    funded = facts.funded_by_line(uow.conn, package.id, package.currency).get(cmd.line_no, Money.zero(package.currency))
    value = _fundable_value(uow, package, cmd.line_no, funded)
    line = package_domain.check_line_open(package, cmd.line_no)
    requirement = uow.load(Requirement, line.requirement_id)
    requirement_domain.check_still_wanted(requirement)
    assert pledge.amount is not None
    amount = Money.parse(cmd.amount, cmd.currency or pledge.amount.currency)
    target = LineToFund(
        package_id=package.id,
        line_no=line.line_no,
        mechanism=package.mechanism,
        category=line.category,
        origin=line.origin,
        value=value,
        funded=funded,
    )
    fx_days = facts.fx_days(uow.conn, cmd.on, {pledge.amount.currency, package.currency})
    allocation_id = f"{pledge.id}.{len(pledge.allocations) + 1}"
    events = domain.allocate(
        pledge, allocation_id=allocation_id, line=target, amount=amount, on=cmd.on, fx_days=fx_days
    )
    stored = uow.record(pledge, events, expected_version=expected, withhold=cmd.disclosure)
    stored += uow.record(
        requirement, requirement_domain.record_funding(requirement, facts.funded_quantity(uow.conn, requirement.id))
    )
    return Outcome(allocation_id, stored)


def _fundable_value(uow: UnitOfWork, package: Package, line_no: int, funded: Money) -> Money:
    """What allocations may fund a package line up to: its value until the package is
    contracted; after, what the line now costs, so a top-up pays for a contract's price rise
    (issue 15 item 4) and nothing more. A rise still awaiting acceptance is named."""
    if package.state in PACKAGE.group("fundable"):
        package_domain.can_fund(package)
        return package.line(line_no).value
    package_domain.can_top_up(package)
    cost = Money.from_minor(facts.line_costs(uow.conn, package.id)[line_no], package.currency)
    if cost <= funded:
        for contract_id in facts.contracts_of_line(uow.conn, package.id, line_no):
            amendment_domain.refuse_while_pending(uow.load(Contract, contract_id))
        raise RuleViolation(
            f"package '{package.id}' is {package.state} and its line {line_no} is funded for what it costs "
            f"({cost}): a top-up allocation pays only for a contract's price rise",
            field="line",
            value=line_no,
        )
    return cost


def release_package_in(
    uow: UnitOfWork,
    package: Package,
    *,
    reason: str,
    on: date,
    line_nos: Collection[int] | None = None,
    pledge_ids: Collection[str] | None = None,
    line_totals: Mapping[int, Money] | None = None,
) -> list[StoredEvent]:
    """Give back to their pledges what allocations still hold for ``package`` (or for
    ``line_nos`` of it, or only those of ``pledge_ids``), then record what its requirements
    are now funded for: the money is there to allocate again and the lines reopen (issue 15
    item 3). Every trigger of a release comes through here.

    All they hold, unless ``line_totals`` names how much of each line's money goes back
    (shared over its allocations, never what was sent to the seller); the cents follow
    domain/release_rule.py."""
    held = [
        (pledge_id, allocation_id, line_no)
        for pledge_id, allocation_id, line_no in facts.held_allocations(uow.conn, package.id)
        if (line_nos is None or line_no in line_nos) and (pledge_ids is None or pledge_id in pledge_ids)
    ]
    release = partial(domain.release, reason=reason, on=on)
    if line_totals is not None:
        stored = _release_line_totals(uow, held, line_totals, release)
    else:
        stored = []
        for pledge_id, allocation_id, _ in held:
            pledge = uow.load(Pledge, pledge_id)
            stored += uow.record(pledge, release(pledge, allocation_id=allocation_id))
    for requirement_id in sorted({line.requirement_id for line in package.lines.values()}):
        requirement = uow.load(Requirement, requirement_id)
        stored += uow.record(
            requirement, requirement_domain.record_funding(requirement, facts.funded_quantity(uow.conn, requirement_id))
        )
    return stored


def _release_line_totals(
    uow: UnitOfWork, held: list[tuple[str, str, int]], line_totals: Mapping[int, Money], release: Callable
) -> list[StoredEvent]:
    """Each line's total shared over its allocations by what each may give (rule 1), up to
    what they may give together."""
    stored: list[StoredEvent] = []
    for line_no, line_total in sorted(line_totals.items()):
        on_line = [(pledge_id, allocation_id) for pledge_id, allocation_id, n in held if n == line_no]
        rooms = [_line_room(uow.load(Pledge, pledge_id), allocation_id) for pledge_id, allocation_id in on_line]
        can = sum((r.minor for r in rooms), 0)
        parts = release_rule.share(min(line_total, Money.from_minor(can, line_total.currency)), rooms)
        for (pledge_id, allocation_id), part in zip(on_line, parts, strict=True):
            if part.is_positive:
                pledge = uow.load(Pledge, pledge_id)
                stored += uow.record(pledge, release(pledge, allocation_id=allocation_id, line_amount=part))
    return stored


def _line_room(pledge: Pledge, allocation_id: str) -> Money:
    """What an allocation may give back of its line without taking transferred money (rule 3)."""
    alloc = pledge.allocation(allocation_id)
    held_for_package, _ = pledge.held_for(alloc.package_id, alloc.line_amount.currency)
    room = release_rule.released_room(alloc.held, held_for_package, domain.transferred_for(pledge, alloc.package_id))
    return release_rule.line_room(alloc.held, alloc.held_line, alloc.amount, alloc.line_amount, room)


def beyond_cost(uow: UnitOfWork, package: Package, *, closed: bool = False) -> dict[int, Money]:
    """What each line's allocations hold beyond what the line now costs (``closed``: beyond
    what its contracts cost, as no more units will be bought for it)."""
    funded = facts.funded_by_line(uow.conn, package.id, package.currency)
    costs = facts.line_costs(uow.conn, package.id, closed=closed)
    out = {}
    for line_no, money in funded.items():
        beyond = money - Money.from_minor(costs[line_no], package.currency)
        if beyond.is_positive:
            out[line_no] = beyond
    return out

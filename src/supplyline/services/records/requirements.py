"""The prioritised list: drafting, submitting, validating, re-ranking and withdrawing lines."""

from __future__ import annotations

from typing import Annotated, ClassVar

from ...domain import requirement as domain
from ...domain.lifecycle import PACKAGE
from ...domain.money import Money
from ...domain.package import Package
from ...domain.party import Party
from ...domain.requirement import MAX_PRIORITY, Requirement
from ...domain.values import parse_int, parse_text
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..fields import (
    DEFAULT_DISCLOSURE,
    TODAY,
    BusinessDay,
    Category,
    Count,
    Currency,
    Disclosure,
    Flag,
    Month,
    Note,
    OptionalDay,
    Origin,
    Reason,
    money_in,
    parsed,
)
from .funding import release_package_in

Priority = Annotated[int, parsed(parse_int, minimum=1, maximum=MAX_PRIORITY)]


class DraftRequirement(Command):
    ACTION: ClassVar[str] = "requirement.draft"
    WITHHOLDS: ClassVar[str | None] = "RequirementDrafted"

    # in the order the values are checked: the first bad one is the refusal
    recipient: str
    quantity: Count
    min_lot: Count = 1
    list_month: Month
    priority: Priority
    rank: Count
    item: Annotated[str, parsed(parse_text, max_length=200)]
    category: Category
    unit: Annotated[str, parsed(parse_text, max_length=40)]
    currency: Currency
    unit_price: Annotated[Money, money_in("currency")]
    origin: Origin = "any"
    whole_only: Flag = False
    needed_by: OptionalDay = None
    note: Note = ""
    id: str | None = None
    #: FIELD=LEVEL[@EMBARGO] texts or a mapping: the fields withheld (domain/disclosure_table.py)
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(DraftRequirement)
def draft_requirement(uow: UnitOfWork, actor: Actor, cmd: DraftRequirement, expected: int | None) -> Outcome:
    uow.load(Party, cmd.recipient, field="recipient")  # the recipient must be a registered party
    req = uow.get(Requirement, cmd.id or uow.next_id(Requirement, "REQ"))
    return Outcome(req.id, uow.record(req, drafting(req, cmd), withhold=cmd.disclosure))


def drafting(req: Requirement, cmd: DraftRequirement) -> list:
    """The events drafting ``cmd`` as ``req`` (decided, not recorded)."""
    return domain.draft(
        req,
        recipient=cmd.recipient,
        list_month=cmd.list_month,
        priority=cmd.priority,
        rank=cmd.rank,
        item=cmd.item,
        category=cmd.category,
        quantity=cmd.quantity,
        unit=cmd.unit,
        unit_price=cmd.unit_price,
        origin=cmd.origin,
        min_lot=cmd.min_lot,
        whole_only=cmd.whole_only,
        needed_by=cmd.needed_by,
        note=cmd.note,
    )


class SubmitRequirement(Command):
    ACTION: ClassVar[str] = "requirement.submit"

    requirement_id: str


@handles(SubmitRequirement)
def submit_requirement(uow: UnitOfWork, actor: Actor, cmd: SubmitRequirement, expected: int | None) -> Outcome:
    return moved(uow, Requirement, cmd.requirement_id, domain.submit, expected)


class ValidateRequirement(Command):
    ACTION: ClassVar[str] = "requirement.validate"

    requirement_id: str


@handles(ValidateRequirement)
def validate_requirement(uow: UnitOfWork, actor: Actor, cmd: ValidateRequirement, expected: int | None) -> Outcome:
    return moved(uow, Requirement, cmd.requirement_id, lambda r: domain.validate(r, by=actor.party), expected)


class WithdrawRequirement(Command):
    ACTION: ClassVar[str] = "requirement.withdraw"

    requirement_id: str
    reason: Reason
    on: BusinessDay = TODAY  # the day its packages' money goes back


@handles(WithdrawRequirement)
def withdraw_requirement(uow: UnitOfWork, actor: Actor, cmd: WithdrawRequirement, expected: int | None) -> Outcome:
    """Withdraw a line; what was allocated to it in packages not yet contracted goes back to
    its pledges (a contracted package's money stays with the contract until it is closed)."""
    outcome = moved(uow, Requirement, cmd.requirement_id, lambda r: domain.withdraw(r, reason=cmd.reason), expected)
    for package_id, line_nos in facts.lines_of_requirement(uow.conn, outcome.id, PACKAGE.group("fundable")).items():
        package = uow.load(Package, package_id)
        outcome.events += release_package_in(uow, package, reason="requirement_withdrawn", on=cmd.on, line_nos=line_nos)
    return outcome


class Reprioritise(Command):
    ACTION: ClassVar[str] = "requirement.reprioritise"

    requirement_id: str
    list_month: Month
    priority: Priority
    rank: Count


@handles(Reprioritise)
def reprioritise_requirement(uow: UnitOfWork, actor: Actor, cmd: Reprioritise, expected: int | None) -> Outcome:
    return moved(
        uow,
        Requirement,
        cmd.requirement_id,
        lambda r: domain.reprioritise(r, list_month=cmd.list_month, priority=cmd.priority, rank=cmd.rank),
        expected,
    )

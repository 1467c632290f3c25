"""The prioritised list's monthly versions and a line returned to draft (issue 17, item 1)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from sqlalchemy import select

from ...domain import list_version as domain
from ...domain import requirement as requirement_domain
from ...domain.events import ListedLine
from ...domain.list_version import ListVersion
from ...domain.party import Party
from ...domain.requirement import Requirement
from ...domain.values import parse_month
from ...store import schema as t
from ...store.eventstore import UnitOfWork
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Disclosure, parsed

Month = Annotated[str, parsed(parse_month)]


class ProposeListVersion(Command):
    ACTION: ClassVar[str] = "list_version.propose"

    recipient: str
    month: Month
    coordinator: str
    seller: str
    on: BusinessDay = TODAY


def listed_lines(uow: UnitOfWork, recipient: str) -> list[ListedLine]:
    """The recipient's lines as ranked now: those a version lists."""
    r = t.requirements
    rows = uow.conn.execute(
        select(r.c.id, r.c.priority, r.c.rank).where(r.c.recipient == recipient, r.c.state.in_(domain.LISTED))
    )
    return [ListedLine(rid, int(priority), int(rank)) for rid, priority, rank in rows]


@handles(ProposeListVersion)
def propose_list_version(uow: UnitOfWork, actor: Actor, cmd: ProposeListVersion, expected: int | None) -> Outcome:
    recipient = uow.load(Party, cmd.recipient, field="recipient")
    coordinator = uow.load(Party, cmd.coordinator, field="coordinator")
    seller = uow.load(Party, cmd.seller, field="seller")
    version = uow.get(ListVersion, domain.version_id(recipient.id, cmd.month))
    events = domain.propose(
        version,
        recipient=recipient.id,
        month=cmd.month,
        approvers=(coordinator.id, seller.id),
        lines=listed_lines(uow, recipient.id),
        on=cmd.on,
    )
    return Outcome(version.id, uow.record(version, events))


class ApproveListVersion(Command):
    ACTION: ClassVar[str] = "list_version.approve"

    version_id: str
    party: str | None = None  # the approving party: the acting party when none
    on: BusinessDay = TODAY


@handles(ApproveListVersion)
def approve_list_version(uow: UnitOfWork, actor: Actor, cmd: ApproveListVersion, expected: int | None) -> Outcome:
    version = uow.load(ListVersion, cmd.version_id, field="version")
    party = uow.load(Party, cmd.party or actor.party, field="party")
    events = domain.approve(version, party=party.id, on=cmd.on)
    return Outcome(version.id, uow.record(version, events, expected_version=expected))


class ReturnRequirement(Command):
    ACTION: ClassVar[str] = "requirement.return"
    WITHHOLDS: ClassVar[str | None] = "RequirementReturned"

    requirement_id: str
    reason: str
    by: str | None = None  # the coordinator returning it: the acting party when none
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the reason is among the parties unless stated


@handles(ReturnRequirement)
def return_requirement(uow: UnitOfWork, actor: Actor, cmd: ReturnRequirement, expected: int | None) -> Outcome:
    requirement = uow.load(Requirement, cmd.requirement_id, field="requirement")
    by = uow.load(Party, cmd.by or actor.party, field="by")
    events = requirement_domain.return_to_draft(requirement, by=by.id, reason=cmd.reason, on=cmd.on)
    return Outcome(requirement.id, uow.record(requirement, events, expected_version=expected, withhold=cmd.disclosure))

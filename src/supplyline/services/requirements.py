"""The prioritised list: drafting, submitting, validating, re-ranking and withdrawing lines."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import requirement as domain
from ..domain.party import Party
from ..domain.requirement import Requirement
from ..store.eventstore import Store, UnitOfWork
from .context import Actor, Outcome, act, withholding


@dataclass(frozen=True)
class DraftRequirement:
    recipient: str
    list_month: object
    priority: object
    rank: object
    item: object
    category: object
    quantity: object
    unit: object
    unit_price: object
    currency: object
    origin: object = "any"
    min_lot: object = 1
    whole_only: bool = False
    needed_by: object = None
    note: object = ""
    id: str | None = None
    #: FIELD=LEVEL[@EMBARGO] texts or a mapping: the fields withheld (domain/disclosure_table.py)
    disclosure: object = None


def draft_requirement(store: Store, actor: Actor, cmd: DraftRequirement) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        return draft_requirement_in(uow, cmd)


def draft_requirement_in(uow: UnitOfWork, cmd: DraftRequirement) -> Outcome:
    """Draft one requirement inside an open unit of work (an import drafts many in one)."""
    uow.load(Party, cmd.recipient, field="recipient")  # the recipient must be a registered party
    req = uow.get(Requirement, cmd.id or uow.next_id(Requirement, "REQ"))
    withhold = withholding(cmd.disclosure, "RequirementDrafted")
    return Outcome(req.id, uow.record(req, drafting(req, cmd), withhold=withhold))


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
        currency=cmd.currency,
        origin=cmd.origin,
        min_lot=cmd.min_lot,
        whole_only=cmd.whole_only,
        needed_by=cmd.needed_by,
        note=cmd.note,
    )


def _act(store: Store, actor: Actor, requirement_id: str, decide, expected_version: int | None = None) -> Outcome:
    return act(store, actor, Requirement, requirement_id, decide, expected_version=expected_version)


def submit_requirement(
    store: Store, actor: Actor, requirement_id: str, *, expected_version: int | None = None
) -> Outcome:
    return _act(store, actor, requirement_id, domain.submit, expected_version)


def validate_requirement(
    store: Store, actor: Actor, requirement_id: str, *, expected_version: int | None = None
) -> Outcome:
    return _act(store, actor, requirement_id, lambda r: domain.validate(r, by=actor.party), expected_version)


def withdraw_requirement(
    store: Store, actor: Actor, requirement_id: str, reason: str, *, expected_version: int | None = None
) -> Outcome:
    return _act(store, actor, requirement_id, lambda r: domain.withdraw(r, reason=reason), expected_version)


@dataclass(frozen=True)
class Reprioritise:
    requirement_id: str
    list_month: object
    priority: object
    rank: object


def reprioritise_requirement(
    store: Store, actor: Actor, cmd: Reprioritise, *, expected_version: int | None = None
) -> Outcome:
    return _act(
        store,
        actor,
        cmd.requirement_id,
        lambda r: domain.reprioritise(r, list_month=cmd.list_month, priority=cmd.priority, rank=cmd.rank),
        expected_version,
    )

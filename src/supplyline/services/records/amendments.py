"""Changes to signed contracts (issue 15 item 4): modifications, amendments and their
acceptance by the package's recipient and funders.

When a change takes effect, what each package line's allocations hold beyond what the line
now costs goes back to its pledges (a price fall; ``release_package_in``), and the
requirements' funded units are counted again (a price rise leaves the line short until a
top-up allocation pays for it: ``funding.Allocate`` allows one on a contracted package).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from ... import settings
from ...domain import amendment as domain
from ...domain.amendment import RATIONALES, DueAmendment, LineAmendment, LineLimits
from ...domain.contract import Contract
from ...domain.events import ContractAmended
from ...domain.package import Package
from ...domain.party import Party
from ...domain.pledge import Pledge
from ...ledger.chain import StoredEvent
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Disclosure, Note, Reason, choice, parsed
from .funding import beyond_cost, release_package_in


class AmendContract(Command):
    """Change a signed contract's lines (quantity, unit price) or its schedule's due dates."""

    ACTION: ClassVar[str] = "contract.amend"
    WITHHOLDS: ClassVar[str | None] = "ContractAmendmentProposed"

    contract_id: str
    rationale: Annotated[str, parsed(choice(RATIONALES))]
    #: each changed line as given; the domain checks them against the contract
    lines: tuple[LineAmendment, ...] = ()
    schedule: tuple[DueAmendment, ...] = ()
    description: Note = ""
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the description is among the parties unless stated


@handles(AmendContract)
def amend_contract(uow: UnitOfWork, actor: Actor, cmd: AmendContract, expected: int | None) -> Outcome:
    contract = uow.load(Contract, cmd.contract_id)
    package = uow.load(Package, contract.package_id)
    amendment_id = f"{contract.id}-A{len(contract.amendments) + 1}"
    events = domain.propose(
        contract,
        amendment_id=amendment_id,
        lines=list(cmd.lines),
        schedule=list(cmd.schedule),
        rationale=cmd.rationale,
        description=cmd.description,
        on=cmd.on,
        tolerance=settings.load().amend_tolerance,
        acceptors=acceptors(uow, package),
        limits=_limits(uow, contract, package),
    )
    stored = uow.record(contract, events, expected_version=expected, withhold=cmd.disclosure)
    stored += _take_effect(uow, contract, package, events, cmd.on)
    return Outcome(amendment_id, stored)


class AcceptAmendment(Command):
    ACTION: ClassVar[str] = "contract.accept_amendment"

    contract_id: str
    amendment_id: str
    party: str
    on: BusinessDay = TODAY


@handles(AcceptAmendment)
def accept_amendment(uow: UnitOfWork, actor: Actor, cmd: AcceptAmendment, expected: int | None) -> Outcome:
    contract = uow.load(Contract, cmd.contract_id)
    party = uow.load(Party, cmd.party, field="party")
    events = domain.accept(contract, amendment_id=cmd.amendment_id, party=party.id, on=cmd.on)
    stored = uow.record(contract, events, expected_version=expected)
    stored += _take_effect(uow, contract, uow.load(Package, contract.package_id), events, cmd.on)
    return Outcome(cmd.amendment_id, stored)


class RejectAmendment(Command):
    ACTION: ClassVar[str] = "contract.reject_amendment"
    WITHHOLDS: ClassVar[str | None] = "ContractAmendmentRejected"

    contract_id: str
    amendment_id: str
    party: str
    reason: Reason
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE  # the reason is among the parties unless stated


@handles(RejectAmendment)
def reject_amendment(uow: UnitOfWork, actor: Actor, cmd: RejectAmendment, expected: int | None) -> Outcome:
    contract = uow.load(Contract, cmd.contract_id)
    party = uow.load(Party, cmd.party, field="party")
    events = domain.reject(contract, amendment_id=cmd.amendment_id, party=party.id, reason=cmd.reason, on=cmd.on)
    return Outcome(cmd.amendment_id, uow.record(contract, events, expected_version=expected, withhold=cmd.disclosure))


def acceptors(uow: UnitOfWork, package: Package) -> tuple[str, ...]:
    """Who must accept an amendment of a contract for ``package``: its recipient, then every
    funder whose pledge holds money for it (in pledge order)."""
    funders: list[str] = []
    for pledge_id in sorted({pledge_id for pledge_id, _, _ in facts.held_allocations(uow.conn, package.id)}):
        funder = uow.load(Pledge, pledge_id).funder
        if funder not in funders and funder != package.recipient:
            funders.append(funder)
    return (package.recipient, *funders)


def _limits(uow: UnitOfWork, contract: Contract, package: Package) -> dict[int, LineLimits]:
    shipped = facts.shipping_status(uow.conn, contract.id)
    contracted = facts.contracted_by_line(uow.conn, package.id)
    return {
        n: LineLimits(
            shipped.get(n, 0),
            package.line(line.package_line_no).quantity - contracted.get(line.package_line_no, 0),
        )
        for n, line in contract.lines.items()
    }


def _take_effect(uow: UnitOfWork, contract: Contract, package: Package, events: list, on: date) -> list[StoredEvent]:
    """Once a change is in force: what the package's lines hold beyond their new cost goes
    back to the pledges, and the requirements' funded units follow the new cost."""
    if not any(isinstance(e, ContractAmended) for e in events):
        return []
    return release_package_in(uow, package, reason="contract_amended", on=on, line_totals=beyond_cost(uow, package))

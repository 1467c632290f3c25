"""Contracts for package lines, including the Drone Deal's purchase agreement."""

from __future__ import annotations

from typing import Annotated, ClassVar

from ...domain import contract as domain
from ...domain import package as package_domain
from ...domain.contract import Contract, DeliveryTerms, LineTerms
from ...domain.package import Package
from ...domain.party import Party
from ...domain.schedule import RESCHEDULE_REASONS
from ...domain.values import parse_choice, parse_int
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Day, Disclosure, parsed
from .funding import beyond_cost, release_package_in


class SignContract(Command):
    ACTION: ClassVar[str] = "contract.sign"
    WITHHOLDS: ClassVar[str | None] = "ContractSigned"

    package_id: str
    buyer: str
    supplier: str
    kind: str
    signed_on: Day
    #: each line's terms as given; the domain checks them against the package (``domain.contract.sign``)
    lines: tuple[LineTerms, ...]
    schedule: tuple[DeliveryTerms, ...] = ()
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(SignContract)
def sign_contract(uow: UnitOfWork, actor: Actor, cmd: SignContract, expected: int | None) -> Outcome:
    package = uow.load(Package, cmd.package_id, field="package")
    buyer = uow.load(Party, cmd.buyer, field="buyer")
    supplier = uow.load(Party, cmd.supplier, field="supplier")
    contract = uow.get(Contract, cmd.id or uow.next_id(Contract, "CT"))
    events = domain.sign(
        contract,
        package,
        buyer=buyer.id,
        supplier=supplier.id,
        kind=cmd.kind,
        signed_on=cmd.signed_on,
        lines=list(cmd.lines),
        schedule=list(cmd.schedule),
        contracted_by_line=facts.contracted_by_line(uow.conn, package.id),
    )
    stored = uow.record(contract, events, withhold=cmd.disclosure)
    stored += uow.record(package, package_domain.mark_contracted(package, contract.id))
    stored += release_package_in(
        uow, package, reason="contract_underrun", on=cmd.signed_on, line_totals=beyond_cost(uow, package)
    )
    return Outcome(contract.id, stored)


class RescheduleDelivery(Command):
    """Move one entry of a contract's delivery schedule (numbered in signing order)."""

    ACTION: ClassVar[str] = "contract.reschedule"

    contract_id: str
    entry: Annotated[int, parsed(parse_int, minimum=1)]
    due: Day
    reason: Annotated[str, parsed(parse_choice, choices=RESCHEDULE_REASONS)]
    on: BusinessDay = TODAY


@handles(RescheduleDelivery)
def reschedule_delivery(uow: UnitOfWork, actor: Actor, cmd: RescheduleDelivery, expected: int | None) -> Outcome:
    return moved(
        uow,
        Contract,
        cmd.contract_id,
        lambda c: domain.reschedule(c, entry=cmd.entry, due=cmd.due, reason=cmd.reason, on=cmd.on),
        expected,
    )

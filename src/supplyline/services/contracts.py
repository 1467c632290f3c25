"""Contracts for package lines, including the Drone Deal's purchase agreement."""

from __future__ import annotations

from typing import ClassVar

from ..domain import contract as domain
from ..domain import package as package_domain
from ..domain.contract import Contract, DeliveryTerms, LineTerms
from ..domain.package import Package
from ..domain.party import Party
from ..store.eventstore import UnitOfWork
from . import facts
from .bus import Command, handles
from .context import Actor, Outcome
from .fields import DEFAULT_DISCLOSURE, Day, Disclosure


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
    return Outcome(contract.id, stored)

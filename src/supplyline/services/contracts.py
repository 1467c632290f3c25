"""Contracts for package lines, including the Drone Deal's purchase agreement."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import contract as domain
from ..domain import package as package_domain
from ..domain.contract import Contract, DeliveryTerms, LineTerms
from ..domain.package import Package
from ..domain.party import Party
from ..store.eventstore import Store
from . import facts
from .context import Actor, Outcome, act, business_day, withholding


@dataclass(frozen=True)
class SignContract:
    package_id: str
    buyer: str
    supplier: str
    kind: str
    signed_on: object
    lines: tuple[LineTerms, ...]
    schedule: tuple[DeliveryTerms, ...] = ()
    id: str | None = None
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}


def sign_contract(store: Store, actor: Actor, cmd: SignContract) -> Outcome:
    withhold = withholding(cmd.disclosure, "ContractSigned")
    with store.write(actor.party, actor.meta()) as uow:
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
        stored = uow.record(contract, events, withhold=withhold)
        stored += uow.record(package, package_domain.mark_contracted(package, contract.id))
        return Outcome(contract.id, stored)


@dataclass(frozen=True)
class RescheduleDelivery:
    contract_id: str
    entry: object
    due: object
    reason: object
    on: object = None


def reschedule_delivery(
    store: Store, actor: Actor, cmd: RescheduleDelivery, *, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", cmd.on)
    return act(
        store,
        actor,
        Contract,
        cmd.contract_id,
        lambda c: domain.reschedule(c, entry=cmd.entry, due=cmd.due, reason=cmd.reason, on=day),
        expected_version=expected_version,
    )

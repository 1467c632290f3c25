"""Drone Deal co-production: facilities, production orders, lots and quality acceptance."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import facility as facility_domain
from ..domain import production as domain
from ..domain.contract import Contract
from ..domain.facility import Facility
from ..domain.party import Party
from ..domain.production import ProductionOrder
from ..domain.values import parse_int
from ..store.eventstore import Store
from . import facts
from .context import Actor, Outcome, act, business_day


@dataclass(frozen=True)
class RegisterFacility:
    name: str
    country: str
    owners: tuple[tuple[str, object], ...]
    id: str | None = None


def register_facility(store: Store, actor: Actor, cmd: RegisterFacility) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        for i, (party, _share) in enumerate(cmd.owners, start=1):
            uow.load(Party, party, field=f"owners[{i}]")
        facility = uow.get(Facility, cmd.id or uow.next_id(Facility, "FAC"))
        events = facility_domain.register(facility, name=cmd.name, country=cmd.country, owners=list(cmd.owners))
        return Outcome(facility.id, uow.record(facility, events))


@dataclass(frozen=True)
class SetCapacity:
    facility_id: str
    item: str
    from_month: str
    monthly_quantity: object


def set_capacity(store: Store, actor: Actor, cmd: SetCapacity, *, expected_version: int | None = None) -> Outcome:
    return _on_facility(
        store,
        actor,
        cmd.facility_id,
        expected_version,
        lambda f: facility_domain.set_capacity(
            f, item=cmd.item, from_month=cmd.from_month, monthly_quantity=cmd.monthly_quantity
        ),
    )


def _on_facility(store: Store, actor: Actor, facility_id: str, expected_version: int | None, decide) -> Outcome:
    return act(store, actor, Facility, facility_id, decide, expected_version=expected_version, field="facility")


@dataclass(frozen=True)
class SetItemTerms:
    facility_id: str
    item: str
    min_batch: object
    unit_cost: object
    currency: object


def set_item_terms(store: Store, actor: Actor, cmd: SetItemTerms, *, expected_version: int | None = None) -> Outcome:
    return _on_facility(
        store,
        actor,
        cmd.facility_id,
        expected_version,
        lambda f: facility_domain.set_item_terms(
            f, item=cmd.item, min_batch=cmd.min_batch, unit_cost=cmd.unit_cost, currency=cmd.currency
        ),
    )


@dataclass(frozen=True)
class PlaceOrder:
    facility_id: str
    contract_id: str
    contract_line_no: object
    quantity: object
    due: object
    id: str | None = None
    priority: object = 1


def place_order(store: Store, actor: Actor, cmd: PlaceOrder) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        facility = uow.load(Facility, cmd.facility_id, field="facility")
        contract = uow.load(Contract, cmd.contract_id, field="contract")
        order = uow.get(ProductionOrder, cmd.id or uow.next_id(ProductionOrder, "PO"))
        line_no = parse_int("contract_line", cmd.contract_line_no, minimum=1)
        events = domain.place(
            order,
            facility,
            contract,
            contract_line_no=line_no,
            quantity=cmd.quantity,
            due=cmd.due,
            already_ordered=facts.ordered_quantity(uow.conn, contract.id, line_no),
            priority=cmd.priority,
        )
        return Outcome(order.id, uow.record(order, events))


def _act(store: Store, actor: Actor, order_id: str, decide, expected_version: int | None) -> Outcome:
    return act(store, actor, ProductionOrder, order_id, decide, expected_version=expected_version)


def start_order(
    store: Store, actor: Actor, order_id: str, *, on: object = None, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", on)
    return _act(store, actor, order_id, lambda o: domain.start(o, on=day), expected_version)


def record_lot(
    store: Store,
    actor: Actor,
    order_id: str,
    *,
    quantity: object,
    produced_on: object,
    expected_version: int | None = None,
) -> Outcome:
    return _act(
        store,
        actor,
        order_id,
        lambda o: domain.produce_lot(o, quantity=quantity, produced_on=produced_on),
        expected_version,
    )


@dataclass(frozen=True)
class InspectLot:
    order_id: str
    lot_id: str
    accepted: object
    rejected: object = 0
    reason: str = ""
    on: object = None


def inspect_lot(store: Store, actor: Actor, cmd: InspectLot, *, expected_version: int | None = None) -> Outcome:
    day = business_day("on", cmd.on)
    return _act(
        store,
        actor,
        cmd.order_id,
        lambda o: domain.inspect(
            o, lot_id=cmd.lot_id, accepted=cmd.accepted, rejected=cmd.rejected, reason=cmd.reason, on=day
        ),
        expected_version,
    )


def reprioritise_order(
    store: Store, actor: Actor, order_id: str, *, priority: object, expected_version: int | None = None
) -> Outcome:
    return _act(store, actor, order_id, lambda o: domain.reprioritise(o, priority=priority), expected_version)


def cancel_order(
    store: Store, actor: Actor, order_id: str, *, reason: str, on: object = None, expected_version: int | None = None
) -> Outcome:
    day = business_day("on", on)
    return _act(store, actor, order_id, lambda o: domain.cancel(o, reason=reason, on=day), expected_version)


def reschedule_order(
    store: Store,
    actor: Actor,
    order_id: str,
    *,
    due: object,
    reason: object,
    on: object = None,
    expected_version: int | None = None,
) -> Outcome:
    day = business_day("on", on)
    return _act(
        store, actor, order_id, lambda o: domain.reschedule(o, due=due, reason=reason, on=day), expected_version
    )

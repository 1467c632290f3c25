"""Drone Deal co-production: facilities, production orders, lots and quality acceptance.

The commands parse what every order and facility command shares (dates, whole numbers,
texts); the domain checks what depends on the record (the item the facility builds, the
contract line, the order's state) and the bounds of its own numbers (``domain/production.py``).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from ...domain import facility as facility_domain
from ...domain import production as domain
from ...domain.contract import Contract
from ...domain.facility import Facility
from ...domain.money import Money
from ...domain.party import Party
from ...domain.production import ProductionOrder
from ...domain.schedule import RESCHEDULE_REASONS
from ...domain.serials import SerialRow
from ...domain.values import parse_choice, parse_int, parse_text
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..end_use import enduse as lot_serials
from ..fields import TODAY, BusinessDay, Count, Day, Month, Note, OwnerShares, Reason, money_in, parsed

Quantity0 = Annotated[int, parsed(parse_int, minimum=0)]
Priority = Annotated[int, parsed(parse_int, minimum=1, maximum=100)]  # the weight of an order's lateness
Item = Annotated[str, parsed(parse_text, max_length=200)]


class RegisterFacility(Command):
    ACTION: ClassVar[str] = "facility.register"

    name: Annotated[str, parsed(parse_text, max_length=200)]
    country: str
    owners: OwnerShares
    id: str | None = None


@handles(RegisterFacility)
def register_facility(uow: UnitOfWork, actor: Actor, cmd: RegisterFacility, expected: int | None) -> Outcome:
    for i, (party, _share) in enumerate(cmd.owners, start=1):
        uow.load(Party, party, field=f"owners[{i}]")
    facility = uow.get(Facility, cmd.id or uow.next_id(Facility, "FAC"))
    events = facility_domain.register(facility, name=cmd.name, country=cmd.country, owners=list(cmd.owners))
    return Outcome(facility.id, uow.record(facility, events))


class SetCapacity(Command):
    ACTION: ClassVar[str] = "facility.set_capacity"

    facility_id: str
    item: Item
    from_month: Month
    monthly_quantity: Quantity0


@handles(SetCapacity)
def set_capacity(uow: UnitOfWork, actor: Actor, cmd: SetCapacity, expected: int | None) -> Outcome:
    return moved(
        uow,
        Facility,
        cmd.facility_id,
        lambda f: facility_domain.set_capacity(
            f, item=cmd.item, from_month=cmd.from_month, monthly_quantity=cmd.monthly_quantity
        ),
        expected,
        field="facility",
    )


class SetItemTerms(Command):
    ACTION: ClassVar[str] = "facility.set_terms"

    facility_id: str
    item: Item
    min_batch: Count
    #: checked by ``unit_cost`` (its refusal names ``unit_cost.currency``), so parsed before it
    currency: str
    unit_cost: Annotated[Money, money_in("currency")]


@handles(SetItemTerms)
def set_item_terms(uow: UnitOfWork, actor: Actor, cmd: SetItemTerms, expected: int | None) -> Outcome:
    return moved(
        uow,
        Facility,
        cmd.facility_id,
        lambda f: facility_domain.set_item_terms(f, item=cmd.item, min_batch=cmd.min_batch, unit_cost=cmd.unit_cost),
        expected,
        field="facility",
    )


class PlaceOrder(Command):
    ACTION: ClassVar[str] = "order.place"

    facility_id: str
    contract_id: str
    contract_line_no: Annotated[int, parsed(parse_int, "contract_line", minimum=1)]
    quantity: Count
    due: Day
    id: str | None = None
    priority: Priority = 1


@handles(PlaceOrder)
def place_order(uow: UnitOfWork, actor: Actor, cmd: PlaceOrder, expected: int | None) -> Outcome:
    facility = uow.load(Facility, cmd.facility_id, field="facility")
    contract = uow.load(Contract, cmd.contract_id, field="contract")
    order = uow.get(ProductionOrder, cmd.id or uow.next_id(ProductionOrder, "PO"))
    events = domain.place(
        order,
        facility,
        contract,
        contract_line_no=cmd.contract_line_no,
        quantity=cmd.quantity,
        due=cmd.due,
        already_ordered=facts.ordered_quantity(uow.conn, contract.id, cmd.contract_line_no),
        priority=cmd.priority,
    )
    return Outcome(order.id, uow.record(order, events))


class StartOrder(Command):
    ACTION: ClassVar[str] = "order.start"

    order_id: str
    on: BusinessDay = TODAY


@handles(StartOrder)
def start_order(uow: UnitOfWork, actor: Actor, cmd: StartOrder, expected: int | None) -> Outcome:
    return moved(uow, ProductionOrder, cmd.order_id, lambda o: domain.start(o, on=cmd.on), expected)


class RecordLot(Command):
    ACTION: ClassVar[str] = "order.record_lot"

    order_id: str
    quantity: Count
    produced_on: Day
    #: the lot's serial numbers, one per unit, where its line carries them (issue 16): its
    #: shipments take them on
    serials: tuple[SerialRow, ...] = ()


@handles(RecordLot)
def record_lot(uow: UnitOfWork, actor: Actor, cmd: RecordLot, expected: int | None) -> Outcome:
    order = uow.load(ProductionOrder, cmd.order_id)
    events = domain.produce_lot(order, quantity=cmd.quantity, produced_on=cmd.produced_on)
    lot_id = events[0].data["lot_id"]
    listed, write_index = lot_serials.list_lot_serials(uow, order.stream, lot_id, cmd.quantity, cmd.serials)
    stored = uow.record(order, [*events, *listed], expected_version=expected)
    write_index(cmd.produced_on)
    return Outcome(order.id, stored)


class InspectLot(Command):
    ACTION: ClassVar[str] = "order.inspect"

    order_id: str
    lot_id: str
    accepted: Quantity0
    rejected: Quantity0 = 0
    reason: Note = ""  # needed when units are rejected
    on: BusinessDay = TODAY


@handles(InspectLot)
def inspect_lot(uow: UnitOfWork, actor: Actor, cmd: InspectLot, expected: int | None) -> Outcome:
    return moved(
        uow,
        ProductionOrder,
        cmd.order_id,
        lambda o: domain.inspect(
            o, lot_id=cmd.lot_id, accepted=cmd.accepted, rejected=cmd.rejected, reason=cmd.reason, on=cmd.on
        ),
        expected,
    )


class ReprioritiseOrder(Command):
    ACTION: ClassVar[str] = "order.reprioritise"

    order_id: str
    priority: Priority


@handles(ReprioritiseOrder)
def reprioritise_order(uow: UnitOfWork, actor: Actor, cmd: ReprioritiseOrder, expected: int | None) -> Outcome:
    return moved(uow, ProductionOrder, cmd.order_id, lambda o: domain.reprioritise(o, priority=cmd.priority), expected)


class CancelOrder(Command):
    ACTION: ClassVar[str] = "order.cancel"

    order_id: str
    reason: Reason
    on: BusinessDay = TODAY


@handles(CancelOrder)
def cancel_order(uow: UnitOfWork, actor: Actor, cmd: CancelOrder, expected: int | None) -> Outcome:
    return moved(uow, ProductionOrder, cmd.order_id, lambda o: domain.cancel(o, reason=cmd.reason, on=cmd.on), expected)


class RescheduleOrder(Command):
    """Move an open order's due date (the planner weighs lateness against the new one)."""

    ACTION: ClassVar[str] = "order.reschedule"

    order_id: str
    due: Day
    reason: Annotated[str, parsed(parse_choice, choices=RESCHEDULE_REASONS)]
    on: BusinessDay = TODAY


@handles(RescheduleOrder)
def reschedule_order(uow: UnitOfWork, actor: Actor, cmd: RescheduleOrder, expected: int | None) -> Outcome:
    return moved(
        uow,
        ProductionOrder,
        cmd.order_id,
        lambda o: domain.reschedule(o, due=cmd.due, reason=cmd.reason, on=cmd.on),
        expected,
    )

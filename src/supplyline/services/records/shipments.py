"""Shipments and receipts, with their follow-ups on the package and the requirements."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from ...domain import package as package_domain
from ...domain import requirement as requirement_domain
from ...domain import shipment as domain
from ...domain.contract import Contract
from ...domain.events import ShipmentDispatched, ShipmentReceived
from ...domain.package import Package
from ...domain.requirement import Requirement
from ...domain.schedule import RESCHEDULE_REASONS
from ...domain.serials import SerialRow
from ...domain.shipment import Shipment, ShippedLine
from ...domain.values import parse_choice
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome, moved
from ..end_use import enduse
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Day, Disclosure, Reason, ReceivedQuantities, Text, parsed


class Dispatch(Command):
    ACTION: ClassVar[str] = "shipment.dispatch"
    WITHHOLDS: ClassVar[str | None] = "ShipmentDispatched"

    contract_id: str
    shipped_on: Day
    #: each line's quantity and lots as given; the domain checks them against the contract
    lines: tuple[ShippedLine, ...]
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE
    serials: tuple[SerialRow, ...] = ()  # lines that require serial numbers: one per unit
    expected_arrival: Any = None  # a day, as given: the domain checks it against the day it left


@handles(Dispatch)
def dispatch(uow: UnitOfWork, actor: Actor, cmd: Dispatch, expected: int | None) -> Outcome:
    contract = uow.load(Contract, cmd.contract_id, field="contract")
    package = uow.load(Package, contract.package_id)
    shipment = uow.get(Shipment, cmd.id or uow.next_id(Shipment, "SH"))
    covered = facts.shipping_status(uow.conn, contract.id)
    outstanding = {n: line.quantity - covered.get(n, 0) for n, line in contract.lines.items()}
    events = domain.dispatch(
        shipment,
        contract,
        shipped_on=cmd.shipped_on,
        lines=list(cmd.lines),
        outstanding_by_line=outstanding,
        lot_available=facts.lots_available(uow.conn, contract.id),
        expected_arrival=cmd.expected_arrival,
    )
    sent, expected_day = events[:1], events[1:]  # the dispatch, then its expected arrival if stated
    stored = uow.record(shipment, sent, withhold=cmd.disclosure)
    if expected_day:
        # recorded once the shipping day is in the log, so a withheld one seals the expected day too
        uow.flush()
        stored += uow.record(shipment, expected_day)
    lines = [q for e in events if isinstance(e, ShipmentDispatched) for q in e.lines]
    shipped = {q.contract_line_no: q.quantity for q in lines}
    lots = {q.contract_line_no: [(lot.lot_id, lot.quantity) for lot in q.lots] for q in lines}
    listed, write_index = enduse.list_serials(uow, shipment.id, contract, package, shipped, cmd.serials, lots)
    if listed:
        stored += uow.record(shipment, listed)
        assert shipment.shipped_on is not None
        write_index(shipment.shipped_on)
    stored += uow.record(package, package_domain.mark_delivery_started(package, shipment.id))
    return Outcome(shipment.id, stored)


class Receive(Command):
    ACTION: ClassVar[str] = "shipment.receive"
    WITHHOLDS: ClassVar[str | None] = "ShipmentReceived"

    shipment_id: str
    received_on: Day
    quantities: ReceivedQuantities = None
    note: Text = ""
    disclosure: Disclosure = DEFAULT_DISCLOSURE
    missing: tuple[SerialRow, ...] = ()  # serials that did not arrive (serialised lines)
    damaged: tuple[SerialRow, ...] = ()  # serials that arrived damaged
    site: str | None = None  # the recipient's site that took them in (serialised lines)


@handles(Receive)
def receive(uow: UnitOfWork, actor: Actor, cmd: Receive, expected: int | None) -> Outcome:
    shipment = uow.load(Shipment, cmd.shipment_id, field="shipment")
    events = domain.receive(shipment, received_on=cmd.received_on, quantities=cmd.quantities, note=cmd.note)
    contract = uow.load(Contract, shipment.contract_id)
    package = uow.load(Package, contract.package_id)
    received = {q.contract_line_no: q.quantity for e in events if isinstance(e, ShipmentReceived) for q in e.lines}
    accounted, write_index = enduse.account_receipt(
        uow,
        shipment,
        received=received,
        missing=cmd.missing,
        damaged=cmd.damaged,
        site=cmd.site,
        recipient=package.recipient,
    )
    stored = uow.record(shipment, events, expected_version=expected, withhold=cmd.disclosure)
    if accounted:
        stored += uow.record(shipment, accounted)
        assert shipment.received_on is not None
        write_index(shipment.received_on)
    stored += uow.record(
        package,
        package_domain.mark_delivered_if_complete(package, facts.received_by_package_line(uow.conn, package.id)),
    )
    for n in shipment.lines:
        requirement = uow.load(Requirement, package.line(contract.line(n).package_line_no).requirement_id)
        stored += uow.record(
            requirement,
            requirement_domain.record_delivery(requirement, facts.delivered_quantity(uow.conn, requirement.id)),
        )
    return Outcome(shipment.id, stored)


class ReportLost(Command):
    ACTION: ClassVar[str] = "shipment.report_lost"

    shipment_id: str
    reason: Reason
    on: Day


@handles(ReportLost)
def report_lost(uow: UnitOfWork, actor: Actor, cmd: ReportLost, expected: int | None) -> Outcome:
    shipment = uow.load(Shipment, cmd.shipment_id)
    stored = uow.record(shipment, domain.lose(shipment, reason=cmd.reason, on=cmd.on), expected_version=expected)
    enduse.index_lost(uow.conn, shipment)
    return Outcome(shipment.id, stored)


class ExpectArrival(Command):
    """Move the day a shipment on its way is expected to arrive, with a reason from the
    reschedules' fixed list (``report late`` measures it against the new day)."""

    ACTION: ClassVar[str] = "shipment.expect"

    shipment_id: str
    expected_arrival: Day
    reason: Annotated[str, parsed(parse_choice, choices=RESCHEDULE_REASONS)]
    on: BusinessDay = TODAY


@handles(ExpectArrival)
def expect_arrival(uow: UnitOfWork, actor: Actor, cmd: ExpectArrival, expected: int | None) -> Outcome:
    return moved(
        uow,
        Shipment,
        cmd.shipment_id,
        lambda s: domain.expect(s, arrival=cmd.expected_arrival, reason=cmd.reason, on=cmd.on),
        expected,
        field="shipment",
    )

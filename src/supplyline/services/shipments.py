"""Shipments and receipts, with their follow-ups on the package and the requirements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..domain import package as package_domain
from ..domain import requirement as requirement_domain
from ..domain import shipment as domain
from ..domain.contract import Contract
from ..domain.events import ShipmentDispatched, ShipmentReceived
from ..domain.package import Package
from ..domain.requirement import Requirement
from ..domain.serials import SerialRow
from ..domain.shipment import Shipment, ShippedLine
from ..store.eventstore import Store
from . import enduse, facts
from .context import Actor, Outcome, act, withholding


@dataclass(frozen=True)
class Dispatch:
    contract_id: str
    shipped_on: object
    lines: tuple[ShippedLine, ...]
    id: str | None = None
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}
    serials: tuple[SerialRow, ...] = ()  # lines that require serial numbers: one per unit


def dispatch(store: Store, actor: Actor, cmd: Dispatch) -> Outcome:
    withhold = withholding(cmd.disclosure, "ShipmentDispatched")
    with store.write(actor.party, actor.meta()) as uow:
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
        )
        shipped = {q.contract_line_no: q.quantity for e in events if isinstance(e, ShipmentDispatched) for q in e.lines}
        listed, write_index = enduse.list_serials(uow, shipment.id, contract, package, shipped, cmd.serials)
        stored = uow.record(shipment, events, withhold=withhold)
        if listed:
            stored += uow.record(shipment, listed)
            assert shipment.shipped_on is not None
            write_index(shipment.shipped_on)
        stored += uow.record(package, package_domain.mark_delivery_started(package, shipment.id))
        return Outcome(shipment.id, stored)


@dataclass(frozen=True)
class Receive:
    shipment_id: str
    received_on: object
    quantities: Mapping[int, object] | None = None
    note: str = ""
    disclosure: object = ()  # withheld fields: ["amount=confidential@2027-01-01"] or {field: level}
    missing: tuple[SerialRow, ...] = ()  # serials that did not arrive (serialised lines)
    damaged: tuple[SerialRow, ...] = ()  # serials that arrived damaged
    site: str | None = None  # the recipient's site that took them in (serialised lines)


def receive(store: Store, actor: Actor, cmd: Receive, *, expected_version: int | None = None) -> Outcome:
    withhold = withholding(cmd.disclosure, "ShipmentReceived")
    with store.write(actor.party, actor.meta()) as uow:
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
        stored = uow.record(shipment, events, expected_version=expected_version, withhold=withhold)
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


def report_lost(
    store: Store, actor: Actor, shipment_id: str, *, reason: str, on: object, expected_version: int | None = None
) -> Outcome:
    return act(
        store,
        actor,
        Shipment,
        shipment_id,
        lambda s: domain.lose(s, reason=reason, on=on),
        expected_version=expected_version,
    )

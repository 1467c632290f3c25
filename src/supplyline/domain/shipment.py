"""Shipments against contract lines, and the recipient's receipt of them.

A receipt states, per line, how many units arrived; fewer than shipped is a discrepancy
that stays on record. Units that did not arrive (lost shipments, shortfalls) are still
owed under the contract and can be shipped again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from . import schedule as moving
from .contract import Contract
from .entity import Entity, Event, require_exists, require_new, unique
from .errors import InvalidInput, RuleViolation
from .events import (
    ReceivedQuantity,
    SerialsListed,
    SerialsReceived,
    ShipmentArrivalExpected,
    ShipmentDispatched,
    ShipmentLost,
    ShipmentReceived,
    ShippedLot,
    ShippedQuantity,
)
from .lifecycle import SHIPMENT
from .values import parse_date, parse_id, parse_int, parse_text


@dataclass
class LotShare:
    lot_id: str
    quantity: int


@dataclass
class ShipmentLine:
    contract_line_no: int
    quantity: int
    lots: list[LotShare] = field(default_factory=list)
    received: int | None = None
    serials: int = 0  # how many serial numbers its manifest lists (0: the line carries none)
    manifest_root: str = ""


@dataclass
class Shipment(Entity):
    KIND = "shipment"
    LABEL = "shipment"

    contract_id: str = ""
    shipped_on: date | None = None
    state: str = SHIPMENT.initial
    lines: dict[int, ShipmentLine] = field(default_factory=dict)
    received_on: date | None = None
    note: str = ""
    expected_arrival: date | None = None
    lost_on: date | None = None

    def _on_ShipmentDispatched(self, e: ShipmentDispatched) -> None:
        self.contract_id = e.contract_id
        self.shipped_on = e.shipped_on
        for line in e.lines:
            self.lines[line.contract_line_no] = ShipmentLine(
                line.contract_line_no, line.quantity, [LotShare(lot.lot_id, lot.quantity) for lot in line.lots]
            )

    def _on_ShipmentReceived(self, e: ShipmentReceived) -> None:
        self.state = "received"
        self.received_on = e.received_on
        self.note = e.note
        for line in e.lines:
            self.lines[line.contract_line_no].received = line.quantity

    def _on_SerialsListed(self, e: SerialsListed) -> None:
        line = self.lines[e.contract_line_no]
        line.serials, line.manifest_root = e.count, e.manifest_root

    def _on_SerialsReceived(self, e: SerialsReceived) -> None:
        pass  # the per-serial account lives in the serial index (store/serials.py)

    def _on_ShipmentArrivalExpected(self, e: ShipmentArrivalExpected) -> None:
        self.expected_arrival = e.expected_arrival

    def _on_ShipmentLost(self, e: ShipmentLost) -> None:
        self.state = "lost"
        self.note = e.reason
        self.lost_on = e.on


@dataclass(frozen=True)
class ShippedLine:
    contract_line_no: object
    quantity: object
    lots: tuple[tuple[str, object], ...] = ()


def dispatch(
    shipment: Shipment,
    contract: Contract,
    *,
    shipped_on: object,
    lines: list[ShippedLine],
    outstanding_by_line: dict[int, int],
    lot_available: dict[str, tuple[int, int]],
    expected_arrival: object = None,
) -> list[Event]:
    """Ship units of contract lines, expected to arrive on ``expected_arrival`` when given.

    ``outstanding_by_line``: units of each contract line not yet received or in transit.
    ``lot_available``: lot id -> (contract line, accepted units not yet shipped) for the
    lots of this contract's production orders."""
    parse_id("id", shipment.id)
    require_new(shipment)
    require_exists(contract)
    if not lines:
        raise InvalidInput("lines", [], "a shipment needs at least one line")
    out: list[ShippedQuantity] = []
    for i, given in enumerate(lines, start=1):
        line_no = parse_int(f"lines[{i}].contract_line", given.contract_line_no, minimum=1)
        contract.line(line_no)
        qty = parse_int(f"lines[{i}].quantity", given.quantity, minimum=1)
        left = outstanding_by_line.get(line_no, 0)
        if qty > left:
            raise RuleViolation(
                f"contract '{contract.id}' line {line_no} has {left} units left to ship, not {qty}",
                field=f"lines[{i}].quantity",
                value=qty,
            )
        lots = _shipped_lots(contract, i, line_no, given.lots, lot_available)
        unique(f"lines[{i}].lots", [lot.lot_id for lot in lots])
        if lots and sum(lot.quantity for lot in lots) != qty:
            raise InvalidInput(
                f"lines[{i}].lots",
                sum(lot.quantity for lot in lots),
                f"lot quantities must add up to the line's {qty} units",
            )
        out.append(ShippedQuantity(line_no, qty, tuple(lots)))
    unique("lines.contract_line", [line.contract_line_no for line in out])
    day = parse_date("shipped_on", shipped_on)
    sent: list[Event] = [ShipmentDispatched(id=shipment.id, contract_id=contract.id, shipped_on=day, lines=tuple(out))]
    if expected_arrival is not None:
        arrival = _arrival(expected_arrival, day)
        sent.append(ShipmentArrivalExpected(old_arrival=None, expected_arrival=arrival, reason=None, on=day))
    return sent


def _arrival(value: object, shipped_on: date) -> date:
    arrival = parse_date("expected_arrival", value)
    if arrival < shipped_on:
        raise InvalidInput(
            "expected_arrival", arrival.isoformat(), f"is before the shipment left ({shipped_on.isoformat()})"
        )
    return arrival


def expect(shipment: Shipment, *, arrival: object, reason: object, on: object) -> list[Event]:
    """Move the day a shipment on its way is expected to arrive (the old day stays in the log)."""
    require_exists(shipment)
    if shipment.state != "shipped":
        raise RuleViolation(
            f"shipment '{shipment.id}' is {shipment.state}: only a shipment on its way has an arrival to expect",
            field="state",
            value=shipment.state,
        )
    assert shipment.shipped_on is not None
    new = _arrival(arrival, shipment.shipped_on)
    if new == shipment.expected_arrival:
        raise RuleViolation(
            f"shipment '{shipment.id}' is already expected on {new.isoformat()}",
            field="expected_arrival",
            value=new.isoformat(),
        )
    return [
        ShipmentArrivalExpected(
            old_arrival=shipment.expected_arrival,
            expected_arrival=new,
            reason=moving.reason(reason),
            on=parse_date("on", on),
        )
    ]


def _shipped_lots(
    contract: Contract,
    i: int,
    line_no: int,
    given: tuple[tuple[str, object], ...],
    lot_available: dict[str, tuple[int, int]],
) -> list[ShippedLot]:
    """The lots line ``i`` ships from: each produced for this contract line, with enough
    accepted units left."""
    lots: list[ShippedLot] = []
    for lot_id, lot_qty in given:
        n = parse_int(f"lines[{i}].lots.{lot_id}", lot_qty, minimum=1)
        if lot_id not in lot_available:
            raise InvalidInput(f"lines[{i}].lots", lot_id, f"is not a lot produced for contract '{contract.id}'")
        lot_line, available = lot_available[lot_id]
        if lot_line != line_no:
            raise RuleViolation(
                f"lot {lot_id} was produced for contract line {lot_line}, not {line_no}",
                field=f"lines[{i}].lots",
                value=lot_id,
            )
        if n > available:
            raise RuleViolation(
                f"lot {lot_id} has {available} accepted units left to ship, not {n}",
                field=f"lines[{i}].lots",
                value=lot_id,
            )
        lots.append(ShippedLot(lot_id, n))
    return lots


def receive(
    shipment: Shipment, *, received_on: object, quantities: Mapping[int, object] | None, note: object = ""
) -> list[Event]:
    """Confirm receipt; ``quantities`` per contract line (all shipped units when omitted)."""
    require_exists(shipment)
    SHIPMENT.check(shipment.id, shipment.state, "received", "confirm receipt")
    day = parse_date("received_on", received_on)
    assert shipment.shipped_on is not None
    if day < shipment.shipped_on:
        raise InvalidInput(
            "received_on", day.isoformat(), f"is before the shipment left ({shipment.shipped_on.isoformat()})"
        )
    given = quantities or {}
    for line_no in given:
        if line_no not in shipment.lines:
            raise InvalidInput("lines", line_no, f"shipment '{shipment.id}' carries no contract line {line_no}")
    out: list[ReceivedQuantity] = []
    short = False
    for line_no, line in sorted(shipment.lines.items()):
        qty = parse_int(
            f"lines[{line_no}].quantity", given.get(line_no, line.quantity), minimum=0, maximum=line.quantity
        )
        short = short or qty < line.quantity
        out.append(ReceivedQuantity(line_no, qty))
    text = parse_text("note", note, allow_empty=not short)
    return [ShipmentReceived(received_on=day, lines=tuple(out), note=text)]


def lose(shipment: Shipment, *, reason: object, on: object) -> list[Event]:
    require_exists(shipment)
    SHIPMENT.check(shipment.id, shipment.state, "lost", "report it lost")
    return [ShipmentLost(reason=parse_text("reason", reason), on=parse_date("on", on))]

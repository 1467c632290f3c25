"""Production orders placed with a facility against a contract line, and their lots.

Lots are produced, then inspected: quality control accepts some units and may reject
others with a reason. Only accepted units count toward the order and can be shipped.

An order's priority (1, the default, up to 100) weighs its lateness in production
planning: a month late on a priority-3 order counts three times one on a priority-1 order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import schedule as moving
from .contract import Contract
from .entity import Entity, Event, iso, require_exists, require_new
from .errors import InvalidInput, RuleViolation
from .events import (
    LotInspected,
    LotProduced,
    LotSerialsListed,
    ProductionOrderCancelled,
    ProductionOrderCompleted,
    ProductionOrderPlaced,
    ProductionOrderReprioritised,
    ProductionOrderRescheduled,
    ProductionStarted,
)
from .facility import Facility
from .lifecycle import PRODUCTION_ORDER
from .values import parse_id, parse_text


@dataclass
class Lot:
    lot_id: str
    quantity: int
    produced_on: date
    accepted: int | None = None  # None until inspected
    rejected: int | None = None
    reason: str = ""
    inspected_on: date | None = None
    serials: int = 0  # how many serial numbers its manifest lists (0: none given)

    @property
    def inspected(self) -> bool:
        return self.accepted is not None


@dataclass
class ProductionOrder(Entity):
    KIND = "order"
    LABEL = "production order"

    facility_id: str = ""
    contract_id: str = ""
    contract_line_no: int = 0
    item: str = ""
    quantity: int = 0
    due: date | None = None
    priority: int = 1
    state: str = PRODUCTION_ORDER.initial
    lots: dict[str, Lot] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return sum(lot.accepted or 0 for lot in self.lots.values())

    @property
    def awaiting_inspection(self) -> int:
        return sum(lot.quantity for lot in self.lots.values() if not lot.inspected)

    def lot(self, lot_id: str) -> Lot:
        if lot_id not in self.lots:
            raise InvalidInput("lot", lot_id, f"production order '{self.id}' has no lot {lot_id}")
        return self.lots[lot_id]

    def _on_ProductionOrderPlaced(self, e: ProductionOrderPlaced) -> None:
        self.facility_id = e.facility_id
        self.contract_id = e.contract_id
        self.contract_line_no = e.contract_line_no
        self.item = e.item
        self.quantity = e.quantity
        self.due = e.due
        self.priority = e.priority

    def _on_ProductionOrderReprioritised(self, e: ProductionOrderReprioritised) -> None:
        self.priority = e.priority

    def _on_ProductionOrderRescheduled(self, e: ProductionOrderRescheduled) -> None:
        self.due = e.new_due

    def _on_ProductionStarted(self, e: ProductionStarted) -> None:
        self.state = "in_production"

    def _on_LotProduced(self, e: LotProduced) -> None:
        self.lots[e.lot_id] = Lot(e.lot_id, e.quantity, e.produced_on)

    def _on_LotSerialsListed(self, e: LotSerialsListed) -> None:
        self.lots[e.lot_id].serials = e.count

    def _on_LotInspected(self, e: LotInspected) -> None:
        lot = self.lots[e.lot_id]
        lot.accepted, lot.rejected = e.accepted, e.rejected
        lot.reason = e.reason
        lot.inspected_on = e.inspected_on

    def _on_ProductionOrderCompleted(self, e: ProductionOrderCompleted) -> None:
        self.state = "completed"

    def _on_ProductionOrderCancelled(self, e: ProductionOrderCancelled) -> None:
        self.state = "cancelled"


def place(
    order: ProductionOrder,
    facility: Facility,
    contract: Contract,
    *,
    contract_line_no: int,
    quantity: int,
    due: date,
    already_ordered: int,
    priority: int = 1,
) -> list[Event]:
    """Order units of a contract line from a facility that can build the item.

    ``already_ordered`` is what live (not cancelled) orders already hold of the line."""
    parse_id("id", order.id)
    require_new(order)
    require_exists(facility)
    require_exists(contract)
    line = contract.line(contract_line_no)
    if line.item not in facility.items:
        raise RuleViolation(
            f"facility '{facility.id}' cannot build '{line.item}' (it builds: {', '.join(sorted(facility.items)) or 'nothing yet'})",
            field="facility",
            value=facility.id,
        )
    qty = quantity
    left = line.quantity - already_ordered
    if qty > left:
        raise RuleViolation(
            f"contract '{contract.id}' line {line.line_no} has {left} units left to order, not {qty}",
            field="quantity",
            value=qty,
        )
    return [
        ProductionOrderPlaced(
            id=order.id,
            facility_id=facility.id,
            contract_id=contract.id,
            contract_line_no=line.line_no,
            item=line.item,
            quantity=qty,
            due=due,
            priority=priority,
        )
    ]


def reprioritise(order: ProductionOrder, *, priority: int) -> list[Event]:
    require_exists(order)
    if PRODUCTION_ORDER.is_final(order.state):
        raise RuleViolation(
            f"production order '{order.id}' is {order.state}: only open orders are planned",
            field="state",
            value=order.state,
        )
    new = priority
    return [] if new == order.priority else [ProductionOrderReprioritised(priority=new)]


def reschedule(order: ProductionOrder, *, due: object, reason: object, on: date) -> list[Event]:
    """Move an open order's due date (the planner weighs lateness against the new one)."""
    require_exists(order)
    if PRODUCTION_ORDER.is_final(order.state):
        raise RuleViolation(
            f"production order '{order.id}' is {order.state}: only open orders are rescheduled",
            field="state",
            value=order.state,
        )
    assert order.due is not None  # placed orders have one
    new = moving.new_due(f"production order '{order.id}'", order.due, due, not_before=None)
    return [ProductionOrderRescheduled(old_due=order.due, new_due=new, reason=moving.reason(reason), on=on)]


def start(order: ProductionOrder, *, on: date) -> list[Event]:
    require_exists(order)
    PRODUCTION_ORDER.check(order.id, order.state, "in_production", "start production")
    return [ProductionStarted(on=on)]


def _require_in_production(order: ProductionOrder, what: str) -> None:
    require_exists(order)
    if order.state != "in_production":
        raise RuleViolation(
            f"production order '{order.id}' is {order.state.replace('_', ' ')}: lots are {what} while it is in production",
            field="state",
            value=order.state,
        )


def produce_lot(order: ProductionOrder, *, quantity: int, produced_on: date) -> list[Event]:
    _require_in_production(order, "recorded")
    qty = quantity
    left = order.quantity - order.accepted - order.awaiting_inspection
    if qty > left:
        raise RuleViolation(
            f"production order '{order.id}' needs {left} more units (accepted or awaiting inspection), not {qty}",
            field="quantity",
            value=qty,
        )
    lot_id = f"{order.id}-L{len(order.lots) + 1:03d}"
    return [LotProduced(lot_id=lot_id, quantity=qty, produced_on=produced_on)]


def inspect(order: ProductionOrder, *, lot_id: str, accepted: int, rejected: int, reason: str, on: date) -> list[Event]:
    _require_in_production(order, "inspected")
    lot = order.lot(lot_id)
    if lot.inspected:
        raise RuleViolation(f"lot {lot_id} was already inspected on {iso(lot.inspected_on)}", field="lot", value=lot_id)
    ok, bad = accepted, rejected
    if ok + bad != lot.quantity:
        raise InvalidInput(
            "accepted", ok, f"accepted + rejected must equal the lot's {lot.quantity} units (got {ok} + {bad})"
        )
    text = parse_text("reason", reason, allow_empty=bad == 0)
    day = on
    if day < lot.produced_on:
        raise InvalidInput("on", day.isoformat(), f"is before the lot was produced ({lot.produced_on.isoformat()})")
    events: list[Event] = [LotInspected(lot_id=lot_id, accepted=ok, rejected=bad, reason=text, inspected_on=day)]
    if order.accepted + ok >= order.quantity:
        events.append(ProductionOrderCompleted(on=day))
    return events


def cancel(order: ProductionOrder, *, reason: str, on: date) -> list[Event]:
    require_exists(order)
    PRODUCTION_ORDER.check(order.id, order.state, "cancelled", "cancel")
    return [ProductionOrderCancelled(reason=reason, on=on)]

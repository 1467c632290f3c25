"""Events of contracts and shipments: signed, dispatched, received, lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..money import Money
from .base import Event


@dataclass(frozen=True)
class SignedLine:
    line_no: int
    package_line_no: int
    item: str
    quantity: int
    unit_price: Money


@dataclass(frozen=True)
class ScheduledDelivery:
    line_no: int
    due: date
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ContractSigned(Event):
    id: str
    package_id: str
    buyer: str
    supplier: str
    kind: str
    signed_on: date
    currency: str
    lines: tuple[SignedLine, ...]
    schedule: tuple[ScheduledDelivery, ...]


@dataclass(frozen=True)
class ShippedLot:
    lot_id: str
    quantity: int


@dataclass(frozen=True)
class ShippedQuantity:
    contract_line_no: int
    quantity: int
    lots: tuple[ShippedLot, ...]


@dataclass(frozen=True, kw_only=True)
class ShipmentDispatched(Event):
    id: str
    contract_id: str
    shipped_on: date
    lines: tuple[ShippedQuantity, ...]


@dataclass(frozen=True)
class ReceivedQuantity:
    contract_line_no: int
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ShipmentReceived(Event):
    received_on: date
    lines: tuple[ReceivedQuantity, ...]
    note: str


@dataclass(frozen=True, kw_only=True)
class ShipmentLost(Event):
    reason: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ShipmentArrivalExpected(Event):
    """A shipment is expected to arrive on ``expected_arrival``: stated when it is sent
    (``old_arrival`` and ``reason`` None) or moved later from ``old_arrival`` for ``reason``
    (one of ``schedule.RESCHEDULE_REASONS``)."""

    old_arrival: date | None
    expected_arrival: date
    reason: str | None
    on: date


@dataclass(frozen=True, kw_only=True)
class DeliveryRescheduled(Event):
    """Entry ``entry`` (1-based, in signing order) of a contract's delivery schedule moved
    from ``old_due`` to ``new_due`` for ``reason`` (one of ``contract.RESCHEDULE_REASONS``)."""

    entry: int
    line_no: int
    old_due: date
    new_due: date
    reason: str
    on: date


@dataclass(frozen=True)
class LineChange:
    """A contract line's quantity and unit price before and after an amendment."""

    line_no: int
    old_quantity: int
    new_quantity: int
    old_unit_price: Money
    new_unit_price: Money


@dataclass(frozen=True)
class DueChange:
    """Entry ``entry`` (1-based, in signing order) of the delivery schedule moved."""

    entry: int
    old_due: date
    new_due: date


@dataclass(frozen=True, kw_only=True)
class ContractAmendmentProposed(Event):
    """A change to a signed contract (issue 15 item 4): a ``modification`` (a price change
    within the tolerance, a schedule change) takes effect at once; an ``amendment`` (scope, a
    larger price change) once every party of ``awaiting`` has accepted it."""

    amendment_id: str
    kind: str  # modification | amendment
    rationale: str  # one of domain.amendment.RATIONALES
    description: str
    lines: tuple[LineChange, ...]
    schedule: tuple[DueChange, ...]
    awaiting: tuple[str, ...]  # the recipient and every funder of the package (an amendment)
    on: date


@dataclass(frozen=True, kw_only=True)
class ContractAmendmentAccepted(Event):
    amendment_id: str
    party: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ContractAmendmentRejected(Event):
    amendment_id: str
    party: str
    reason: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ContractAmended(Event):
    """The amendment's changes take effect: its lines' new quantities and prices apply."""

    amendment_id: str
    on: date

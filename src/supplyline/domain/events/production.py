"""Events of facilities, production orders and accepted production plans."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..money import Money
from .base import Event


@dataclass(frozen=True)
class OwnerShare:
    party: str
    share: Decimal  # percent


@dataclass(frozen=True, kw_only=True)
class FacilityRegistered(Event):
    id: str
    name: str
    country: str
    owners: tuple[OwnerShare, ...]


@dataclass(frozen=True, kw_only=True)
class FacilityCapacitySet(Event):
    item: str
    from_month: str
    monthly_quantity: int


@dataclass(frozen=True, kw_only=True)
class FacilityItemTermsSet(Event):
    item: str
    min_batch: int
    unit_cost: Money


@dataclass(frozen=True, kw_only=True)
class ProductionOrderPlaced(Event):
    """Version 2 added ``priority`` (co-production planning, f675527); version 1 orders were
    all of the lowest priority, 1. Both versions were recorded without a marker."""

    VERSION = 2
    UNMARKED_UNTIL = 2

    id: str
    facility_id: str
    contract_id: str
    contract_line_no: int
    item: str
    quantity: int
    due: date
    priority: int

    @classmethod
    def unmarked_version(cls, data: Mapping[str, Any]) -> int:
        return 2 if "priority" in data else 1

    @staticmethod
    def upcast_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "priority": 1}


@dataclass(frozen=True, kw_only=True)
class ProductionOrderReprioritised(Event):
    priority: int


@dataclass(frozen=True, kw_only=True)
class ProductionStarted(Event):
    on: date


@dataclass(frozen=True, kw_only=True)
class LotProduced(Event):
    lot_id: str
    quantity: int
    produced_on: date


@dataclass(frozen=True, kw_only=True)
class LotInspected(Event):
    lot_id: str
    accepted: int
    rejected: int
    reason: str
    inspected_on: date


@dataclass(frozen=True, kw_only=True)
class ProductionOrderCompleted(Event):
    on: date


@dataclass(frozen=True, kw_only=True)
class ProductionOrderCancelled(Event):
    reason: str
    on: date


@dataclass(frozen=True)
class PlannedPart:
    order_id: str
    facility_id: str
    month: str
    quantity: int


@dataclass(frozen=True)
class UnplannedQuantity:
    order_id: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ProductionPlanAccepted(Event):
    id: str
    accepted_on: date
    first_month: str
    horizon: int
    status: str
    weighted_lateness: int
    cost: Money
    input_digest: str
    parts: tuple[PlannedPart, ...]
    unplanned: tuple[UnplannedQuantity, ...]


@dataclass(frozen=True, kw_only=True)
class ProductionPlanSuperseded(Event):
    by: str
    on: date


@dataclass(frozen=True, kw_only=True)
class ProductionOrderRescheduled(Event):
    old_due: date
    new_due: date
    reason: str
    on: date

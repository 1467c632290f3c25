"""Events of a requirement's stream: drafted, moved along its life cycle, re-ranked, funded, delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..money import Money
from .base import Event


@dataclass(frozen=True, kw_only=True)
class RequirementDrafted(Event):
    id: str
    recipient: str
    list_month: str
    priority: int
    rank: int
    item: str
    category: str
    quantity: int
    unit: str
    unit_price: Money
    origin: str
    min_lot: int
    whole_only: bool
    needed_by: date | None
    note: str


@dataclass(frozen=True, kw_only=True)
class RequirementSubmitted(Event):
    pass


@dataclass(frozen=True, kw_only=True)
class RequirementValidated(Event):
    by: str


@dataclass(frozen=True, kw_only=True)
class RequirementReprioritised(Event):
    list_month: str
    priority: int
    rank: int


@dataclass(frozen=True, kw_only=True)
class RequirementFundingRecorded(Event):
    funded_quantity: int


@dataclass(frozen=True, kw_only=True)
class RequirementDeliveryRecorded(Event):
    delivered_quantity: int


@dataclass(frozen=True, kw_only=True)
class RequirementWithdrawn(Event):
    reason: str

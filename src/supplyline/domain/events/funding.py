"""Events of a pledge's stream: announced, committed, allocated, released, expired."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..money import Money
from .base import Event


@dataclass(frozen=True, kw_only=True)
class PledgeAnnounced(Event):
    id: str
    funder: str
    amount: Money
    pledged_on: date
    mechanism: str
    categories: tuple[str, ...]
    origins: tuple[str, ...]
    valid_from: date
    valid_until: date | None
    note: str


@dataclass(frozen=True, kw_only=True)
class PledgeCommitted(Event):
    on: date


@dataclass(frozen=True)
class RateUsed:
    """The dated rate an allocation was converted at (target units per source unit)."""

    source: str = field(metadata={"key": "from"})
    target: str = field(metadata={"key": "to"})
    rate: Decimal
    day: date = field(metadata={"key": "date"})


@dataclass(frozen=True, kw_only=True)
class PledgeAllocated(Event):
    allocation_id: str
    package_id: str
    line_no: int
    amount: Money  # in the pledge's currency
    line_amount: Money  # in the package's currency
    fx: RateUsed | None  # None when both are in one currency
    allocated_on: date


@dataclass(frozen=True, kw_only=True)
class PledgeExpired(Event):
    on: date


@dataclass(frozen=True, kw_only=True)
class AllocationReleased(Event):
    """Part or all of an allocation given back to its pledge as unallocated money: the
    package line it paid for no longer needs it (``reason`` says why, from RELEASE_REASONS)."""

    allocation_id: str
    package_id: str
    line_no: int
    amount: Money  # in the pledge's currency, at the rate the allocation recorded
    line_amount: Money  # in the package's currency
    reason: str
    released_on: date

"""What-if scenarios: the same problem with some capacity changed or a facility added.

A scenario only ever produces a new ``Problem``; nothing here (or in the service that runs
it) writes to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal

from .model import Line, Problem


@dataclass(frozen=True)
class CapacityChange:
    """Scale a facility's capacity (one item, or all it builds) by ``percent`` from month index ``since``."""

    facility: str
    percent: Decimal
    item: str | None = None
    since: int = 0


@dataclass(frozen=True)
class ExtraLine:
    """A facility (new, or an existing one taking up a new item) building ``monthly`` units from ``since``."""

    facility: str
    item: str
    monthly: int
    since: int = 0
    min_batch: int = 1
    unit_cost: int = 0


def scaled(quantity: int, percent: Decimal) -> int:
    """Whole units after a change of ``percent`` (rounded down: capacity is not promised)."""
    return max(int((quantity * (100 + percent) / 100).to_integral_value(rounding=ROUND_FLOOR)), 0)


def apply(problem: Problem, changes: list[CapacityChange], extra: list[ExtraLine]) -> Problem:
    lines = list(problem.lines)
    for change in changes:
        for k, line in enumerate(lines):
            if line.facility == change.facility and change.item in (None, line.item):
                capacity = tuple(
                    scaled(c, change.percent) if m >= change.since else c for m, c in enumerate(line.capacity)
                )
                lines[k] = replace(line, capacity=capacity)
    for new in extra:
        capacity = tuple(new.monthly if m >= new.since else 0 for m in range(problem.horizon))
        existing = [k for k, line in enumerate(lines) if (line.facility, line.item) == (new.facility, new.item)]
        if existing:
            old = lines[existing[0]]
            lines[existing[0]] = replace(
                old, capacity=tuple(a + b for a, b in zip(old.capacity, capacity, strict=False))
            )
        else:
            lines.append(Line(new.facility, new.item, capacity, new.min_batch, new.unit_cost))
    return Problem(problem.months, tuple(lines), problem.demands)

"""The production planning problem and its plan, as plain data.

Months are indices 0 … horizon-1 counted from the first planned month; the labels
(``YYYY-MM``) travel alongside only for display. Quantities are whole units and costs
integer minor units of one currency, so every figure the solver sees is exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """What one facility can build of one item: units per month, minimum batch, unit cost."""

    facility: str
    item: str
    capacity: tuple[int, ...]  # one entry per planned month
    min_batch: int = 1
    unit_cost: int = 0  # minor units of the plan's currency

    def usable(self, month: int) -> int:
        """Capacity that can actually be used in a month (none when a batch would not fit)."""
        cap = self.capacity[month]
        return cap if cap >= max(self.min_batch, 1) else 0


@dataclass(frozen=True)
class Demand:
    """Units of an order still to be produced, due by month index ``due`` (may be < 0: overdue)."""

    order: str
    item: str
    quantity: int
    due: int
    priority: int = 1


@dataclass(frozen=True)
class Problem:
    months: tuple[str, ...]
    lines: tuple[Line, ...]
    demands: tuple[Demand, ...]

    @property
    def horizon(self) -> int:
        return len(self.months)

    def lines_for(self, item: str) -> list[Line]:
        return [line for line in self.lines if line.item == item]

    def late_by(self, demand: Demand, month: int | None) -> int:
        """Months late if produced in ``month``; ``None`` (not planned within the horizon)
        counts as the month after the horizon and at least one month late, so leaving a
        unit unplanned is always worse than making it at any planned month."""
        if month is None:
            return max(self.horizon - demand.due, 0) + 1
        return max(month - demand.due, 0)


@dataclass(frozen=True)
class Part:
    """So many units of an order made at a facility in a month."""

    order: str
    facility: str
    month: int
    quantity: int


@dataclass
class Plan:
    parts: list[Part]
    unplanned: dict[str, int]  # order -> units not planned within the horizon
    weighted_lateness: int
    cost: int
    status: str  # optimal | feasible (time limit) | greedy
    method: str  # which engine produced it
    seconds: float = 0.0
    lateness_bound: int = 0  # proven lower bound on weighted lateness (equal to it when optimal)
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """Relative distance of the lateness from its proven bound (0 when optimal)."""
        if self.status == "optimal" or self.weighted_lateness == 0:
            return 0.0
        return (self.weighted_lateness - self.lateness_bound) / self.weighted_lateness


def weighted_lateness(problem: Problem, parts: list[Part], unplanned: dict[str, int]) -> int:
    demands = {d.order: d for d in problem.demands}
    total = sum(demands[p.order].priority * p.quantity * problem.late_by(demands[p.order], p.month) for p in parts)
    total += sum(demands[o].priority * q * problem.late_by(demands[o], None) for o, q in unplanned.items())
    return total


def cost(problem: Problem, parts: list[Part]) -> int:
    unit = {(line.facility, line.item): line.unit_cost for line in problem.lines}
    item = {d.order: d.item for d in problem.demands}
    return sum(unit[(p.facility, item[p.order])] * p.quantity for p in parts)


def violations(problem: Problem, parts: list[Part], unplanned: dict[str, int]) -> list[str]:
    """Every way the parts break the problem's rules (empty for a valid plan)."""
    found: list[str] = []
    demands = {d.order: d for d in problem.demands}
    lines = {(line.facility, line.item): line for line in problem.lines}
    made: dict[str, int] = {}
    batches: dict[tuple[str, str, int], int] = {}
    for p in parts:
        d = demands.get(p.order)
        if d is None:
            found.append(f"part for unknown order {p.order}")
            continue
        if p.quantity <= 0:
            found.append(f"order {p.order}: non-positive part {p.quantity} at {p.facility} month {p.month}")
        if not 0 <= p.month < problem.horizon:
            found.append(f"order {p.order}: month {p.month} outside the horizon")
            continue
        if (p.facility, d.item) not in lines:
            found.append(f"order {p.order}: facility {p.facility} cannot build {d.item}")
            continue
        made[p.order] = made.get(p.order, 0) + p.quantity
        key = (p.facility, d.item, p.month)
        batches[key] = batches.get(key, 0) + p.quantity
    for (facility, item, month), quantity in batches.items():
        line = lines[(facility, item)]
        if quantity > line.capacity[month]:
            found.append(f"{facility} {item} month {month}: {quantity} above capacity {line.capacity[month]}")
        if quantity < line.min_batch:
            found.append(f"{facility} {item} month {month}: batch {quantity} below minimum {line.min_batch}")
    for d in problem.demands:
        total = made.get(d.order, 0) + unplanned.get(d.order, 0)
        if total != d.quantity or unplanned.get(d.order, 0) < 0:
            found.append(f"order {d.order}: {total} units accounted for, not {d.quantity}")
    return found

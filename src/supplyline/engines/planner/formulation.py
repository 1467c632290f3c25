"""The planning problem as a mixed-integer linear model, independent of any solver.

Variables, per item:

- ``make[line, m]``   units a facility makes of the item in month m (0 … usable capacity);
- ``batch[line, m]``  1 if that facility runs the item in month m (only where the minimum
  batch is above one): ``min_batch·batch ≤ make ≤ capacity·batch``;
- ``done[order, m]``  units of the order finished in month m;
- ``short[order]``    units of the order not planned within the horizon.

Rows: every order is accounted for (``Σ done + short = quantity``) and, per item and
month, what the orders finish is what the facilities make. Which facility made which
order's units does not change lateness or cost, so orders are matched to facilities only
when the solution is read back (``parts``). Keeping that matching out of the model makes
it a lot smaller than one variable per order × facility × month.

Two objectives, minimised one after the other: weighted lateness (priority × units ×
months late), then cost among the plans with that lateness.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Part, Problem


@dataclass
class Formulation:
    lower: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    binary: list[bool] = field(default_factory=list)
    #: rows as (column indices, coefficients, lower bound, upper bound)
    rows: list[tuple[list[int], list[int], int, int]] = field(default_factory=list)
    lateness: dict[int, int] = field(default_factory=dict)
    cost: dict[int, int] = field(default_factory=dict)
    make: dict[tuple[int, int], int] = field(default_factory=dict)  # (line index, month) -> column
    batch: dict[tuple[int, int], int] = field(default_factory=dict)
    done: dict[tuple[int, int], int] = field(default_factory=dict)  # (demand index, month) -> column
    short: dict[int, int] = field(default_factory=dict)

    @property
    def columns(self) -> int:
        return len(self.lower)

    def _column(self, upper: int, *, binary: bool = False) -> int:
        self.lower.append(0)
        self.upper.append(upper)
        self.binary.append(binary)
        return len(self.lower) - 1


def formulate(problem: Problem) -> Formulation:
    f = Formulation()
    by_item: dict[str, tuple[list[int], list[int]]] = {}
    for li, line in enumerate(problem.lines):
        by_item.setdefault(line.item, ([], []))[0].append(li)
    for di, demand in enumerate(problem.demands):
        by_item.setdefault(demand.item, ([], []))[1].append(di)

    for _item, (line_ids, demand_ids) in by_item.items():
        if not demand_ids:
            continue
        open_months = set()
        for li in line_ids:
            line = problem.lines[li]
            for m in range(problem.horizon):
                cap = line.usable(m)
                if cap <= 0:
                    continue
                col = f.make[(li, m)] = f._column(cap)
                f.cost[col] = line.unit_cost
                open_months.add(m)
                if line.min_batch > 1:
                    b = f.batch[(li, m)] = f._column(1, binary=True)
                    f.rows.append(([col, b], [1, -line.min_batch], 0, cap))  # make ≥ min·batch
                    f.rows.append(([col, b], [1, -cap], -cap, 0))  # make ≤ cap·batch
        for di in demand_ids:
            d = problem.demands[di]
            cols, coefs = [], []
            for m in sorted(open_months):
                col = f.done[(di, m)] = f._column(d.quantity)
                if problem.late_by(d, m):
                    f.lateness[col] = d.priority * problem.late_by(d, m)
                cols.append(col)
                coefs.append(1)
            s = f.short[di] = f._column(d.quantity)
            f.lateness[s] = d.priority * problem.late_by(d, None)
            f.rows.append(([*cols, s], [*coefs, 1], d.quantity, d.quantity))
        for m in sorted(open_months):
            made = [f.make[(li, m)] for li in line_ids if (li, m) in f.make]
            finished = [f.done[(di, m)] for di in demand_ids]
            f.rows.append((finished + made, [1] * len(finished) + [-1] * len(made), 0, 0))
    return f


def parts_from(problem: Problem, f: Formulation, values: list[int]) -> tuple[list[Part], dict[str, int]]:
    """Read a solution back: match each month's finished order units to the facilities that
    made them (orders in the order given, facilities cheapest first)."""
    parts: list[Part] = []
    unplanned = {problem.demands[di].order: values[col] for di, col in f.short.items() if values[col] > 0}
    lines_of: dict[str, list[int]] = {}
    for li, line in enumerate(problem.lines):
        lines_of.setdefault(line.item, []).append(li)
    for line_ids in lines_of.values():
        line_ids.sort(key=lambda li: (problem.lines[li].unit_cost, problem.lines[li].facility))
    months: dict[int, dict[str, list[tuple[int, int]]]] = {}
    for (di, m), col in f.done.items():
        if values[col] > 0:
            months.setdefault(m, {}).setdefault(problem.demands[di].item, []).append((di, values[col]))
    for m in sorted(months):
        for item, finished in months[m].items():
            supply = [[li, values[f.make[(li, m)]]] for li in lines_of.get(item, []) if (li, m) in f.make]
            supply = [s for s in supply if s[1] > 0]
            k = 0
            for di, need in sorted(finished):
                while need > 0:
                    li, room = supply[k]
                    take = min(room, need)
                    parts.append(Part(problem.demands[di].order, problem.lines[li].facility, m, take))
                    need -= take
                    supply[k][1] -= take
                    if supply[k][1] == 0:
                        k += 1
    return parts, unplanned


def values_from(problem: Problem, f: Formulation, parts: list[Part], unplanned: dict[str, int]) -> list[int]:
    """A plan (e.g. the greedy one) as a full assignment of the model's columns."""
    values = [0] * f.columns
    demand_index = {d.order: di for di, d in enumerate(problem.demands)}
    line_index = {(line.facility, line.item): li for li, line in enumerate(problem.lines)}
    for p in parts:
        di = demand_index[p.order]
        li = line_index[(p.facility, problem.demands[di].item)]
        values[f.done[(di, p.month)]] += p.quantity
        values[f.make[(li, p.month)]] += p.quantity
        if (li, p.month) in f.batch:
            values[f.batch[(li, p.month)]] = 1
    for order, quantity in unplanned.items():
        values[f.short[demand_index[order]]] = quantity
    return values

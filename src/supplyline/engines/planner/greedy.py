"""The earliest-due-date baseline: what a planner with a spreadsheet would do.

Orders are taken by due month (the higher priority first on a tie) and each is filled
month by month from the first planned month, at the cheapest facility with room. A batch
is only opened when at least its minimum fits. It always gives a valid plan, is the
yardstick the optimiser is measured against, and is handed to the solver as its first
solution so the optimiser can never return a plan with more lateness than it.
"""

from __future__ import annotations

import time

from .model import Part, Plan, Problem, cost, weighted_lateness


def plan_greedy(problem: Problem) -> Plan:
    started = time.perf_counter()
    used: dict[tuple[str, str, int], int] = {}
    parts: list[Part] = []
    unplanned: dict[str, int] = {}
    lines_by_item: dict[str, list] = {}
    for line in sorted(problem.lines, key=lambda ln: (ln.unit_cost, ln.facility)):
        lines_by_item.setdefault(line.item, []).append(line)
    for demand in sorted(problem.demands, key=lambda d: (d.due, -d.priority, d.order)):
        left = demand.quantity
        for month in range(problem.horizon):
            for line in lines_by_item.get(demand.item, []):
                if left == 0:
                    break
                key = (line.facility, line.item, month)
                room = line.usable(month) - used.get(key, 0)
                take = min(room, left)
                if take <= 0 or (used.get(key, 0) == 0 and take < line.min_batch):
                    continue
                used[key] = used.get(key, 0) + take
                parts.append(Part(demand.order, line.facility, month, take))
                left -= take
        if left:
            unplanned[demand.order] = left
    return Plan(
        parts=parts,
        unplanned=unplanned,
        weighted_lateness=weighted_lateness(problem, parts, unplanned),
        cost=cost(problem, parts),
        status="greedy",
        method="greedy-edd",
        seconds=time.perf_counter() - started,
    )

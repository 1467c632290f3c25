"""Plan production: split the problem into independent parts, solve each, join the plans.

Capacity is per facility and item, so nothing couples one item's orders to another's: the
best plan of the whole is the best plan of each item put together, for lateness and, with
lateness fixed, for cost. Solving item by item keeps every model small (the joint model of
20 facilities × 100 items needs ~10 s, the parts together well under one; see bench/plan.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .greedy import plan_greedy
from .model import Plan, Problem

Solver = Callable[..., Plan]

#: below this share of the time limit an item is not worth starting the solver for
MIN_SOLVE_SECONDS = 0.01


def split_by_item(problem: Problem) -> list[Problem]:
    items = list(dict.fromkeys(d.item for d in problem.demands))
    return [
        Problem(problem.months, tuple(problem.lines_for(item)), tuple(d for d in problem.demands if d.item == item))
        for item in items
    ]


def plan_production(problem: Problem, *, time_limit: float = 10.0, solve: Solver | None = None) -> Plan:
    """The plan with least weighted lateness, then least cost, within ``time_limit`` seconds
    (HiGHS unless ``solve`` is given)."""
    if solve is None:
        # HiGHS brings NumPy and SciPy: loaded when a plan is made, not when the CLI starts
        from .highs import solve_highs

        solve = solve_highs
    started = time.perf_counter()
    parts = split_by_item(problem)
    weights = [1 + sum(sum(1 for c in line.capacity if c) for line in p.lines) * len(p.demands) for p in parts]
    plans: list[Plan] = []
    kept_greedy: set[int] = set()
    for k, part in enumerate(parts):
        left = time_limit - (time.perf_counter() - started)
        # a fair share of what is left: time an item does not use passes on to the next ones
        share = left * weights[k] / sum(weights[k:])
        if share < MIN_SOLVE_SECONDS:
            plans.append(_greedy_fallback(part))
            kept_greedy.add(k)
            continue
        plans.append(solve(part, time_limit=share))
    # time the quick items did not use goes to the items not proven optimal yet
    unproven = [k for k, p in enumerate(plans) if p.status != "optimal"]
    for n, k in enumerate(unproven):
        share = (time_limit - (time.perf_counter() - started)) / (len(unproven) - n)
        if share < MIN_SOLVE_SECONDS:
            break
        again = solve(parts[k], time_limit=share)
        if (again.weighted_lateness, again.cost) <= (plans[k].weighted_lateness, plans[k].cost):
            again.lateness_bound = max(again.lateness_bound, plans[k].lateness_bound)
            plans[k] = again
            kept_greedy.discard(k)
    plan = join(plans, seconds=time.perf_counter() - started)
    if kept_greedy:
        plan.notes.append(f"time limit reached: {len(kept_greedy)} item(s) keep the earliest-due-date plan")
    return plan


def _greedy_fallback(problem: Problem) -> Plan:
    """Out of time: the greedy plan, valid but with no proven bound."""
    plan = plan_greedy(problem)
    plan.status = "feasible"
    return plan


def join(plans: list[Plan], *, seconds: float) -> Plan:
    proven = all(p.status == "optimal" for p in plans)
    methods = sorted({p.method for p in plans})
    return Plan(
        parts=[part for p in plans for part in p.parts],
        unplanned={o: q for p in plans for o, q in p.unplanned.items()},
        weighted_lateness=sum(p.weighted_lateness for p in plans),
        cost=sum(p.cost for p in plans),
        status="optimal" if proven else "feasible",
        method="+".join(methods) or "none",
        seconds=seconds,
        lateness_bound=sum(p.lateness_bound for p in plans),
        notes=sorted({n for p in plans for n in p.notes}),
    )

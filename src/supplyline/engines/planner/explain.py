"""Why the plan is what it is: per order, which parts are made where and when, and for a
late order, which capacity held it back. Also what moved between two plans.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Demand, Part, Plan, Problem


def explain(problem: Problem, plan: Plan) -> list[dict]:
    """One entry per order, in due order, with month labels instead of indices."""
    used: dict[tuple[str, str, int], int] = {}
    by_order: dict[str, list[Part]] = {}
    demands = {d.order: d for d in problem.demands}
    for p in plan.parts:
        by_order.setdefault(p.order, []).append(p)
        key = (p.facility, demands[p.order].item, p.month)
        used[key] = used.get(key, 0) + p.quantity
    out = []
    for d in sorted(problem.demands, key=lambda d: (d.due, -d.priority, d.order)):
        parts = sorted(by_order.get(d.order, []), key=lambda p: (p.month, p.facility))
        short = plan.unplanned.get(d.order, 0)
        late = [problem.late_by(d, p.month) for p in parts if problem.late_by(d, p.month)]
        if short:
            late.append(problem.late_by(d, None))
        entry = {
            "order": d.order,
            "item": d.item,
            "quantity": d.quantity,
            "priority": d.priority,
            "due": month_label(problem, d.due),
            "parts": [
                {
                    "facility": p.facility,
                    "month": problem.months[p.month],
                    "quantity": p.quantity,
                    "months_late": problem.late_by(d, p.month),
                }
                for p in parts
            ],
            "unplanned": short,
            "finished": None if short or not parts else problem.months[parts[-1].month],
            "months_late": max(late, default=0),
            "weighted_lateness": d.priority
            * (sum(p.quantity * problem.late_by(d, p.month) for p in parts) + short * problem.late_by(d, None)),
            "bottleneck": bottleneck(problem, d, used) if late else None,
        }
        out.append(entry)
    return out


def month_label(problem: Problem, index: int) -> str:
    if 0 <= index < problem.horizon:
        return problem.months[index]
    return f"{index:+d} months from {problem.months[0]}" if problem.months else str(index)


def bottleneck(problem: Problem, demand: Demand, used: dict[tuple[str, str, int], int]) -> dict:
    """The capacity that kept a late order from finishing on time: per facility able to build
    the item, the months up to the due month in which it was full, had no usable capacity,
    or had room left (only possible when a minimum batch did not fit what was left)."""
    lines = problem.lines_for(demand.item)
    last = min(demand.due, problem.horizon - 1)
    if demand.due < 0:
        return {
            "reason": f"due before the first planned month {problem.months[0]}: late whatever the plan",
            "facilities": [],
        }
    if not lines:
        return {"reason": f"no facility can build {demand.item}", "facilities": []}
    facilities = []
    for line in lines:
        full, none, spare = [], [], []
        for m in range(last + 1):
            usable = line.usable(m)
            made = used.get((line.facility, line.item, m), 0)
            if usable == 0:
                none.append(m)
            elif made >= usable:
                full.append(m)
            else:
                spare.append(m)
        facilities.append(
            {
                "facility": line.facility,
                "full": _ranges(problem, full),
                "no_capacity": _ranges(problem, none),
                "room_left": [
                    {
                        "month": problem.months[m],
                        "units": line.usable(m) - used.get((line.facility, line.item, m), 0),
                        "min_batch": line.min_batch,
                    }
                    for m in spare
                ],
            }
        )
    months = f"{problem.months[0]}…{problem.months[last]}"
    if all(not f["room_left"] for f in facilities):
        reason = f"every facility that builds {demand.item} was full or had no capacity in {months}"
    else:
        reason = (
            f"room left in {months} was too small for a minimum batch, or was taken by orders due "
            f"earlier or weighted higher"
        )
    return {"reason": reason, "facilities": facilities}


def _ranges(problem: Problem, months: list[int]) -> list[str]:
    """Consecutive months folded into 'first…last' spans."""
    spans: list[str] = []
    start: int | None = None
    prev: int | None = None
    for m in [*months, None]:
        if m is not None and prev is not None and m == prev + 1:
            prev = m
            continue
        if start is not None and prev is not None:
            spans.append(problem.months[start] if start == prev else f"{problem.months[start]}…{problem.months[prev]}")
        start = prev = m
    return spans


@dataclass(frozen=True)
class Placed:
    """A part of a plan in the terms that outlive one planning run (month label, not index)."""

    order: str
    facility: str
    month: str
    quantity: int


def placed(problem: Problem, parts: list[Part]) -> list[Placed]:
    return [Placed(p.order, p.facility, problem.months[p.month], p.quantity) for p in parts]


def moves(before: list[Placed], after: list[Placed], *, from_month: str) -> list[dict]:
    """What changed between two plans, per order, facility and month (from ``from_month`` on:
    what an earlier plan put in months already past is history, not a move)."""

    def totals(parts: list[Placed]) -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = {}
        for p in parts:
            if p.month >= from_month:
                key = (p.order, p.facility, p.month)
                out[key] = out.get(key, 0) + p.quantity
        return out

    old, new = totals(before), totals(after)
    changes = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key, 0), new.get(key, 0)
        if was != now:
            changes.append(
                {"order": key[0], "facility": key[1], "month": key[2], "before": was, "after": now, "change": now - was}
            )
    return changes

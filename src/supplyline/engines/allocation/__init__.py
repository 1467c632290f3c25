"""The allocation optimiser: fund the most important needs first, optimally, within every earmark.

Pure: it is given pledges, open requirement lines, the allocation day and FX rates, and
returns exact allocations (whole lots × unit price, converted the domain's way), the
coverage per tier with its proven bound, the greedy baseline for comparison, and the
explanations. Nothing here reads or writes the database.

    pool      instance.py   pledge classes, line classes, nodes (earmark_refusal decides)
    build     model.py      the pooled MILP as sparse arrays
    solve     plan.py       tier by tier; HiGHS or CBC (solvers.py); LP first, MILP if needed
    split     splitback.py  exact money per pledge and line, and an independent check
    baseline  greedy.py     what is done by hand today
    explain   explain.py    reasons and the price of each earmark
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .explain import explain
from .greedy import greedy
from .instance import Instance, Need, Pooled, line_origin, pool
from .model import TIERS, Model, build
from .plan import Solution, TierOutcome, optimise
from .splitback import Piece, Plan, Purchase, check, coverage_by_tier, split_back, without_small_packages

__all__ = [
    "Instance",
    "Need",
    "Piece",
    "Plan",
    "Purchase",
    "Result",
    "allocate",
    "check",
    "coverage_by_tier",
    "greedy",
    "lexicographic_compare",
    "line_origin",
]


@dataclass
class Result:
    plan: Plan
    baseline: Plan
    tiers: list[TierOutcome]  # coverage of the plan returned, with the solver's bound
    baseline_coverage: list[float]
    label: str  # certified | instant | greedy (…)
    solver: str
    mode: str
    timings: dict[str, float]
    explanations: dict = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    rates: dict = field(default_factory=dict)  # currency -> units of the plan currency, as used

    @property
    def gap(self) -> float:
        return max((t.gap for t in self.tiers), default=0.0)

    @property
    def coverage(self) -> list[float]:
        return [t.coverage for t in self.tiers]


def lexicographic_compare(a: list[float], b: list[float], tolerance: float = 1e-9) -> int:
    """+1 if coverage vector ``a`` is better (tier 1 first), −1 if worse, 0 if equal."""
    for x, y in zip(a, b, strict=False):
        if abs(x - y) > tolerance * max(1.0, abs(x), abs(y)):
            return 1 if x > y else -1
    return 0


def allocate(
    instance: Instance,
    *,
    backend: str = "race",
    time_limit: float = 60.0,
    rel_gap: float = 1e-3,
    instant: bool = False,
    exact: bool | None = None,
    explain_plan: bool = True,
) -> Result:
    """The certified plan (or the instant one, or the greedy baseline when it covers more),
    checked against the instance's rules, with what each step took."""
    timings: dict[str, float] = {}
    began = time.perf_counter()
    pooled = pool(instance)
    model = build(instance, pooled)
    timings["build"] = time.perf_counter() - began

    solving = {"backend": backend, "time_limit": time_limit, "rel_gap": rel_gap, "instant": instant, "exact": exact}
    solution, baseline = _solve_beside_baseline(instance, pooled, model, timings, **solving)
    baseline_coverage = coverage_by_tier(baseline, TIERS)

    began = time.perf_counter()
    if solution is None:
        plan, label, mode, bounds = baseline, "greedy (the solver found no plan within its time limit)", "greedy", None
    else:
        plan = without_small_packages(instance, split_back(instance, model, solution.lots, solution.flows))
        label, mode, bounds = ("instant" if instant else "certified"), solution.mode, solution.tiers
        if lexicographic_compare(coverage_by_tier(plan, TIERS), baseline_coverage) < 0:
            plan, label = baseline, "greedy (it covered more than the solver's plan within its time limit)"
    _check(instance, plan)
    timings["split_back"] = time.perf_counter() - began

    tiers = _tier_outcomes(coverage_by_tier(plan, TIERS), pooled, bounds)
    result = Result(
        plan,
        baseline,
        tiers,
        baseline_coverage,
        label,
        backend if solution else "greedy",
        mode,
        timings,
        sizes=_sizes(instance, pooled, model, plan),
        rates=pooled.exact_rates,
    )
    if explain_plan:
        began = time.perf_counter()
        result.explanations = explain(instance, pooled, plan)
        timings["explain"] = time.perf_counter() - began
    return result


def _check(instance: Instance, plan: Plan) -> None:
    """The engine's own guarantee: never show or record a plan that breaks the instance's rules."""
    problems = check(instance, plan)
    if problems:
        raise AssertionError("the allocation plan failed its own check: " + "; ".join(problems[:5]))


def _solve_beside_baseline(
    instance: Instance, pooled: Pooled, model: Model, timings: dict[str, float], **solving: Any
) -> tuple[Solution | None, Plan]:
    """The solver's solution (None when it found none in time) and the greedy baseline.

    The baseline is worked out while the solver runs: HiGHS solves in a thread of its own
    without Python's lock, so on two cores the greedy pass costs no time of its own."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="greedy") as beside:
        baseline_done = beside.submit(_baseline, instance, pooled)
        began = time.perf_counter()
        solution: Solution | None = optimise(model, **solving)
        timings["solve"] = time.perf_counter() - began
        baseline, timings["greedy"] = baseline_done.result()
    return solution, baseline


def _baseline(instance: Instance, pooled: Pooled) -> tuple[Plan, float]:
    """The greedy plan (what is done by hand), and the seconds it took."""
    began = time.perf_counter()
    return without_small_packages(instance, greedy(instance, pooled)), time.perf_counter() - began


def _tier_outcomes(coverage: list[float], pooled: Pooled, bounds: list[TierOutcome] | None) -> list[TierOutcome]:
    """Per tier: the plan's coverage, the solver's bound for it (NaN for the greedy plan)."""
    lines = [int(sum(1 for n in pooled.needs if n.tier == t)) for t in range(1, TIERS + 1)]
    return [
        TierOutcome(
            t + 1,
            coverage[t],
            max(bounds[t].bound, coverage[t]) if bounds else float("nan"),
            lines[t],
            bounds[t].method if bounds else "greedy",
        )
        for t in range(TIERS)
    ]


def _sizes(instance: Instance, pooled: Pooled, model: Model, plan: Plan) -> dict[str, int]:
    """How big the instance and the model were."""
    return {
        "pledges": len(instance.pledges),
        "pledge_classes": len(pooled.class_keys),
        "lines": len(instance.needs),
        "candidate_lines": len(pooled.needs),
        "line_classes": len(pooled.line_class_keys),
        "nodes": len(pooled.nodes),
        "columns": model.A.shape[1],
        "rows": model.A.shape[0],
        "nonzeros": model.A.nnz,
        "lots_dropped_in_split_back": plan.lots_dropped,
    }

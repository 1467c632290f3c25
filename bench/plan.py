"""Benchmark of the production planner: HiGHS and CP-SAT on one model, beside the
earliest-due-date greedy baseline.

    python bench/plan.py [--time-limit 10] [--quick]

Instances: 5, 20 and 50 facilities × 20, 100 and 300 items × 24 months (the full grid),
random but reproducible (fixed seeds). Per instance and method it prints solve time,
weighted lateness, cost, status and gap, and the ratios to greedy, measured side by side
in one run; it writes the same as JSON to bench/out/plan.json.

Target (issue 7): 20 facilities × 100 items × 24 months solved to a proven optimum, or
within 1 % gap, in at most 10 s on 2 cores, with lateness never worse than greedy.

Only OR-Tools' CP-SAT is loaded next to highspy here: OR-Tools' own HiGHS wrapper
(pywraplp) and highspy in one process crash.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from supplyline.engines.planner.formulation import formulate, parts_from, values_from
from supplyline.engines.planner.greedy import plan_greedy
from supplyline.engines.planner.highs import LATENESS_SHARE, solve_highs
from supplyline.engines.planner.model import (
    Demand,
    Line,
    Plan,
    Problem,
    cost,
    violations,
    weighted_lateness,
)
from supplyline.engines.planner.solve import plan_production

GRID = [(f, i) for f in (5, 20, 50) for i in (20, 100, 300)]
HORIZON = 24


def instance(facilities: int, items: int, horizon: int = HORIZON, seed: int = 7) -> Problem:
    """A co-production network: each item built at 1–4 facilities with ramp-up, minimum
    batches on most lines, 1–4 orders per item loading capacity to about 100 %."""
    rng = random.Random(f"{seed}-{facilities}-{items}-{horizon}")
    months = tuple(f"M{m:02d}" for m in range(horizon))
    lines, demands = [], []
    for i in range(items):
        item = f"item-{i:03d}"
        builders = rng.sample(range(facilities), k=min(facilities, rng.randint(1, 4)))
        total = 0
        for fac in builders:
            base = rng.randint(10, 120)
            ramp = rng.randint(0, 8)
            capacity = []
            for m in range(horizon):
                cap = (0 if m < ramp // 2 else base // 2) if m < ramp else base
                if rng.random() < 0.04:  # maintenance month
                    cap = 0
                capacity.append(cap)
            min_batch = 1 if rng.random() < 0.3 else rng.randint(base // 5 + 1, base // 2 + 1)
            lines.append(Line(f"FAC-{fac:02d}", item, tuple(capacity), min_batch, rng.randint(1_000, 5_000) * 100))
            total += sum(capacity)
        n_orders = rng.randint(1, 4)
        load = rng.uniform(0.7, 1.15)
        for k in range(n_orders):
            quantity = max(1, int(total * load / n_orders * rng.uniform(0.6, 1.4)))
            demands.append(Demand(f"PO-{i:03d}-{k}", item, quantity, rng.randint(2, horizon + 3), rng.randint(1, 5)))
    return Problem(months, tuple(lines), tuple(demands))


def solve_cpsat(problem: Problem, *, time_limit: float = 10.0, workers: int = 1) -> Plan:
    """The same model and the same two stages as ``solve_highs``, with CP-SAT."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    greedy = plan_greedy(problem)
    f = formulate(problem)
    start = values_from(problem, f, greedy.parts, greedy.unplanned)
    model = cp_model.CpModel()
    xs = [model.new_int_var(lo, hi, "") for lo, hi in zip(f.lower, f.upper, strict=False)]
    for cols, coefs, lo, hi in f.rows:
        model.add_linear_constraint(sum(c * xs[j] for j, c in zip(cols, coefs, strict=False)), lo, hi)
    for x, v in zip(xs, start, strict=False):
        model.add_hint(x, v)
    lateness = sum(c * xs[j] for j, c in f.lateness.items())
    model.minimize(lateness)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = time_limit * LATENESS_SHARE
    status = solver.solve(model)
    values, proven, bound = start, False, 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = [solver.value(x) for x in xs]
        proven = status == cp_model.OPTIMAL
        bound = int(solver.best_objective_bound)
    best = sum(c * values[j] for j, c in f.lateness.items())
    bound = best if proven else min(bound, best)
    model.add(lateness <= best)
    model.clear_hints()
    for x, v in zip(xs, values, strict=False):
        model.add_hint(x, v)
    model.minimize(sum(c * xs[j] for j, c in f.cost.items()))
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - started), 0.05)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = [solver.value(x) for x in xs]
    parts, unplanned = parts_from(problem, f, values)
    return Plan(
        parts,
        unplanned,
        weighted_lateness(problem, parts, unplanned),
        cost(problem, parts),
        "optimal" if proven else "feasible",
        "cp-sat",
        time.perf_counter() - started,
        bound,
    )


METHODS = {
    # the planner as shipped: item by item, HiGHS
    "highs": lambda p, t: plan_production(p, time_limit=t, solve=solve_highs),
    # the same decomposition with CP-SAT (one worker per small model, as HiGHS)
    "cpsat": lambda p, t: plan_production(p, time_limit=t, solve=solve_cpsat),
    # one joint model of all items, to show what the decomposition buys
    "highs1": lambda p, t: solve_highs(p, time_limit=t),
    "cpsat1": lambda p, t: solve_cpsat(p, time_limit=t, workers=2),
}


def run(time_limit: float, grid: list[tuple[int, int]], methods: list[str]) -> list[dict]:
    results = []
    for facilities, items in grid:
        problem = instance(facilities, items)
        f = formulate(problem)
        size = {
            "facilities": facilities,
            "items": items,
            "months": HORIZON,
            "orders": len(problem.demands),
            "lines": len(problem.lines),
            "columns": f.columns,
            "binaries": sum(f.binary),
            "rows": len(f.rows),
        }
        greedy = plan_greedy(problem)
        row: dict[str, Any] = {**size, "greedy": _summary(problem, greedy)}
        for method in methods:
            plan = METHODS[method](problem, time_limit)
            row[method] = _summary(problem, plan)
            row[method]["lateness_vs_greedy"] = _ratio(plan.weighted_lateness, greedy.weighted_lateness)
        results.append(row)
        _print_row(row, methods)
    return results


def _summary(problem: Problem, plan: Plan) -> dict:
    problems = violations(problem, plan.parts, plan.unplanned)
    return {
        "seconds": round(plan.seconds, 3),
        "weighted_lateness": plan.weighted_lateness,
        "cost": plan.cost,
        "status": plan.status,
        "gap": None if plan.status == "greedy" else round(plan.gap, 5),
        "unplanned_units": sum(plan.unplanned.values()),
        "valid": not problems,
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


HEADER = f"{'F×I×M':>12} {'orders':>6} {'cols':>6} | {'method':<8} {'seconds':>8} {'w.lateness':>11} {'÷greedy':>8} {'cost':>14} {'status':>9} {'gap':>7} valid"


def _print_row(row: dict, methods: list[str]) -> None:
    name = f"{row['facilities']}×{row['items']}×{row['months']}"
    for k, method in enumerate(["greedy", *methods]):
        s = row[method]
        ratio = s.get("lateness_vs_greedy")
        gap = "" if s["gap"] is None else f"{s['gap']:.2%}"
        lead = f"{name:>12} {row['orders']:>6} {row['columns']:>6}" if k == 0 else " " * 26
        print(
            f"{lead} | {method:<8} {s['seconds']:>8.2f} {s['weighted_lateness']:>11} "
            f"{'' if ratio is None else f'{ratio:.3f}':>8} {s['cost']:>14} {s['status']:>9} {gap:>7} "
            f"{'yes' if s['valid'] else 'NO'}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve (both stages)")
    parser.add_argument("--quick", action="store_true", help="only the target instance 20×100×24")
    parser.add_argument(
        "--methods",
        default="highs,cpsat,highs1,cpsat1",
        help="highs, cpsat (item by item, as shipped: highs), highs1, cpsat1 (one joint model)",
    )
    args = parser.parse_args()
    methods = args.methods.split(",")
    try:
        import ortools  # noqa: F401 - only asks whether the bench extra is installed (pip install -e '.[bench]')
    except ImportError:
        skipped = [m for m in methods if m.startswith("cpsat")]
        methods = [m for m in methods if not m.startswith("cpsat")]
        if skipped:
            print(f"OR-Tools is not installed (pip install -e '.[bench]'): skipping {', '.join(skipped)}")
    grid = [(20, 100)] if args.quick else GRID
    print(f"production planner benchmark: {os.cpu_count()} cores, time limit {args.time_limit:g} s per solve")
    print(HEADER)
    started = time.perf_counter()
    results = run(args.time_limit, grid, methods)
    target = next((r for r in results if (r["facilities"], r["items"]) == (20, 100)), None)
    verdict = {}
    if target:
        for m in methods:
            s = target[m]
            verdict[m] = {
                "within_10s": s["seconds"] <= 10.0,
                "gap_ok": s["status"] == "optimal" or s["gap"] <= 0.01,
                "not_worse_than_greedy": s["weighted_lateness"] <= target["greedy"]["weighted_lateness"],
            }
        print("target 20×100×24:", json.dumps(verdict))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "plan.json").write_text(
        json.dumps(
            {
                "machine": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "time_limit": args.time_limit,
                "total_seconds": round(time.perf_counter() - started, 1),
                "results": results,
                "target": verdict,
            },
            indent=2,
        )
    )
    print(f"wrote {out / 'plan.json'} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

"""Solve the planning model with HiGHS (branch-and-cut MILP), lateness first, then cost.

Why HiGHS rather than CP-SAT: see ``bench/plan.py`` and docs/planner.md. In short, the
model is a transportation problem with a few on/off batch decisions, so its LP relaxation
is nearly integral and HiGHS proves optimality at the root where CP-SAT has to search.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np

from ..highs import new_highs
from .formulation import Formulation, formulate, parts_from, values_from
from .greedy import plan_greedy
from .model import Plan, Problem, cost, weighted_lateness

#: the share of the time limit given to the lateness stage; the cost stage gets the rest
LATENESS_SHARE = 0.7
#: lateness is minimised to the proven optimum; the cost among equally late plans to 0.01 %
LATENESS_GAP = 0.0
COST_GAP = 1e-4


def _model(f: Formulation, objective: dict[int, int]) -> highspy.HighsLp:
    lp = highspy.HighsLp()
    lp.num_col_ = f.columns
    lp.num_row_ = len(f.rows)
    costs = np.zeros(f.columns)
    for col, coef in objective.items():
        costs[col] = coef
    lp.col_cost_ = costs
    lp.col_lower_ = np.asarray(f.lower, dtype=float)
    lp.col_upper_ = np.asarray(f.upper, dtype=float)
    lp.row_lower_ = np.asarray([r[2] for r in f.rows], dtype=float)
    lp.row_upper_ = np.asarray([r[3] for r in f.rows], dtype=float)
    starts, index, value = [0], [], []
    for cols, coefs, _lo, _hi in f.rows:
        index.extend(cols)
        value.extend(coefs)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    lp.a_matrix_.num_col_ = f.columns
    lp.a_matrix_.num_row_ = len(f.rows)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * f.columns
    return lp


def _solve(h: highspy.Highs, objective: dict[int, int], seconds: float) -> tuple[list[int] | None, float, bool]:
    """The solution (None if none), the lower bound, and whether it is proven optimal.

    No starting solution is passed: with one, highspy 1.16 can report the optimum's value
    and status but hand back the starting solution (seen when presolve solves the model).
    The greedy plan stays the fallback instead, and the values returned are checked against
    the objective the solver reports."""
    h.setOptionValue("time_limit", max(seconds, 0.05))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        return None, 0.0, False
    values = [round(v) for v in h.getSolution().col_value]
    if abs(sum(c * values[j] for j, c in objective.items()) - info.objective_function_value) > 0.5:
        return None, 0.0, False
    return values, info.mip_dual_bound, status == highspy.HighsModelStatus.kOptimal


def _cost_stage(h: highspy.Highs, f: Formulation, best_lateness: int, seconds: float) -> tuple[list[int] | None, bool]:
    """The cheapest plan that keeps the lateness just found (a row holds it), and whether it is
    proven cheapest."""
    cols = sorted(f.lateness)
    h.addRow(
        -highspy.kHighsInf,
        best_lateness,
        len(cols),
        np.asarray(cols, dtype=np.int32),
        np.asarray([f.lateness[c] for c in cols], dtype=float),
    )
    h.changeColsCost(
        f.columns,
        np.arange(f.columns, dtype=np.int32),
        np.asarray([f.cost.get(c, 0) for c in range(f.columns)], dtype=float),
    )
    h.setOptionValue("mip_rel_gap", COST_GAP)
    cheaper, _, proven = _solve(h, f.cost, seconds)
    return cheaper, proven


def _lateness(f: Formulation, values: list[int]) -> int:
    return sum(coef * values[col] for col, coef in f.lateness.items())


def solve_highs(problem: Problem, *, time_limit: float = 10.0) -> Plan:
    """One (sub)problem, lateness stage then cost stage, never worse than greedy."""
    started = time.perf_counter()
    greedy = plan_greedy(problem)
    if greedy.weighted_lateness == 0 and len({line.unit_cost for line in problem.lines}) <= 1:
        # nothing late and every facility costs the same: no plan can do better
        greedy.status, greedy.method, greedy.seconds = "optimal", "highs", time.perf_counter() - started
        return greedy
    f = formulate(problem)
    start = values_from(problem, f, greedy.parts, greedy.unplanned)
    h = new_highs({"mip_rel_gap": LATENESS_GAP})
    h.passModel(_model(f, f.lateness))

    found: list[int] | None
    if greedy.weighted_lateness == 0:  # on time already: only the cost stage is needed
        found, lower, proven = start, 0.0, True
    else:
        found, lower, proven = _solve(h, f.lateness, time_limit * LATENESS_SHARE)
    if found is None or _lateness(f, found) > greedy.weighted_lateness:
        found, proven = start, False
    values = found
    best_lateness = _lateness(f, values)
    bound = best_lateness if proven else min(max(math.ceil(lower - 1e-6), 0), best_lateness)

    left = time_limit - (time.perf_counter() - started)
    cheaper, cost_proven = _cost_stage(h, f, best_lateness, left)
    notes = []
    if cheaper is not None and _lateness(f, cheaper) <= best_lateness:
        values = cheaper
    if not cost_proven:
        notes.append("cost stage stopped at the time limit: a cheaper plan with the same lateness may exist")

    bound = min(bound, _lateness(f, values))  # a bound above a plan found would be no bound
    parts, unplanned = parts_from(problem, f, values)
    return Plan(
        parts=parts,
        unplanned=unplanned,
        weighted_lateness=weighted_lateness(problem, parts, unplanned),
        cost=cost(problem, parts),
        status="optimal" if proven else "feasible",
        method="highs",
        seconds=time.perf_counter() - started,
        lateness_bound=bound,
        notes=notes,
    )

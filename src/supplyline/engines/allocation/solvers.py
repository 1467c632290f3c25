"""Two MILP solvers as peers on the same arrays: HiGHS in-process, CBC as PuLP ships it.

Neither wins everywhere, so the benchmark runs both on every stage. HiGHS gets the
arrays directly (``passModel``); CBC reads the same model as an MPS file that HiGHS writes,
so both solve exactly the same problem. OR-Tools is deliberately not used: loading its own
HiGHS next to highspy in one process crashed a prototype.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from ..highs import Background, new_highs, pass_columns

BACKENDS = ("race", "highs", "cbc")


@dataclass
class Problem:
    """max c·x  s.t.  row_lower ≤ A x ≤ row_upper,  lower ≤ x ≤ upper,  x[integer] whole."""

    c: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    A: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray  # bool per column


@dataclass
class Answer:
    x: np.ndarray | None  # None: no feasible point found
    objective: float
    bound: float  # proven upper bound of the objective
    status: str
    seconds: float
    reduced_costs: np.ndarray | None = None  # LPs only: HiGHS's column duals


def solve_lp(problem: Problem, *, time_limit: float) -> Answer:
    # presolve costs more than it saves on this shape (few rows, many columns): 0.8 s vs 0.1 s
    h = _highs(problem, integer=False, time_limit=time_limit, options={"presolve": "off"})
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    if status != "Optimal":
        return Answer(None, 0.0, float("inf"), status, seconds)
    solution = h.getSolution()
    objective = h.getInfo().objective_function_value
    return Answer(np.asarray(solution.col_value), objective, objective, status, seconds, np.asarray(solution.col_dual))


def solve_milp(
    problem: Problem, *, backend: str = "highs", time_limit: float, rel_gap: float, start: np.ndarray | None = None
) -> Answer:
    if backend == "race":
        return _milp_race(problem, time_limit=time_limit, rel_gap=rel_gap, start=start)
    if backend == "highs":
        return _milp_highs(problem, time_limit=time_limit, rel_gap=rel_gap, start=start)
    if backend == "cbc":
        return _milp_cbc(problem, time_limit=time_limit, rel_gap=rel_gap)
    raise ValueError(f"unknown solver {backend!r}: use one of {', '.join(BACKENDS)}")


def _highs(problem: Problem, *, integer: bool, time_limit: float, options: dict | None = None) -> highspy.Highs:
    h = new_highs(
        {
            "time_limit": max(float(time_limit), 0.01),
            # money is in millions: the default 1e-7 would let a row overspend by 0.1 of a unit
            "primal_feasibility_tolerance": 1e-9,
            **({"mip_feasibility_tolerance": 1e-9} if integer else {}),
            **(options or {}),
        }
    )
    pass_columns(
        h,
        c=problem.c,
        lower=problem.lower,
        upper=problem.upper,
        A=problem.A,
        row_lower=problem.row_lower,
        row_upper=problem.row_upper,
        integer=problem.integer if integer else None,
        maximise=True,
    )
    return h


def _milp_highs(problem: Problem, *, time_limit: float, rel_gap: float, start: np.ndarray | None) -> Answer:
    h = _prepared_highs(problem, time_limit=time_limit, rel_gap=rel_gap, start=start)
    began = time.perf_counter()
    h.run()
    return _highs_answer(h, time.perf_counter() - began)


def _prepared_highs(problem: Problem, *, time_limit: float, rel_gap: float, start: np.ndarray | None) -> highspy.Highs:
    h = _highs(problem, integer=True, time_limit=time_limit, options={"mip_rel_gap": rel_gap})
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(map(float, start))
        solution.value_valid = True
        h.setSolution(solution)
    return h


def _highs_answer(h: highspy.Highs, seconds: float) -> Answer:
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if info.primal_solution_status < 2:  # no feasible point
        return Answer(None, 0.0, float("inf"), status, seconds)
    x = np.asarray(h.getSolution().col_value)
    bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else info.objective_function_value
    return Answer(x, info.objective_function_value, max(bound, info.objective_function_value), status, seconds)


def cbc_path() -> str:
    """The CBC binary PuLP ships (PuLP < 4), else the one PuLP finds installed (``pulp[cbc]``)."""
    import warnings

    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for make in (getattr(pulp, "PULP_CBC_CMD", None), getattr(pulp, "COIN_CMD", None)):
            if make is not None:
                solver = make(msg=False)
                if solver.available():
                    return solver.path
    raise RuntimeError("no CBC binary found: install PuLP with its bundled CBC (pip install 'pulp[cbc]')")


def _milp_cbc(problem: Problem, *, time_limit: float, rel_gap: float) -> Answer:
    with tempfile.TemporaryDirectory(prefix="supplyline-cbc-") as tmp:
        began = time.perf_counter()
        process, sol = _start_cbc(problem, tmp, time_limit=time_limit, rel_gap=rel_gap)
        log, _ = process.communicate()
        return _cbc_answer(problem, sol, log, time.perf_counter() - began)


def _start_cbc(problem: Problem, tmp: str, *, time_limit: float, rel_gap: float) -> tuple[subprocess.Popen, str]:
    """The same model through CBC: HiGHS writes it as MPS (minimising −c, since MPS has no
    portable sense), CBC solves it and writes its solution, which is read back by index."""
    negated = Problem(
        -problem.c, problem.lower, problem.upper, problem.A, problem.row_lower, problem.row_upper, problem.integer
    )
    h = _highs(negated, integer=True, time_limit=time_limit)
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    mps, sol = os.path.join(tmp, "model.mps"), os.path.join(tmp, "model.sol")
    h.writeModel(mps)
    process = subprocess.Popen(
        [
            cbc_path(),
            mps,
            "-sec",
            str(max(int(time_limit + 0.999), 1)),
            "-ratioGap",
            str(rel_gap),
            "-threads",
            "1",
            "-solve",
            "-solu",
            sol,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, sol


def _cbc_answer(problem: Problem, sol: str, log: str, seconds: float) -> Answer:
    if not os.path.exists(sol):
        return Answer(None, 0.0, float("inf"), f"cbc failed: {log[-200:]}", seconds)
    with open(sol) as fh:
        header = fh.readline()
        x = np.zeros(len(problem.c))
        for line in fh:
            parts = line.replace("**", " ").split()
            if len(parts) >= 3:
                x[int(parts[0])] = float(parts[2])
    status = header.split(" - ")[0].strip()
    if status.startswith("Infeasible") or "no integer solution" in header.lower():
        return Answer(None, 0.0, float("inf"), status, seconds)
    objective = float(problem.c @ x)
    return Answer(x, objective, _cbc_bound(log, objective), status, seconds)


def _milp_race(problem: Problem, *, time_limit: float, rel_gap: float, start: np.ndarray | None) -> Answer:
    """HiGHS and CBC on the same stage at once; the first to finish wins and the other is
    stopped. Neither solver is fastest on every instance, so the race costs the faster one's
    time (plus writing the MPS file) on each."""
    began = time.perf_counter()
    h = _prepared_highs(problem, time_limit=time_limit, rel_gap=rel_gap, start=start)
    solve = Background(h)
    with tempfile.TemporaryDirectory(prefix="supplyline-cbc-") as tmp:
        process, sol = _start_cbc(problem, tmp, time_limit=time_limit, rel_gap=rel_gap)
        while True:
            if solve.finished(0.005):
                process.kill()
                process.communicate()
                answer = _highs_answer(h, time.perf_counter() - began)
                answer.status = f"highs: {answer.status}"
                return answer
            if process.poll() is not None:
                log, _ = process.communicate()
                answer = _cbc_answer(problem, sol, log, time.perf_counter() - began)
                if answer.x is None:  # CBC failed: let HiGHS finish
                    solve.join()
                    return _highs_answer(h, time.perf_counter() - began)
                solve.stop()
                answer.status = f"cbc: {answer.status}"
                return answer


def _cbc_bound(log: str, objective: float) -> float:
    # CBC minimises −c and ends with "Lower bound: …" when it stops within the gap or at its
    # time limit ("Best possible: …" in older versions); without either it proved optimality
    best = None
    for line in log.splitlines():
        text = line.strip()
        if text.startswith(("Lower bound:", "Best possible:")):
            best = -float(text.split(":", 1)[1])
    return max(best, objective) if best is not None else objective

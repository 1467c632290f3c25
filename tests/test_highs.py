"""The one way into HiGHS (engines/highs.py) keeps its two promises, so a new highspy that
breaks either fails here rather than in a user's `--json` output or a stuck API request."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import numpy as np
import scipy.sparse as sp

from supplyline.engines.highs import Background, new_highs, pass_columns


def _knapsacks(h, seed: int) -> None:
    """A multi-knapsack MILP that HiGHS does not prove optimal within seconds on one thread."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 100, size=(30, 60)).astype(float)
    pass_columns(
        h,
        c=rng.integers(1, 100, size=60).astype(float),
        lower=np.zeros(60),
        upper=np.full(60, 10.0),
        A=sp.csc_matrix(weights),
        row_lower=np.full(30, -np.inf),
        row_upper=weights.sum(axis=1) * 2.3,
        integer=np.ones(60, dtype=bool),
        maximise=True,
    )


def test_a_new_highs_writes_nothing_to_stdout():
    # a child process: HiGHS writes its banner to file descriptor 1, below Python's sys.stdout
    code = (
        "from supplyline.engines.highs import new_highs, pass_columns\n"
        "import numpy as np, scipy.sparse as sp\n"
        "h = new_highs({'time_limit': 5.0})\n"
        "pass_columns(h, c=np.ones(1), lower=np.zeros(1), upper=np.ones(1), A=sp.csc_matrix(np.ones((1, 1))),\n"
        "             row_lower=np.zeros(1), row_upper=np.ones(1), integer=np.ones(1, dtype=bool), maximise=True)\n"
        "h.run()\n"
        "print(h.modelStatusToString(h.getModelStatus()), h.getInfo().objective_function_value)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "Optimal 1.0\n"


def test_the_options_given_are_set():
    h = new_highs({"time_limit": 7.5, "mip_rel_gap": 0.25, "output_flag": False})
    assert h.getOptionValue("time_limit")[1] == 7.5
    assert h.getOptionValue("mip_rel_gap")[1] == 0.25
    assert h.getOptionValue("output_flag")[1] is False


def test_two_background_solves_run_at_once_and_stop_one_by_one():
    # highspy's own startSolve/wait share their locks across instances: these two would not
    solves = []
    for seed in (0, 1):
        h = new_highs({"threads": 1, "time_limit": 60.0})
        _knapsacks(h, seed)
        solves.append(Background(h))
    began = time.perf_counter()
    assert not solves[0].finished(0.3)
    assert not solves[1].finished(0.3)

    solves[0].stop()
    assert solves[0].finished(0.0)
    assert not solves[1].finished(0.0)  # the other one runs on
    solves[1].stop()
    assert time.perf_counter() - began < 10
    for solve in solves:
        assert solve.h.modelStatusToString(solve.h.getModelStatus()) == "Interrupted by user"
        assert solve.h.getInfo().primal_solution_status == 2  # the best plan so far is kept


def test_a_background_solve_leaves_the_calling_thread_free():
    h = new_highs({"threads": 1, "time_limit": 60.0})
    _knapsacks(h, 2)
    ticks: list[float] = []

    def tick() -> None:
        for _ in range(20):
            time.sleep(0.01)
            ticks.append(time.perf_counter())

    solve = Background(h)
    ticker = threading.Thread(target=tick)
    ticker.start()
    ticker.join(timeout=5)
    finished_early = solve.finished(0.0)
    solve.stop()
    assert len(ticks) == 20
    assert not finished_early

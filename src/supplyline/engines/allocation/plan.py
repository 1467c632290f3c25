"""Tier by tier: the most important needs first, optimally.

Tier 1 is solved first; then tier 2 with what is left, and so on. Two ways to keep the
priority strict:

- *exact* (small models): every stage re-optimises all higher tiers too, with each held at
  least at the coverage it achieved (a lock row). This is the lexicographic optimum itself.
- *staged* (large models): the higher tiers' funded lots are kept and only the money's
  routing between pledges stays free. No tier-1 lot is ever traded for tier-2 coverage, and
  each tier is optimal given the tiers above it; the lock formulation would cost minutes,
  because its relaxation can shave a hair of tier-1 coverage to fund many cheap tier-2 lines.
  Among equally good plans for a tier, the one spending less money is preferred (a tie-break
  worth at most 1e-7 of a line), which leaves more for the tiers below.

Each staged tier first solves the LP relaxation (on lines, not (line, node) columns: the two
LPs are equal and this one has no linking rows), rounds down to whole lots and tops up each
node with the money rounding freed. When that is within the requested gap of the LP bound,
the tier is certified without branching. Otherwise the lines whose LP reduced cost exceeds
the remaining gap are fixed (no better plan changes them) and the MILP solver runs on the
lines near the margin only, from the rounded plan. The instant plan stops after the rounding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from .model import TIERS, Model
from .relaxation import Relaxed, relaxation
from .solvers import Answer, Problem, solve_milp

EXACT_COLUMNS = 3000  # up to this many lot columns, the exact lexicographic formulation is used
TIE_BREAK = 1e-7  # coverage that the cheaper of two equally covering plans may be preferred by


@dataclass
class TierOutcome:
    tier: int
    coverage: float
    bound: float
    lines: int  # candidate lines in the tier
    method: str  # "lp" (certified by the LP bound), "milp", "instant", "greedy", "none"

    @property
    def gap(self) -> float:
        """Distance to the bound, relative to it (floored at one line so that a tier whose best
        is a fraction of a whole-only line does not read as a 100 % gap)."""
        return max(self.bound - self.coverage - TIE_BREAK, 0.0) / max(self.bound, 1.0)


@dataclass
class Solution:
    lots: np.ndarray  # per lot column
    flows: np.ndarray  # per flow column (model money)
    tiers: list[TierOutcome]
    solve_seconds: float
    solver: str
    mode: str  # exact | staged | instant | greedy
    stage_seconds: list[float] = field(default_factory=list)

    @property
    def gap(self) -> float:
        return max((t.gap for t in self.tiers), default=0.0)


def optimise(
    model: Model,
    *,
    backend: str = "race",
    time_limit: float = 60.0,
    rel_gap: float = 1e-3,
    instant: bool = False,
    exact: bool | None = None,
    lp_first: bool = True,
) -> Solution | None:
    """The certified plan (or with ``instant`` the rounded LP relaxation); None when no plan
    was found within the time limit. ``lp_first`` (staged mode only) starts each tier from its
    rounded LP relaxation; the instant plan is that rounding."""
    run = _Run(model, time_limit)
    if exact is None:
        exact = model.n_x <= EXACT_COLUMNS and not instant
    if exact:
        plan = _exact(run, backend, rel_gap)
    elif instant:
        plan = _tier_by_tier(run, _instant_stage)
    else:
        plan = _tier_by_tier(run, partial(_staged_stage, backend=backend, rel_gap=rel_gap, lp_first=lp_first))
    if plan is None:
        return None
    lots, flows = plan
    return Solution(
        np.rint(lots),
        flows,
        run.tiers,
        time.perf_counter() - run.began,
        backend,
        "instant" if instant else ("exact" if exact else "staged"),
        stage_seconds=run.stage_seconds,
    )


@dataclass
class _Run:
    """What every mode keeps from tier to tier: the clock, the outcomes, the tie-break."""

    model: Model
    time_limit: float
    began: float = field(default_factory=time.perf_counter)
    tiers: list[TierOutcome] = field(default_factory=list)
    stage_seconds: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.epsilon = TIE_BREAK / max(float(self.model.pooled.class_capacity.sum()), 1e-12)

    def left(self) -> float:
        return self.time_limit - (time.perf_counter() - self.began)

    def record(self, outcome: TierOutcome, seconds: float) -> None:
        self.tiers.append(outcome)
        self.stage_seconds.append(seconds)

    def stages(self) -> Iterator[tuple[int, np.ndarray, int, float]]:
        """Each tier with lots to fund: (tier, its lot columns, its lines, when its stage
        began); a tier without any is recorded as such and skipped."""
        model = self.model
        for tier in range(1, TIERS + 1):
            began = time.perf_counter()
            in_tier = model.col_tier == tier
            lines = int(np.unique(model.col_line[in_tier]).size)
            if not in_tier.any() or model.n_f == 0:
                self.record(TierOutcome(tier, 0.0, 0.0, lines, "none"), 0.0)
                continue
            yield tier, in_tier, lines, began


def _exact(run: _Run, backend: str, rel_gap: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Every tier re-optimises all tiers above it too, each held at the coverage it achieved."""
    model = run.model
    current = np.zeros(model.n_x + model.n_f + model.n_z)
    locks = np.full(TIERS, -np.inf)
    for tier, in_tier, lines, stage_start in run.stages():
        left = run.left()
        active = model.col_tier <= tier if model.min_package is None else np.ones(model.n_x, dtype=bool)
        problem = _problem(model, active, np.zeros(model.n_x), tier, run.epsilon, locks)
        n_active = int(active.sum())
        start = np.concatenate([current[: model.n_x][active], current[model.n_x :]])
        answer = solve_milp(
            problem,
            backend=backend,
            time_limit=left,
            rel_gap=min(rel_gap, 1e-9),
            start=start if backend != "cbc" else None,
        )
        if answer.x is None:
            return None
        x = _integral(answer.x, problem.integer)
        current = np.zeros(len(current))
        current[: model.n_x][active] = x[:n_active]
        current[model.n_x :] = x[n_active:]
        coverage = float(model.col_cover[in_tier] @ current[: model.n_x][in_tier])
        outcome = TierOutcome(tier, coverage, max(answer.bound + TIE_BREAK, coverage), lines, "milp")
        run.record(outcome, time.perf_counter() - stage_start)
        locks[tier - 1] = coverage - 1e-9 * max(1.0, coverage)
    return current[: model.n_x], current[model.n_x : model.n_x + model.n_f]


@dataclass
class _Stage:
    """One tier of the staged (or instant) plan: the columns it may use and what it found."""

    run: _Run
    tier: int
    fixed: np.ndarray  # lots fixed by the tiers above
    active: np.ndarray  # lot columns this stage may fund
    in_tier: np.ndarray

    @property
    def n_active(self) -> int:
        return int(self.active.sum())

    def coverage(self, candidate: np.ndarray) -> float:
        model, funded = self.run.model, self.active & self.in_tier
        return float(model.col_cover[funded] @ candidate[: self.n_active][self.in_tier[self.active]])

    def relaxation(self) -> Relaxed | None:
        return relaxation(
            self.run.model, self.active & self.in_tier, self.fixed, self.tier, self.run.epsilon, self.run.left()
        )

    def candidate(self, lots: np.ndarray, relaxed: Relaxed) -> np.ndarray:
        model = self.run.model
        return np.concatenate([lots[self.active], relaxed.flows, _groups_formed(model, self.fixed + lots)])


# a stage's answer: the stage's columns (lots, flows, groups), its coverage, bound and method
_Found = tuple[np.ndarray, float, float, str]


def _tier_by_tier(run: _Run, solve_stage: Callable[[_Stage], _Found | None]) -> tuple[np.ndarray, np.ndarray] | None:
    """The higher tiers' funded lots are kept; each tier is planned with what is left."""
    model = run.model
    fixed = np.zeros(model.n_x)
    flows = np.zeros(model.n_f)
    for tier, in_tier, lines, stage_start in run.stages():
        active = (in_tier if model.min_package is None else model.col_tier >= tier) & _affordable(model, fixed)
        if not (active & in_tier).any():
            run.record(TierOutcome(tier, 0.0, 0.0, lines, "none"), time.perf_counter() - stage_start)
            continue
        stage = _Stage(run, tier, fixed, active, in_tier)
        found = solve_stage(stage)
        if found is None:
            return None
        candidate, coverage, bound, method = found
        n_active = stage.n_active
        lots = candidate[:n_active]
        fixed[active & in_tier] = lots[in_tier[active]]
        if model.min_package is not None:
            fixed[active & ~in_tier] = 0.0
        flows = candidate[n_active : n_active + model.n_f]
        run.record(TierOutcome(tier, coverage, max(bound, coverage), lines, method), time.perf_counter() - stage_start)
    return fixed, flows


def _instant_stage(stage: _Stage) -> _Found | None:
    """The LP relaxation rounded to whole lots, without branching."""
    relaxed = stage.relaxation()
    if relaxed is None:
        return None
    candidate = stage.candidate(relaxed.lots, relaxed)
    return candidate, stage.coverage(candidate), relaxed.objective + TIE_BREAK, "instant"


def _staged_stage(stage: _Stage, *, backend: str, rel_gap: float, lp_first: bool) -> _Found | None:
    """The rounded LP relaxation when it is within ``rel_gap`` of the LP bound; otherwise the
    MILP on the lines near the margin (reduced-cost fixing), started from the rounding."""
    candidate: np.ndarray | None = None
    relaxed = None
    bound = np.inf
    coverage = 0.0
    if lp_first:
        # without a minimum package value the LP is a relaxation too, so its bound holds
        relaxed = stage.relaxation()
        if relaxed is not None:
            bound = relaxed.objective + TIE_BREAK
            lots = _packageable(stage.run.model, stage.fixed, relaxed.lots)
            if lots is not None:
                candidate = stage.candidate(lots, relaxed)
                coverage = stage.coverage(candidate)
                if max(bound - coverage, 0.0) / max(bound, 1.0) <= rel_gap:
                    return candidate, coverage, bound, "lp"
    return _branch(stage, candidate, coverage, bound, relaxed, backend=backend, rel_gap=rel_gap)


def _branch(
    stage: _Stage,
    candidate: np.ndarray | None,
    coverage: float,
    bound: float,
    relaxed: Relaxed | None,
    *,
    backend: str,
    rel_gap: float,
) -> _Found | None:
    """The MILP on the stage's lines that reduced-cost fixing leaves open, from ``candidate``."""
    run, model, active, in_tier = stage.run, stage.run.model, stage.active, stage.in_tier
    n_active = stage.n_active
    left = run.left()
    must = None
    stage_active = active
    if candidate is not None and relaxed is not None:
        incumbent = float(_objective(model, active, stage.tier, run.epsilon) @ candidate[:n_active])
        must, out = relaxed.fixings(incumbent, len(model.pooled.needs))
        stage_active = active & ~out[model.col_line]
    locks = np.full(TIERS, -np.inf)  # the tiers above are fixed, not locked
    problem = _problem(model, stage_active, stage.fixed, stage.tier, run.epsilon, locks, must)
    n_stage = int(stage_active.sum())
    start = None
    if candidate is not None and backend != "cbc":
        start = np.concatenate([candidate[:n_active][stage_active[active]], candidate[n_active:]])
    # a little under the requested gap: the solvers measure it on their own objective
    answer: Answer = solve_milp(problem, backend=backend, time_limit=left, rel_gap=0.9 * rel_gap, start=start)
    if answer.x is not None:
        x = _integral(answer.x, problem.integer)
        milp_cov = float(model.col_cover[stage_active & in_tier] @ x[:n_stage][in_tier[stage_active]])
        if candidate is None or milp_cov >= coverage:
            lots = np.zeros(n_active)
            lots[stage_active[active]] = x[:n_stage]
            candidate, coverage = np.concatenate([lots, x[n_stage:]]), milp_cov
        # fixings hold for every plan better than the incumbent: the incumbent bounds the rest
        return candidate, coverage, min(bound, max(answer.bound, coverage) + TIE_BREAK), "milp"
    if candidate is None:
        return None
    if "nfeasible" in answer.status:  # no plan beats the incumbent: it is optimal
        return candidate, coverage, coverage + TIE_BREAK, "milp"
    return candidate, coverage, bound, "milp"


def _problem(
    model: Model,
    active: np.ndarray,
    fixed: np.ndarray,
    tier: int,
    epsilon: float,
    locks: np.ndarray,
    must: np.ndarray | None = None,
) -> Problem:
    """The stage's problem: active lot columns, every flow (and group) column; lots fixed
    earlier move to the right-hand side, rows left empty are dropped."""
    n_x = model.n_x
    spent = model.A[:, :n_x] @ fixed
    row_upper = model.row_upper - spent
    row_lower = model.row_lower - spent
    lock_rows = model.first_lock_row + np.arange(TIERS)
    row_lower[lock_rows] = locks
    row_upper[lock_rows] = np.inf
    keep = np.concatenate([np.flatnonzero(active), n_x + np.arange(model.n_f + model.n_z)])
    A = model.A[:, keep].tocsr()
    used = np.diff(A.indptr) > 0
    A = A[used].tocsc()
    n_active = int(active.sum())
    c = np.zeros(len(keep))
    c[:n_active] = _objective(model, active, tier, epsilon)
    lower = np.zeros(len(keep))
    upper = np.concatenate([model.col_upper[active].astype(float), np.full(model.n_f, np.inf), np.ones(model.n_z)])
    integer = np.concatenate(
        [np.ones(n_active, dtype=bool), np.zeros(model.n_f, dtype=bool), np.ones(model.n_z, dtype=bool)]
    )
    if must is not None:
        bought = must[model.col_line[active]]
        single = (bought > 0) & (model.line_cols[model.col_line[active]] == 1)
        lower[:n_active][single] = bought[single]
        lines = np.flatnonzero((must > 0) & (model.link_row_of_line >= 0))
        row_lower[model.first_link_row + model.link_row_of_line[lines]] = must[lines]
    return Problem(c, lower, upper, A, row_lower[used], row_upper[used], integer)


def _group_values(model: Model, lots: np.ndarray) -> np.ndarray:
    return np.bincount(model.col_group, model.col_cost * lots, len(model.group_keys))


def _groups_formed(model: Model, lots: np.ndarray) -> np.ndarray:
    if model.min_package is None:
        return np.zeros(0)
    return (_group_values(model, lots) > 0).astype(float)


def _packageable(model: Model, fixed: np.ndarray, lots: np.ndarray) -> np.ndarray | None:
    """The rounded lots less those in package groups that stay below the minimum value; None
    if a group cannot reach it without them (lots fixed by higher tiers already in it)."""
    if model.min_package is None:
        return lots
    minimum = model.min_package * (1 - 1e-9)
    value = _group_values(model, fixed + lots)
    small = (value > 0) & (value < minimum)
    if not small.any():
        return lots
    if (_group_values(model, fixed)[small] > 0).any():
        return None
    return np.where(small[model.col_group], 0.0, lots)


def _objective(model: Model, active: np.ndarray, tier: int, epsilon: float) -> np.ndarray:
    in_tier = model.col_tier[active] == tier
    return np.where(in_tier, model.col_cover[active] - epsilon * model.col_cost[active], 0.0)


def _affordable(model: Model, fixed: np.ndarray) -> np.ndarray:
    """Lot columns whose one lot costs no more than the money that could still reach their
    node (what its pledge classes hold, less what is already spent there and in total)."""
    capacity = model.pooled.class_capacity
    reach = np.zeros(model.n_nodes)
    np.add.at(reach, model.flow_node, capacity[model.flow_class])
    spent = np.bincount(model.col_node, model.col_cost * fixed, model.n_nodes)
    total_left = float(capacity.sum() - spent.sum())
    reach = np.minimum(reach - spent, total_left)
    return model.col_cost <= reach[model.col_node] * (1 + 1e-9) + 1e-12


def _integral(x: np.ndarray, integer: np.ndarray) -> np.ndarray:
    """A MILP answer's integer columns are integral within the solver's tolerance: round them."""
    out = x.copy()
    out[integer] = np.rint(out[integer])
    return out

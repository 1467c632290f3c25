"""A stage's LP relaxation on lines, rounded down to whole lots per node and topped up, and
the reduced-cost fixings its bound allows (see plan.py for how the stages use them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .instance import SCALE
from .model import Model
from .solvers import Problem, solve_lp

INTEGRAL = 1e-6  # how far from a whole number a value the LP gives still counts as whole


def relaxation(
    model: Model, active: np.ndarray, fixed: np.ndarray, tier: int, epsilon: float, time_limit: float
) -> Relaxed | None:
    """The stage's LP relaxation, solved on lines rather than (line, node) columns, then
    rounded down to whole lots per node and topped up.

    The LP of the per-node model equals this one: a line's lots can be spread over its nodes
    in proportion to the money each node receives, so no linking rows are needed (tens of
    thousands fewer rows). Lots already fixed keep their node's money (the node rows)."""
    pooled = model.pooled
    n_lines, n_nodes, n_classes = len(pooled.needs), model.n_nodes, model.n_classes
    n_groups = len(pooled.line_class_keys)
    lines = np.unique(model.col_line[active])
    if not lines.size:
        return None
    fixed_node = np.bincount(model.col_node, model.col_cost * fixed, n_nodes)
    fixed_line = np.bincount(model.col_line, fixed, n_lines)
    node_group = np.array([g for g, _m, _o in pooled.nodes], dtype=np.int64)
    cost = pooled.lot_value[lines] * SCALE
    n_l, n_f = len(lines), model.n_f
    flow_cols = n_l + np.arange(n_f)
    rows = np.concatenate(
        [
            pooled.line_class[lines],
            node_group[model.flow_node],
            n_groups + model.flow_node,
            n_groups + n_nodes + model.flow_class,
        ]
    )
    cols = np.concatenate([np.arange(n_l), flow_cols, flow_cols, flow_cols])
    vals = np.concatenate([cost, -np.ones(n_f), -np.ones(n_f), np.ones(n_f)])
    A = sp.csc_matrix((vals, (rows, cols)), shape=(n_groups + n_nodes + n_classes, n_l + n_f))
    row_upper = np.concatenate([-np.bincount(node_group, fixed_node, n_groups), -fixed_node, pooled.class_capacity])
    c = np.concatenate([pooled.cover[lines] - epsilon * cost, np.zeros(n_f)])
    upper = np.concatenate([pooled.max_lots[lines] - fixed_line[lines], np.full(n_f, np.inf)])
    problem = Problem(
        c, np.zeros(n_l + n_f), upper, A, np.full(A.shape[0], -np.inf), row_upper, np.zeros(n_l + n_f, dtype=bool)
    )
    answer = solve_lp(problem, time_limit=time_limit)
    if answer.x is None or answer.reduced_costs is None:
        return None
    flows = answer.x[n_l:]
    room = np.bincount(model.flow_node, flows, n_nodes) - fixed_node
    lots = _round_to_nodes(model, lines, answer.x[:n_l], upper[:n_l], room)
    return Relaxed(lots, flows, answer.objective, lines, answer.x[:n_l], upper[:n_l], answer.reduced_costs[:n_l])


@dataclass
class Relaxed:
    """A stage's LP relaxation rounded to whole lots, and what reduced-cost fixing needs."""

    lots: np.ndarray  # per lot column, whole
    flows: np.ndarray
    objective: float  # the LP optimum: a bound of the stage
    lines: np.ndarray  # the stage's lines
    line_lots: np.ndarray  # the LP's (fractional) lots per line
    line_upper: np.ndarray
    reduced_costs: np.ndarray  # per line; ≥ 0 at the upper bound, ≤ 0 at zero (maximising)

    def fixings(self, incumbent: float, n_lines: int) -> tuple[np.ndarray, np.ndarray]:
        """Lines that every plan better than ``incumbent`` buys whole / leaves out.

        Buying one lot less of a line at its upper bound (or one lot of a line at zero) costs
        the LP bound at least its reduced cost; if that drops the bound below the incumbent,
        no better plan does it. Exact, and it leaves the MILP only the lines near the margin."""
        slack = max(self.objective - incumbent, 0.0) + 1e-9
        must = np.zeros(n_lines)
        up = (self.line_lots >= self.line_upper - INTEGRAL) & (self.reduced_costs > slack)
        must[self.lines[up]] = self.line_upper[up]
        out = np.zeros(n_lines, dtype=bool)
        out[self.lines[(self.line_lots <= INTEGRAL) & (self.reduced_costs < -slack)]] = True
        return must, out


def _round_to_nodes(
    model: Model, lines: np.ndarray, relaxed: np.ndarray, upper: np.ndarray, room: np.ndarray
) -> np.ndarray:
    """Whole lots per (line, node), vectorised per line class: the LP's lots rounded down are
    poured into the class's nodes (most money first), best coverage per unit of money first,
    a divisible line split between two nodes at a lot boundary; then the money rounding freed
    in each node buys more lots, in the same order."""
    pooled = model.pooled
    lots = np.zeros(model.n_x)
    cost = pooled.lot_value[lines] * SCALE
    whole = pooled.whole[lines]
    rate = pooled.cover[lines] / cost
    first_col = model.line_first_col[lines]
    nodes_of_class: dict[int, list[int]] = {}
    for n, (g, _m, _o) in enumerate(pooled.nodes):
        nodes_of_class.setdefault(g, []).append(n)
    line_class = pooled.line_class[lines]
    for g in np.unique(line_class):
        members = np.flatnonzero(line_class == g)
        members = members[np.argsort(-rate[members], kind="stable")]
        nodes = nodes_of_class[int(g)]
        by_room = sorted(range(len(nodes)), key=lambda j: -room[nodes[j]])
        placed = np.zeros(len(members))
        for target in (np.minimum(np.floor(relaxed[members] + INTEGRAL), upper[members]), upper[members]):
            for j in by_room:
                if room[nodes[j]] <= 0:
                    continue
                got, room[nodes[j]] = _pour(target - placed, cost[members], whole[members], room[nodes[j]])
                placed += got
                lots[first_col[members] + j] += got
    return lots


POUR_ROUNDS = 6


def _pour(wanted: np.ndarray, unit_cost: np.ndarray, whole: np.ndarray, money: float) -> tuple[np.ndarray, float]:
    """Lots bought with ``money`` from lines in order: every line that fits whole, the next
    divisible one in part; then again (a few rounds) among the lines whose lot still fits.
    Money is compared with a relative slack of 1e-10 (float noise of the LP's flows); the
    exact split-back has the last word."""
    got = np.zeros(len(wanted))
    active = np.flatnonzero(wanted >= 1)
    for _ in range(POUR_ROUNDS):
        reach = money * (1 + 1e-10)
        active = active[unit_cost[active] <= reach]
        if not active.size:
            break
        full = wanted[active]
        cum = np.cumsum(full * unit_cost[active])
        k = int(np.searchsorted(cum, reach, side="right"))
        got[active[:k]] = full[:k]
        if k:
            money -= float(cum[k - 1])
        if k == active.size:
            break
        nxt = active[k]
        if not whole[nxt]:
            part = min(np.floor(money / unit_cost[nxt] + 1e-10), full[k])
            got[nxt] = part
            money -= part * unit_cost[nxt]
        active = active[k + 1 :]
    return got, money

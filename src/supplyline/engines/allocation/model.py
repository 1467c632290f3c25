"""The pooled allocation model, built as arrays (NumPy / SciPy sparse), never variable by variable.

Columns
  x[c]  whole lots of one line bought at one node (integer, 0..max lots); a line open to
        several mechanisms or origins has one column per node, tied by a linking row
  f[e]  money (millions of the plan currency) from a pledge class to a node (continuous)
  z[h]  with a minimum package value: whether package group h is formed (binary)

Rows
  node      Σ lot value · x  −  Σ f into the node           ≤ −(money already spent there)
  class     Σ f out of the pledge class                     ≤ its money left
  link      Σ x over a line's nodes                          ≤ its lots still open
  lock      coverage of tier s                               ≥ what tier s achieved (exact mode)
  group     Σ value · x − big·z ≤ 0   and   Σ value · x − min·z ≥ 0   (minimum package value)

Coverage of a column's lot is lot / open quantity (1 for a whole-only line), so a tier's
coverage is the sum over its lines of the share funded, and a whole-only line counts only
whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .instance import SCALE, Instance, Pooled

TIERS = 5
INF = float("inf")


@dataclass
class Model:
    pooled: Pooled
    # x columns
    col_line: np.ndarray
    col_node: np.ndarray
    col_tier: np.ndarray
    col_cost: np.ndarray  # model money per lot
    col_cover: np.ndarray  # coverage per lot
    col_upper: np.ndarray
    col_group: np.ndarray
    # f columns
    flow_class: np.ndarray
    flow_node: np.ndarray
    # groups (packages): (mechanism, recipient, currency, origin)
    group_keys: list[tuple[str, str, str, str]]
    min_package: float | None  # model money
    # rows
    link_lines: np.ndarray  # lines with more than one column, one link row each
    line_first_col: np.ndarray  # per line: its first lot column (its columns are consecutive)
    line_cols: np.ndarray  # per line: how many lot columns (nodes) it has
    link_row_of_line: np.ndarray  # per line: its link row among the link rows, −1 if none
    A: sp.csc_matrix
    row_upper: np.ndarray
    row_lower: np.ndarray

    @property
    def n_x(self) -> int:
        return len(self.col_line)

    @property
    def n_f(self) -> int:
        return len(self.flow_class)

    @property
    def n_z(self) -> int:
        return len(self.group_keys) if self.min_package is not None else 0

    @property
    def n_nodes(self) -> int:
        return len(self.pooled.nodes)

    @property
    def n_classes(self) -> int:
        return len(self.pooled.class_keys)

    @property
    def first_link_row(self) -> int:
        return self.n_nodes + self.n_classes

    @property
    def first_lock_row(self) -> int:
        return self.first_link_row + len(self.link_lines)


def build(instance: Instance, pooled: Pooled) -> Model:
    """The MILP: lot and flow (and package switch) columns; node, class, link, lock and package
    rows. Long because the row blocks and their bounds are laid out side by side, where they
    can be checked against each other and against the Model's row offsets."""
    n_lines = len(pooled.needs)
    tier = pooled.tier
    upper = pooled.max_lots

    col_line, col_node, per_line = _lot_columns(pooled)
    cost = (pooled.lot_value * SCALE)[col_line]
    cover = pooled.cover[col_line]

    col_group, group_keys = _package_groups(pooled, col_line, col_node)
    flow_class = np.array([k for n in range(len(pooled.nodes)) for k in pooled.node_classes[n]], dtype=np.int64)
    flow_node = np.array([n for n in range(len(pooled.nodes)) for _ in pooled.node_classes[n]], dtype=np.int64)

    multi = np.flatnonzero(per_line > 1) if n_lines else np.zeros(0, dtype=np.int64)
    link_row_of_line = np.full(n_lines, -1, dtype=np.int64)
    link_row_of_line[multi] = np.arange(len(multi))

    n_x, n_f = len(col_line), len(flow_class)
    n_nodes, n_classes = len(pooled.nodes), len(pooled.class_keys)
    min_package = float(instance.min_package) * SCALE if instance.min_package is not None else None
    n_groups = len(group_keys) if min_package is not None else 0
    first_link = n_nodes + n_classes
    first_lock = first_link + len(multi)
    first_group = first_lock + TIERS
    n_rows = first_group + 2 * n_groups

    x_cols = np.arange(n_x)
    f_cols = n_x + np.arange(n_f)
    rows = [col_node, flow_node, n_nodes + flow_class, first_lock + tier[col_line] - 1]
    cols = [x_cols, f_cols, f_cols, x_cols]
    vals = [cost, -np.ones(n_f), np.ones(n_f), cover]
    linked = link_row_of_line[col_line] >= 0
    rows.append(first_link + link_row_of_line[col_line][linked])
    cols.append(x_cols[linked])
    vals.append(np.ones(int(linked.sum())))
    row_lower = np.full(n_rows, -INF)
    row_upper = np.zeros(n_rows)
    row_upper[n_nodes:first_link] = pooled.class_capacity
    row_upper[first_link:first_lock] = upper[multi]
    row_upper[first_lock:first_group] = INF
    if min_package is not None and n_groups:
        big = np.maximum(np.bincount(col_group, cost * upper[col_line], n_groups), min_package)
        _package_rows(
            rows, cols, vals, (row_lower, row_upper), first_group, n_x + n_f, col_group, cost, big, min_package
        )
    A = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n_x + n_f + n_groups)
    )
    return Model(
        pooled,
        col_line,
        col_node,
        tier[col_line],
        cost,
        cover,
        upper[col_line],
        col_group,
        flow_class,
        flow_node,
        group_keys,
        min_package,
        multi,
        np.cumsum(per_line) - per_line,
        per_line,
        link_row_of_line,
        A,
        row_upper,
        row_lower,
    )


def _lot_columns(pooled: Pooled) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lot columns, every (line, node of its line class): each one's line and node, and
    how many columns each line has."""
    n_lines = len(pooled.needs)
    nodes_of_class: list[list[int]] = [[] for _ in pooled.line_class_keys]
    for n, (g, _m, _o) in enumerate(pooled.nodes):
        nodes_of_class[g].append(n)
    counts = np.array([len(nodes_of_class[g]) for g in range(len(nodes_of_class))], dtype=np.int64)
    per_line = counts[pooled.line_class] if n_lines else np.zeros(0, dtype=np.int64)
    col_line = np.repeat(np.arange(n_lines), per_line)
    offsets = np.arange(len(col_line)) - np.repeat(np.cumsum(per_line) - per_line, per_line)
    flat_nodes = np.array([n for g in range(len(nodes_of_class)) for n in nodes_of_class[g]] or [0], dtype=np.int64)
    class_start = np.concatenate([[0], np.cumsum(counts)])[:-1]
    col_node = flat_nodes[class_start[pooled.line_class[col_line]] + offsets] if len(col_line) else col_line
    return col_line, col_node, per_line


def _package_groups(
    pooled: Pooled, col_line: np.ndarray, col_node: np.ndarray
) -> tuple[np.ndarray, list[tuple[str, str, str, str]]]:
    """Each lot column's package group (mechanism, recipient, currency, origin), and the groups."""
    needs = pooled.needs
    group_of: dict[tuple[str, str, str, str], int] = {}
    node_mech = [pooled.nodes[n][1] for n in range(len(pooled.nodes))]
    node_origin = [pooled.nodes[n][2] for n in range(len(pooled.nodes))]
    col_group = np.fromiter(
        (
            group_of.setdefault((node_mech[n], needs[i].recipient, needs[i].currency, node_origin[n]), len(group_of))
            for i, n in zip(col_line.tolist(), col_node.tolist(), strict=False)
        ),
        dtype=np.int64,
        count=len(col_line),
    )
    return col_group, list(group_of)


def _package_rows(
    rows: list[np.ndarray],
    cols: list[np.ndarray],
    vals: list[np.ndarray],
    bounds: tuple[np.ndarray, np.ndarray],
    first_group: int,
    first_z: int,
    col_group: np.ndarray,
    cost: np.ndarray,
    big: np.ndarray,
    min_package: float,
) -> None:
    """A group's lots are funded only with its switch on (value <= big * z), and then reach the
    minimum package value (value >= min_package * z): two rows per group."""
    row_lower, row_upper = bounds
    n_groups = len(big)
    x_cols = np.arange(len(col_group))
    z_cols = first_z + np.arange(n_groups)
    rows += [
        first_group + col_group,
        first_group + n_groups + col_group,
        first_group + np.arange(n_groups),
        first_group + n_groups + np.arange(n_groups),
    ]
    cols += [x_cols, x_cols, z_cols, z_cols]
    vals += [cost, cost, -big, np.full(n_groups, -min_package)]
    row_upper[first_group : first_group + n_groups] = 0.0
    row_lower[first_group + n_groups :] = 0.0
    row_upper[first_group + n_groups :] = INF

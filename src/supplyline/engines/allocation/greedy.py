"""The baseline: what is done by hand today.

Highest tier first, lines in list order; each line is paid by the first compatible pledge
(in the order pledges were made) that can pay at least one lot, as many whole lots as it
can. It is the comparison every optimised plan is measured against, and the answer shown,
clearly labelled, if the solver finds nothing within its time limit.
"""

from __future__ import annotations

import numpy as np

from ...domain.money import Money
from .instance import Instance, Pooled
from .splitback import Plan, Purchase, _Wallet


def greedy(instance: Instance, pooled: Pooled) -> Plan:
    wallet = _Wallet(instance, pooled.pledges)
    ids = [p.id for p in pooled.pledges]
    in_pledge_order = sorted(range(len(ids)), key=lambda j: (pooled.pledges[j].pledged_on, ids[j]))
    class_nodes: dict[tuple[int, int], int] = {}
    for n, (g, _m, _o) in enumerate(pooled.nodes):
        for k in pooled.node_classes[n]:
            class_nodes.setdefault((g, k), n)
    # per line class: the compatible pledges in pledge order, and the node each pays through
    options: list[tuple[np.ndarray, list[int]]] = []
    for g in range(len(pooled.line_class_keys)):
        pairs = [
            (j, class_nodes[(g, int(pooled.pledge_class[j]))])
            for j in in_pledge_order
            if (g, int(pooled.pledge_class[j])) in class_nodes
        ]
        options.append((np.array([j for j, _ in pairs], dtype=np.int64), [n for _, n in pairs]))
    estimate = np.array([wallet.estimate[i] for i in ids], dtype=float)
    purchases: list[Purchase] = []
    for i, need in enumerate(pooled.needs):
        pledges, nodes = options[int(pooled.line_class[i])]
        if not pledges.size:
            continue
        lot_minor = need.lot * need.unit_price_minor
        # a float screen first (plan currency); the exact test is the wallet's
        for pos in np.flatnonzero(estimate[pledges] * (1 + 1e-9) + 1e-6 >= pooled.lot_value[i]):
            j = int(pledges[pos])
            paid = wallet.affordable(ids[j], need.currency, need.max_lots * lot_minor)
            lots = min(need.max_lots, paid // lot_minor)
            if lots < 1:
                continue
            _g, mechanism, origin = pooled.nodes[nodes[pos]]
            purchase = Purchase(need, mechanism, origin, lots * need.lot)
            purchase.pieces.append(wallet.take(ids[j], Money.from_minor(lots * lot_minor, need.currency)))
            estimate[j] = wallet.estimate[ids[j]]
            purchases.append(purchase)
            break
    return Plan(purchases, wallet.left)

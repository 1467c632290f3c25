"""Why a line stays unfunded, why a pledge keeps money, and what each earmark costs.

The price of an earmark is measured by re-solving for the money it strands: what a pledge
class has left after the plan is spent, tier by tier and best coverage per unit of money
first, on the open lots it could buy if that one restriction were lifted. That is what
lifting the earmark adds without moving any other money (a lower bound of a full re-solve);
it is computed per pledge class, since identical earmarks strand money alike.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from ...domain.pledge import Pledge, earmark_refusal
from ...domain.values import CATEGORIES
from .instance import Instance, Need, Pooled, line_origin
from .splitback import Plan

TOP_PRICES = 20
SMALLEST_GAIN = 0.05  # line-equivalents: below this, lifting an earmark is not worth telling


def _label(name: str) -> str:
    return name.replace("_", " ")


def _compatible(pledge: Pledge, key: tuple[str, str], on) -> bool:
    category, allowed = key
    made_in = line_origin(pledge.mechanism, pledge.origins, allowed)
    return (
        made_in is not None
        and earmark_refusal(pledge, mechanism=pledge.mechanism, category=category, origin=made_in, on=on) is None
    )


def explain(instance: Instance, pooled: Pooled, plan: Plan) -> dict:
    """Why each line open after the plan stays open, why each pledge keeps money, and the price
    of each earmark."""
    funded: dict[str, int] = defaultdict(int)
    for purchase in plan.purchases:
        funded[purchase.need.requirement_id] += purchase.quantity
    tiers_paid: dict[str, set] = defaultdict(set)  # pledge -> the (tier, line) it paid for
    for purchase, piece in plan.pieces():
        tiers_paid[piece.pledge_id].add((purchase.need.tier, purchase.need.requirement_id))
    to_plan = {c: float(instance.rate(c)) for c in {m.currency for m in plan.remaining.values()}}
    left = {pid: float(m.amount) * to_plan[m.currency] for pid, m in plan.remaining.items()}
    needs = pooled.needs
    got = np.array([funded.get(n.requirement_id, 0) for n in needs], dtype=float)
    lot = np.array([n.lot for n in needs], dtype=float)
    open_lots = np.maximum(pooled.max_lots - np.floor(got / lot), 0)

    by_class = _by_line_class(pooled, tiers_paid, left)
    class_of = {key: g for g, key in enumerate(pooled.line_class_keys)}

    # a unit's worth in the plan currency, per currency, and the higher tiers' share per line
    # class and tier: asked of every one of up to 10^5 open lines, worked out once
    unit_value = {c: 10.0 ** -_exp(c) * float(instance.rate(c)) for c in {n.currency for n in instance.needs}}
    higher_tiers: dict[tuple[int | None, int], str] = {}
    lines = []
    for need in sorted(instance.needs, key=lambda n: (n.tier, n.rank, n.requirement_id)):
        bought = funded.get(need.requirement_id, 0)
        if bought + need.lot > max(need.max_lots, 0) * need.lot and need.max_lots >= 1:
            continue  # funded as far as whole lots go
        line_class = class_of.get((need.category, need.origin))
        value = need.lot * need.unit_price_minor * unit_value[need.currency]
        lines.append(
            {
                "requirement_id": need.requirement_id,
                "tier": need.tier,
                "rank": need.rank,
                "item": need.item,
                "open_quantity": need.open_quantity,
                "funded_quantity": bought,
                "reason": _line_reason(need, bought, line_class, by_class, value, instance, higher_tiers),
            }
        )

    pledges = _pledges_left(instance, pooled, plan, open_lots)
    return {"lines": lines, "pledges": pledges, "earmark_prices": earmark_prices(instance, pooled, plan, open_lots)}


def _by_line_class(pooled: Pooled, tiers_paid: dict[str, set], left: dict[str, float]) -> dict[int, dict]:
    """Per line class: the pledges that may pay for it, their money left, and what they paid for."""
    by_class: dict[int, dict] = {}
    for g in range(len(pooled.line_class_keys)):
        ids = list(
            dict.fromkeys(
                pooled.pledges[j].id
                for n, node in enumerate(pooled.nodes)
                if node[0] == g
                for k in pooled.node_classes[n]
                for j in pooled.class_members[k]
            )
        )
        lines_paid = set().union(*(tiers_paid.get(pid, set()) for pid in ids))
        paid = {"lines": lines_paid, "per_tier": Counter(t for t, _line in lines_paid)}
        by_class[g] = {"pledges": ids, "money": sum(left.get(p, 0.0) for p in ids), "paid": paid}
    return by_class


def _pledges_left(instance: Instance, pooled: Pooled, plan: Plan, open_lots: np.ndarray) -> list[dict]:
    """Each pledge with money left after the plan, and why it is left."""
    pledges = []
    for pledge in instance.pledges:
        money = plan.remaining.get(pledge.id, pledge.remaining)
        if not money.is_positive:
            continue
        reason = instance.excluded.get(pledge.id) or _pledge_reason(pledge, instance, pooled, plan, open_lots)
        pledges.append(
            {
                "pledge_id": pledge.id,
                "funder": pledge.funder,
                "left": str(money.amount),
                "currency": money.currency,
                "reason": reason,
            }
        )
    return pledges


def _higher(memo: dict[tuple[int | None, int], str], cls: dict, line_class: int | None, tier: int) -> str:
    """The lines of higher tiers a line class's money went to, in words ('' if none)."""
    key = (line_class, tier)
    if key not in memo:
        higher = sorted((t, c) for t, c in cls["paid"]["per_tier"].items() if t < tier)
        memo[key] = ", ".join(f"{c} tier-{t} line{'s' if c > 1 else ''}" for t, c in higher)
    return memo[key]


def _line_reason(
    need: Need,
    bought: int,
    line_class: int | None,
    by_class: dict[int, dict],
    lot_value: float,
    instance: Instance,
    higher_tiers: dict[tuple[int | None, int], str],
) -> str:
    cls = by_class.get(line_class) if line_class is not None else None
    if need.max_lots < 1:
        if need.whole_only:
            return (
                f"below the minimum lot: useful only whole ({need.quantity} {need.unit}), and only "
                f"{need.open_quantity} are still open"
            )
        return f"below the minimum lot: {need.open_quantity} open, the minimum lot is {need.min_lot}"
    if not cls or not cls["pledges"]:
        return (
            f"no pledge's earmarks allow it: no pledge valid on {instance.on.isoformat()} pays for "
            f"{_label(need.category)} made in {need.origin}"
        )
    part = "the rest: " if bought else ""
    if cls["money"] * (1 + 1e-9) < lot_value:
        which = _higher(higher_tiers, cls, line_class, need.tier)
        if which:
            return f"{part}all compatible money went to higher tiers ({which})"
        same = cls["paid"]["per_tier"].get(need.tier, 0) - ((need.tier, need.requirement_id) in cls["paid"]["lines"])
        if same:
            return (
                f"{part}all compatible money went to {same} other tier-{need.tier} lines that cover more of "
                "the list per unit of money"
            )
        kind = "the whole line" if need.whole_only else "one lot"
        return f"{part}below the minimum lot: {kind} costs more than all compatible pledges have"
    return (
        f"{part}compatible money is left but split among pledges in amounts below one lot, or buying here "
        "would cost a whole lot elsewhere (within the plan's proven gap)"
    )


def _exp(currency: str) -> int:
    from ...domain.money import minor_exponent

    return minor_exponent(currency)


def _pledge_reason(pledge: Pledge, instance: Instance, pooled: Pooled, plan: Plan, open_lots: np.ndarray) -> str:
    classes = [g for g, key in enumerate(pooled.line_class_keys) if _compatible(pledge, key, instance.on)]
    if not classes:
        return "its earmarks allow none of the open lines"
    idx = np.flatnonzero(np.isin(pooled.line_class, classes) & (open_lots > 0))
    if not idx.size:
        return "every open line its earmarks allow is funded"
    cheapest = pooled.needs[int(idx[np.argmin(pooled.lot_value[idx])])]
    return (
        f"what is left ({plan.remaining[pledge.id]}) is less than the cheapest lot it may still buy "
        f"({cheapest.requirement_id}: {cheapest.lot} × {cheapest.currency} "
        f"{cheapest.unit_price_minor * 10.0 ** -_exp(cheapest.currency):,.2f})"
    )


def earmark_prices(instance: Instance, pooled: Pooled, plan: Plan, open_lots: np.ndarray) -> list[dict]:
    """For each pledge class with money left, what lifting one of its restrictions would add."""
    if not pooled.needs or not open_lots.any():
        return []
    by_key = {key: np.flatnonzero(pooled.line_class == g) for g, key in enumerate(pooled.line_class_keys)}
    out: list[dict[str, Any]] = []
    for k, (_mechanism, categories, origins) in enumerate(pooled.class_keys):
        members = [pooled.pledges[j] for j in pooled.class_members[k]]
        money = sum(float(plan.remaining[p.id].amount) * pooled.rates[p.remaining.currency] for p in members)
        if money <= 0:
            continue
        rep = members[0]
        relaxations = []
        if categories:
            relaxations += [
                (f"could also fund {_label(c)}", dataclasses.replace(rep, categories=(*tuple(categories), c)))
                for c in CATEGORIES
                if c not in categories
            ]
        if origins:
            relaxations.append(("could fund equipment made anywhere", dataclasses.replace(rep, origins=())))
        for words, relaxed in relaxations:
            newly = [
                idx
                for key, idx in by_key.items()
                if _compatible(relaxed, key, instance.on) and not _compatible(rep, key, instance.on)
            ]
            if not newly:
                continue
            gain = _fill(np.concatenate(newly), money, open_lots, pooled)
            if gain.max() < SMALLEST_GAIN:
                continue
            first = int(np.flatnonzero(gain >= SMALLEST_GAIN)[0])
            ids = [p.id for p in members]
            out.append(
                {
                    "pledges": ids,
                    "relaxation": words,
                    "money_left": round(money, 2),
                    "currency": instance.currency,
                    "coverage_gain": [round(float(v), 4) for v in gain],
                    "text": (
                        f"if {_who(ids)} {words}, {gain[first]:.1f} more tier-{first + 1} lines would be covered "
                        f"with the {instance.currency} {money:,.0f} left"
                    ),
                }
            )
    out.sort(key=lambda e: [-v for v in e["coverage_gain"]])
    return out[:TOP_PRICES]


def _who(ids: list[str]) -> str:
    return f"pledge {ids[0]}" if len(ids) == 1 else f"pledges {', '.join(ids[:3])}{'…' if len(ids) > 3 else ''}"


def _fill(idx: np.ndarray, money: float, open_lots: np.ndarray, pooled: Pooled) -> np.ndarray:
    """Coverage per tier bought with ``money`` over lines ``idx``: higher tiers first, best
    coverage per unit of money first, whole lots only."""
    gain = np.zeros(5)
    idx = idx[(open_lots[idx] > 0) & (pooled.lot_value[idx] <= money)]
    if not idx.size:
        return gain
    cost, cover = pooled.lot_value, pooled.cover
    order = idx[np.lexsort((cost[idx] / cover[idx], pooled.tier[idx]))]
    cheapest = float(cost[order].min())
    for i in order:
        if money < cheapest:
            break
        if money < cost[i]:
            continue
        lots = min(open_lots[i], np.floor(money / cost[i]))
        money -= lots * cost[i]
        gain[pooled.tier[i] - 1] += lots * cover[i]
    return gain

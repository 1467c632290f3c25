"""What the optimiser is given: the money (pledges with earmarks) and the needs (open lines).

The earmark rule is not restated here: whether a pledge may pay for a line is decided by
``domain.pledge.earmark_refusal`` itself, called once per pledge class and line class.
Pledges whose earmarks are identical are interchangeable (a *pledge class*), and so are
lines whose compatibility is identical (a *line class*), which keeps that call count small
and the model pooled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from ...domain.fx import FxDay, cross_rate, pick_day
from ...domain.lifecycle import PLEDGE
from ...domain.money import minor_exponent
from ...domain.package import DEFAULT_ORIGIN
from ...domain.pledge import Pledge, earmark_refusal
from ...domain.values import ANY_ORIGIN, ORIGIN_GROUPS, origin_within

#: money in the model is counted in millions of the plan currency (keeps HiGHS well scaled)
SCALE = 1e-6


@dataclass(frozen=True, slots=True)
class Need:
    """One requirement line as the optimiser sees it: what is still open, at what price."""

    requirement_id: str
    recipient: str
    tier: int
    rank: int
    item: str
    category: str
    origin: str  # allowed origin: a country, a group (EU) or 'any'
    open_quantity: int  # quantity not yet in a live package
    quantity: int
    min_lot: int
    whole_only: bool
    unit_price_minor: int
    currency: str
    unit: str = ""

    @property
    def lot(self) -> int:
        """Units bought together: the whole line if it is useful only whole."""
        return self.quantity if self.whole_only else self.min_lot

    @property
    def max_lots(self) -> int:
        if self.whole_only:
            return 1 if self.open_quantity == self.quantity and self.quantity % self.min_lot == 0 else 0
        return self.open_quantity // self.min_lot


def line_origin(mechanism: str, pledge_origins: tuple[str, ...], allowed: str) -> str | None:
    """The country a package line bought with such a pledge would be made in, or None.

    A requirement naming one country is bought there; otherwise PURL buys US-made and the
    Drone Deal Ukrainian-made equipment (the mechanisms' defaults), and a bilateral pledge
    earmarked for exactly one country buys there. Anything else needs a person to decide.
    """
    if allowed != ANY_ORIGIN and allowed not in ORIGIN_GROUPS:
        return allowed
    default = DEFAULT_ORIGIN.get(mechanism)
    if default and origin_within(default, allowed):
        return default
    countries = [o for o in pledge_origins if o not in ORIGIN_GROUPS]
    if len(countries) == 1 and len(pledge_origins) == 1 and origin_within(countries[0], allowed):
        return countries[0]
    return None


@dataclass
class Instance:
    """Pledges, open lines, the allocation day, the FX rates and the plan currency."""

    pledges: list[Pledge]
    needs: list[Need]
    on: date
    fx_days: list[FxDay]
    currency: str = "USD"
    min_package: Decimal | None = None  # in the plan currency
    #: pledges that cannot take part at all, with the reason in users' words
    excluded: dict[str, str] = field(default_factory=dict)
    #: each recipient's list version whose ranking the needs follow (issue 17): none, the lines as ranked now
    list_versions: dict[str, str] = field(default_factory=dict)

    def rate(self, currency: str) -> Decimal:
        """Units of the plan currency per unit of ``currency`` on the allocation day."""
        if currency == self.currency:
            return Decimal(1)
        return cross_rate(pick_day(self.fx_days, self.on, currency, self.currency), currency, self.currency)


@dataclass
class Pooled:
    """Pledge classes, line classes and the nodes money flows to.

    A node is (line class, mechanism, origin of manufacture): the lines there are bought in
    packages of that mechanism, as equipment made in that country, from the pledge classes
    listed in ``node_classes``.
    """

    pledges: list[Pledge]  # the pledges that can spend, in spending order within a class
    pledge_class: np.ndarray  # per pledge
    class_keys: list[tuple]
    class_capacity: np.ndarray  # model units
    class_members: list[list[int]]
    needs: list[Need]  # candidate lines (max_lots >= 1), sorted by tier, rank
    line_class: np.ndarray  # per need
    line_class_keys: list[tuple[str, str]]  # (category, allowed origin)
    nodes: list[tuple[int, str, str]]  # (line class, mechanism, origin)
    node_classes: list[list[int]]
    rates: dict[str, float]
    exact_rates: dict[str, Decimal]
    lot_value: np.ndarray  # per need: one lot in plan-currency units (float, for screening and the model)
    cover: np.ndarray  # per need: coverage one lot adds
    tier: np.ndarray
    max_lots: np.ndarray
    whole: np.ndarray  # per need: useful only whole (one lot that is the whole line)


def spending_order(p: Pledge) -> tuple:
    # within a class, money that expires first is spent first, then the oldest pledge
    return (p.valid_until or date.max, p.pledged_on or date.max, p.id)


def pool(instance: Instance) -> Pooled:
    on = instance.on
    usable: list[Pledge] = []
    for p in sorted(instance.pledges, key=spending_order):
        reason = exclusion(p, on)
        if reason:
            instance.excluded[p.id] = reason
        else:
            usable.append(p)
    currencies = {p.currency for p in usable} | {n.currency for n in instance.needs}
    exact = {c: instance.rate(c) for c in sorted(currencies)}
    rates = {c: float(r) for c, r in exact.items()}

    line_currencies = Counter(n.currency for n in instance.needs if n.max_lots >= 1)
    pclass, keys, capacity, members = _pledge_classes(usable, rates, line_currencies)

    needs = sorted((n for n in instance.needs if n.max_lots >= 1), key=lambda n: (n.tier, n.rank, n.requirement_id))
    lclass_of: dict[tuple[str, str], int] = {}
    lclass = np.fromiter(
        (lclass_of.setdefault((n.category, n.origin), len(lclass_of)) for n in needs), dtype=np.int64, count=len(needs)
    )
    lkeys = list(lclass_of)
    nodes, node_classes = _nodes(lkeys, keys, [usable[m[0]] for m in members], on)
    count = len(needs)
    unit = np.fromiter((rates[n.currency] * 10.0 ** -minor_exponent(n.currency) for n in needs), float, count)
    lot = np.fromiter((n.lot for n in needs), float, count)
    lot_value = lot * np.fromiter((n.unit_price_minor for n in needs), float, count) * unit
    whole = np.fromiter((n.whole_only for n in needs), bool, count)
    open_qty = np.fromiter((n.open_quantity for n in needs), float, count)
    cover = np.where(whole, 1.0, lot / np.maximum(open_qty, 1.0))
    tier = np.fromiter((n.tier for n in needs), np.int64, count)
    max_lots = np.fromiter((n.max_lots for n in needs), np.int64, count)
    return Pooled(
        usable,
        pclass,
        keys,
        capacity,
        members,
        needs,
        lclass,
        lkeys,
        nodes,
        node_classes,
        rates,
        exact,
        lot_value,
        cover,
        tier,
        max_lots,
        whole,
    )


def _pledge_classes(
    usable: list[Pledge], rates: dict[str, float], line_currencies: Counter
) -> tuple[np.ndarray, list[tuple], np.ndarray, list[list[int]]]:
    """Pledges pooled by what they may buy (mechanism, categories, origins): each pledge's class,
    the classes' keys, the money each holds (model units) and its pledges."""
    class_of: dict[tuple, int] = {}
    members: list[list[int]] = []
    pclass = np.empty(len(usable), dtype=np.int64)
    capacity: list[float] = []
    for j, p in enumerate(usable):
        key = (p.mechanism, p.categories, p.origins)
        k = class_of.setdefault(key, len(class_of))
        if k == len(members):
            members.append([])
            capacity.append(0.0)
        members[k].append(j)
        pclass[j] = k
        capacity[k] += (
            (float(p.remaining.amount) - rounding_reserve(p, line_currencies)) * rates[p.remaining.currency] * SCALE
        )
    return pclass, list(class_of), np.array(capacity, dtype=float), members


def _nodes(
    line_keys: list[tuple[str, str]], class_keys: list[tuple], representatives: list[Pledge], on: date
) -> tuple[list[tuple[int, str, str]], list[list[int]]]:
    """Where money meets needs: per line class, one node per (mechanism, country made in) that
    some pledge class may pay for, and the pledge classes that may."""
    nodes: list[tuple[int, str, str]] = []
    node_classes: list[list[int]] = []
    for g, (category, allowed) in enumerate(line_keys):
        by_node: dict[tuple[str, str], list[int]] = {}
        for k, (mechanism, _cats, origins) in enumerate(class_keys):
            made_in = line_origin(mechanism, origins, allowed)
            if made_in is None:
                continue
            rep = representatives[k]
            if earmark_refusal(rep, mechanism=mechanism, category=category, origin=made_in, on=on) is None:
                by_node.setdefault((mechanism, made_in), []).append(k)
        for (mechanism, made_in), ks in sorted(by_node.items()):
            nodes.append((g, mechanism, made_in))
            node_classes.append(ks)
    return nodes, node_classes


def rounding_reserve(p: Pledge, line_currencies: Counter) -> float:
    """Money held back from the model for conversions: each piece paid in another currency is
    rounded to the pledge's minor unit (at most half a unit), once per line it might pay."""
    pieces = sum(count for currency, count in line_currencies.items() if currency != p.remaining.currency)
    return 0.5 * pieces * 10.0 ** -minor_exponent(p.remaining.currency)


def exclusion(p: Pledge, on: date) -> str | None:
    """Why a pledge cannot take part in an allocation on ``on`` at all, or None."""
    if p.state not in PLEDGE.group("spendable"):
        return f"is {p.state.replace('_', ' ')}: only committed pledges with money left are allocated"
    if not p.remaining.is_positive:
        return "has no money left"
    if p.valid_from and on < p.valid_from:
        return f"opens on {p.valid_from.isoformat()}, after the allocation day {on.isoformat()}"
    if p.valid_until and on > p.valid_until:
        return f"closed on {p.valid_until.isoformat()}, before the allocation day {on.isoformat()}"
    return None

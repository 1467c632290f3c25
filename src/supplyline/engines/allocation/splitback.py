"""From the pooled solution back to exact money: which pledge pays how much for which line.

The model counts money in floating-point millions; what leaves this module is exact:
whole lots × unit price in the line's currency, each piece converted into the pledge's
currency exactly as ``domain.fx.convert`` does when the allocation is recorded (same rate,
same rounding). Pieces follow the model's routing between pledge classes; within a class,
money that expires first is spent first. If rounding of conversions leaves a line a few
cents short, it loses one lot (and says so) rather than overspending a pledge.

``check`` re-verifies a plan against the instance independently of how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from ...domain.fx import Conversion, convert, fx_used
from ...domain.lifecycle import PLEDGE
from ...domain.money import Money, minor_exponent
from ...domain.pledge import Pledge, earmark_refusal
from .instance import SCALE, Instance, Need, Pooled
from .model import Model


@dataclass(frozen=True)
class Piece:
    """One allocation: part of one pledge paying for part of one purchase."""

    pledge_id: str
    amount: Money  # in the pledge's currency
    line_amount: Money  # in the line's currency
    fx: dict | None


@dataclass
class Purchase:
    """Whole lots of one line bought in one mechanism, as equipment made in one country."""

    need: Need
    mechanism: str
    origin: str
    quantity: int
    pieces: list[Piece] = field(default_factory=list)

    @property
    def value(self) -> Money:
        return Money.from_minor(self.quantity * self.need.unit_price_minor, self.need.currency)

    @property
    def group(self) -> tuple[str, str, str, str]:
        return (self.mechanism, self.need.recipient, self.need.currency, self.origin)


@dataclass
class Plan:
    purchases: list[Purchase]
    remaining: dict[str, Money]  # per pledge, after the plan
    lots_dropped: int = 0  # lots given up to FX rounding in the split-back

    def pieces(self):
        for purchase in self.purchases:
            for piece in purchase.pieces:
                yield purchase, piece


ROUTING_SLACK = 100  # minor units


class _Wallet:
    """Exact money left in each pledge, and conversions done the domain's way."""

    def __init__(self, instance: Instance, pledges: list[Pledge]):
        self.instance = instance
        self.left: dict[str, Money] = {p.id: p.remaining for p in pledges}
        self.currency = {p.id: p.remaining.currency for p in pledges}
        self._rates: dict[tuple[str, str], Conversion] = {}
        self._to_plan: dict[str, float] = {}
        self.cursor: dict[int, int] = {}  # per pledge class: members before it have nothing left
        self.dust: set[tuple[str, str]] = set()  # (pledge, line currency): less left than one minor unit buys
        #: an estimate of each pledge's money left in the plan currency, to skip hopeless pledges fast
        self.estimate = {p.id: self.plan_value(p.remaining) for p in pledges}

    def plan_value(self, money: Money) -> float:
        rate = self._to_plan.get(money.currency)
        if rate is None:
            rate = self._to_plan[money.currency] = float(self.instance.rate(money.currency))
        return float(money.amount) * rate

    def convert(self, line_amount: Money, pledge_id: str) -> Conversion:
        """``domain.fx.convert`` of the amount, with the rate it picks looked up once per pair."""
        target = self.currency[pledge_id]
        if line_amount.currency == target:
            return Conversion(line_amount, line_amount, Decimal(1), None)
        pair = (line_amount.currency, target)
        known = self._rates.get(pair)
        if known is None:
            known = self._rates[pair] = convert(line_amount, target, self.instance.on, self.instance.fx_days)
        return Conversion(
            line_amount, Money.rounded(line_amount.amount * known.rate, target), known.rate, known.rate_day
        )

    def _charge(self, minor: int, line_currency: str, pledge_id: str) -> int:
        """What ``minor`` units of the line's currency cost the pledge, in its minor units: the
        domain's conversion (same rate, half-even to the minor unit) without building Money."""
        target = self.currency[pledge_id]
        rate = self._rates.get((line_currency, target))
        if rate is None:
            self.convert(Money.from_minor(minor, line_currency), pledge_id)
            rate = self._rates[(line_currency, target)]
        source_exp, target_exp = minor_exponent(line_currency), minor_exponent(target)
        exact = Decimal(minor).scaleb(-source_exp) * rate.rate
        return int(exact.quantize(Decimal(1).scaleb(-target_exp), rounding=ROUND_HALF_EVEN).scaleb(target_exp))

    def affordable(self, pledge_id: str, line_currency: str, wanted_minor: int) -> int:
        """The largest part of ``wanted`` (line-currency minor units) the pledge can still pay."""
        left = self.left[pledge_id]
        if not left.is_positive:
            return 0
        if left.currency == line_currency:
            return min(wanted_minor, left.minor)
        budget = left.minor
        if self._charge(wanted_minor, line_currency, pledge_id) <= budget:
            return wanted_minor
        rate = self._rates[(line_currency, left.currency)].rate
        scale = Decimal(10) ** (minor_exponent(line_currency) - minor_exponent(left.currency))
        guess = min(wanted_minor, int((Decimal(budget) * scale / rate).to_integral_value(rounding="ROUND_FLOOR")) + 2)
        while guess > 0 and self._charge(guess, line_currency, pledge_id) > budget:
            guess -= 1
        return max(guess, 0)

    def take(self, pledge_id: str, line_amount: Money) -> Piece:
        conversion = self.convert(line_amount, pledge_id)
        self.left[pledge_id] = self.left[pledge_id] - conversion.result
        self.estimate[pledge_id] = self.plan_value(self.left[pledge_id])
        return Piece(pledge_id, conversion.result, line_amount, fx_used(conversion))

    def give_back(self, piece: Piece) -> None:
        self.left[piece.pledge_id] = self.left[piece.pledge_id] + piece.amount
        self.estimate[piece.pledge_id] = self.plan_value(self.left[piece.pledge_id])
        self.cursor.clear()  # the pledge may sit before a class's cursor
        self.dust.clear()


def split_back(instance: Instance, model: Model, lots: np.ndarray, flows: np.ndarray) -> Plan:
    pooled = model.pooled
    wallet = _Wallet(instance, pooled.pledges)
    budget = {
        (int(k), int(n)): float(v)
        for k, n, v in zip(model.flow_class, model.flow_node, flows, strict=False)
        if v > 1e-12
    }
    purchases: list[Purchase] = []
    dropped = 0
    bought = np.flatnonzero(lots > 0.5)
    # purchases whose node has the fewest pledge classes to draw on go first, so that the
    # more flexible ones, if they must use money routed elsewhere, take it from what is left
    flexibility = np.array([len(pooled.node_classes[n]) for n in model.col_node[bought]], dtype=np.int64)
    for c in bought[np.lexsort((model.col_line[bought], flexibility))]:
        need = pooled.needs[int(model.col_line[c])]
        node = int(model.col_node[c])
        _g, mechanism, origin = pooled.nodes[node]
        n_lots = round(lots[c])
        while n_lots > 0:
            purchase = Purchase(need, mechanism, origin, n_lots * need.lot)
            if _fund(purchase, node, pooled, wallet, budget):
                purchases.append(purchase)
                break
            n_lots -= 1
            dropped += 1
    purchases.sort(key=lambda p: (p.need.tier, p.need.rank, p.need.requirement_id, p.mechanism, p.origin))
    return Plan(purchases, wallet.left, dropped)


def _fund(purchase: Purchase, node: int, pooled: Pooled, wallet: _Wallet, budget: dict) -> bool:
    need = purchase.need
    to_model = pooled.rates[need.currency] * SCALE * 10.0 ** -minor_exponent(need.currency)
    owed = purchase.quantity * need.unit_price_minor
    classes = pooled.node_classes[node]
    # first the money the model routed here, then any compatible money still left
    for follow_model in (True, False):
        for k in classes:
            members = pooled.class_members[k]
            while (
                wallet.cursor.get(k, 0) < len(members)
                and wallet.estimate[pooled.pledges[members[wallet.cursor.get(k, 0)]].id] <= 0
            ):
                wallet.cursor[k] = wallet.cursor.get(k, 0) + 1
            for j in members[wallet.cursor.get(k, 0) :]:
                if owed == 0:
                    break
                pledge_id = pooled.pledges[j].id
                if wallet.estimate[pledge_id] <= 0 or (pledge_id, need.currency) in wallet.dust:
                    continue
                want = owed
                if follow_model:
                    routed = int(budget.get((k, node), 0.0) / to_model + 0.5)
                    # the model's floats may leave a purchase a few cents short of its routed money
                    want = owed if routed >= owed - ROUTING_SLACK else routed
                    if want <= 0:
                        break
                paid = wallet.affordable(pledge_id, need.currency, want)
                if paid <= 0:
                    if want >= 1 and wallet.affordable(pledge_id, need.currency, 1) <= 0:
                        wallet.dust.add((pledge_id, need.currency))
                    continue
                purchase.pieces.append(wallet.take(pledge_id, Money.from_minor(paid, need.currency)))
                owed -= paid
                if follow_model:
                    budget[(k, node)] = budget.get((k, node), 0.0) - paid * to_model
    if owed == 0:
        return True
    for piece in purchase.pieces:
        wallet.give_back(piece)
    purchase.pieces.clear()
    return False


def without_small_packages(instance: Instance, plan: Plan) -> Plan:
    """The plan less every package group worth less than the instance's minimum package value
    (such a group cannot become a package), its money returned to the pledges."""
    if instance.min_package is None:
        return plan
    value: dict[tuple, Decimal] = {}
    for purchase in plan.purchases:
        value[purchase.group] = value.get(purchase.group, Decimal(0)) + purchase.value.amount * instance.rate(
            purchase.need.currency
        )
    kept, left = [], dict(plan.remaining)
    for purchase in plan.purchases:
        if value[purchase.group] >= instance.min_package:
            kept.append(purchase)
        else:
            for piece in purchase.pieces:
                left[piece.pledge_id] = left[piece.pledge_id] + piece.amount
    return Plan(kept, left, plan.lots_dropped)


def coverage_by_tier(plan: Plan, tiers: int = 5) -> list[float]:
    out = [0.0] * tiers
    for purchase in plan.purchases:
        need = purchase.need
        out[need.tier - 1] += 1.0 if need.whole_only else purchase.quantity / need.open_quantity
    return out


def check(instance: Instance, plan: Plan) -> list[str]:
    """Everything that is wrong with a plan, in words; empty when it may be recorded.

    Independent of the solver: no pledge over what it has left, every piece within the
    pledge's earmarks (``earmark_refusal``), every purchase whole lots within the open
    quantity and paid exactly, conversions as the domain makes them."""
    problems: list[str] = []
    pledges = {p.id: p for p in instance.pledges}
    rates: dict[tuple[str, str], Decimal] = {}
    spent: dict[str, Money] = {}
    bought: dict[str, int] = {}
    for purchase in plan.purchases:
        need = purchase.need
        where = f"{need.requirement_id} ({purchase.mechanism}, {purchase.origin})"
        bought[need.requirement_id] = bought.get(need.requirement_id, 0) + purchase.quantity
        if purchase.quantity <= 0 or purchase.quantity % need.min_lot:
            problems.append(f"{where}: {purchase.quantity} is not a whole number of lots of {need.min_lot}")
        if need.whole_only and purchase.quantity != need.quantity:
            problems.append(f"{where}: useful only whole, but {purchase.quantity} of {need.quantity} bought")
        paid = sum((p.line_amount.minor for p in purchase.pieces), 0)
        if paid != purchase.value.minor:
            problems.append(f"{where}: paid {paid} minor units, costs {purchase.value.minor}")
        for piece in purchase.pieces:
            pledge = pledges.get(piece.pledge_id)
            if pledge is None:
                problems.append(f"{where}: unknown pledge {piece.pledge_id}")
                continue
            refusal = earmark_refusal(
                pledge, mechanism=purchase.mechanism, category=need.category, origin=purchase.origin, on=instance.on
            )
            if refusal:
                problems.append(f"{where}: pledge {pledge.id} {refusal}")
            if pledge.state not in PLEDGE.group("spendable"):
                problems.append(f"{where}: pledge {pledge.id} is {pledge.state}")
            expected = _converted(piece.line_amount, pledge.remaining.currency, instance, rates)
            if expected != piece.amount:
                problems.append(f"{where}: pledge {pledge.id} charged {piece.amount}, conversion gives {expected}")
            spent[pledge.id] = spent.get(pledge.id, Money.zero(pledge.remaining.currency)) + piece.amount
    for pledge_id, total in spent.items():
        if total > pledges[pledge_id].remaining:
            problems.append(f"pledge {pledge_id}: {total} allocated, only {pledges[pledge_id].remaining} left")
    open_qty = {n.requirement_id: n.open_quantity for n in instance.needs}
    for requirement_id, quantity in bought.items():
        if quantity > open_qty.get(requirement_id, 0):
            problems.append(f"{requirement_id}: {quantity} bought, only {open_qty.get(requirement_id, 0)} open")
    return problems


def _converted(amount: Money, currency: str, instance: Instance, rates: dict) -> Money:
    """``domain.fx.convert(amount, currency, …).result``; the rate it picks (a function of the
    currency pair and the day only) is asked of the domain once per pair."""
    if amount.currency == currency:
        return amount
    rate = rates.get((amount.currency, currency))
    if rate is None:
        rate = rates[(amount.currency, currency)] = convert(amount, currency, instance.on, instance.fx_days).rate
    return Money.rounded(amount.amount * rate, currency)

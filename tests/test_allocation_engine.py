"""The allocation optimiser on small random instances, checked without trusting the solver.

Feasibility is re-derived here from the domain's own rules (``earmark_refusal``, the
pledges' money left, whole lots); optimality against a brute-force enumeration of every
way to buy whole lots, with money routing checked by Hall's condition over exact amounts.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyline.domain.fx import FxDay, convert
from supplyline.domain.money import Money
from supplyline.domain.pledge import Pledge, earmark_refusal
from supplyline.engines.allocation import (
    Instance,
    Need,
    allocate,
    check,
    coverage_by_tier,
    greedy,
    lexicographic_compare,
    line_origin,
)
from supplyline.engines.allocation.instance import pool
from supplyline.engines.allocation.model import build
from supplyline.engines.allocation.plan import optimise

ON = date(2026, 3, 2)
FX = [FxDay(date(2026, 2, 27), {"USD": Decimal("1.1800"), "NOK": Decimal("11.700")})]
CATS = ("air_defence", "artillery_ammunition", "aerial_drones")


def make_pledge(i, amount, currency, mechanism, categories=(), origins=(), valid_until=None, state="committed"):
    money = Money(Decimal(amount), currency)
    return Pledge(
        id=f"P{i}",
        funder="F",
        amount=money,
        allocated=Money.zero(currency),
        pledged_on=date(2026, 1, i + 1),
        mechanism=mechanism,
        categories=tuple(sorted(categories)),
        origins=tuple(sorted(origins)),
        valid_from=date(2025, 12, 1),
        valid_until=valid_until,
        state=state,
        version=2,
    )


def make_need(i, tier, category, origin, quantity, lot, whole, price, currency="USD"):
    return Need(
        requirement_id=f"R{i}",
        recipient="UA-MOD",
        tier=tier,
        rank=i,
        item=f"item {i}",
        category=category,
        origin=origin,
        open_quantity=quantity,
        quantity=quantity,
        min_lot=lot,
        whole_only=whole,
        unit_price_minor=price * 100,
        currency=currency,
        unit="unit",
    )


@st.composite
def instances(draw, currencies=("USD",), max_lines=4):
    n_pledges = draw(st.integers(1, 3))
    pledges = []
    for i in range(n_pledges):
        mechanism = draw(st.sampled_from(("purl", "purl", "drone_deal", "bilateral")))
        origins = {"purl": ("US",), "drone_deal": ("UA",)}.get(mechanism) or draw(
            st.sampled_from(((), ("US",), ("UA",)))
        )
        categories = draw(st.sampled_from(((), (), (CATS[0],), (CATS[1],), (CATS[0], CATS[2]))))
        amount = draw(st.integers(1, 300))
        cents = draw(st.sampled_from(("", ".50", ".01")))
        until = draw(st.sampled_from((None, None, None, date(2026, 1, 31))))  # some closed before the day
        pledges.append(
            make_pledge(i, f"{amount}{cents}", draw(st.sampled_from(currencies)), mechanism, categories, origins, until)
        )
    needs = []
    for i in range(draw(st.integers(1, max_lines))):
        lot = draw(st.integers(1, 3))
        whole = draw(st.booleans())
        quantity = lot * draw(st.integers(1, 3)) + (0 if whole else draw(st.integers(0, lot - 1)))
        needs.append(
            make_need(
                i,
                draw(st.integers(1, 3)),
                draw(st.sampled_from(CATS)),
                draw(st.sampled_from(("US", "UA", "any"))),
                quantity,
                lot,
                whole,
                draw(st.integers(1, 90)),
                draw(st.sampled_from(currencies)),
            )
        )
    return Instance(pledges, needs, ON, FX, "USD")


# --- an independent check of a plan: the domain's rules, summed by hand ----------------------


def assert_feasible(instance: Instance, plan) -> None:
    pledges = {p.id: p for p in instance.pledges}
    spent: dict[str, Money] = {}
    bought: dict[str, int] = {}
    for purchase in plan.purchases:
        need = purchase.need
        assert purchase.quantity % need.min_lot == 0 and purchase.quantity > 0
        if need.whole_only:
            assert purchase.quantity == need.quantity
        bought[need.requirement_id] = bought.get(need.requirement_id, 0) + purchase.quantity
        assert sum(
            p.line_amount.amount for p in purchase.pieces
        ) == need.unit_price_minor * purchase.quantity / Decimal(100)
        for piece in purchase.pieces:
            pledge = pledges[piece.pledge_id]
            assert pledge.amount is not None
            assert (
                earmark_refusal(
                    pledge, mechanism=purchase.mechanism, category=need.category, origin=purchase.origin, on=instance.on
                )
                is None
            )
            assert (
                piece.amount == convert(piece.line_amount, pledge.amount.currency, instance.on, instance.fx_days).result
            )
            spent[pledge.id] = spent.get(pledge.id, Money.zero(pledge.amount.currency)) + piece.amount
    for pledge_id, total in spent.items():
        assert total <= pledges[pledge_id].remaining, f"{pledge_id} over-allocated: {total}"
    for need in instance.needs:
        assert bought.get(need.requirement_id, 0) <= need.open_quantity


# --- brute force ---------------------------------------------------------------------------


# one way to buy a line: (node key (mechanism, made in), lots, pledges that may pay) per node used
Choice = tuple[tuple[tuple[str, str], int, frozenset[str]], ...]


def brute_force(instance: Instance, limit: int = 3000) -> list[float] | None:
    """The lexicographic optimum by enumeration (single-currency instances), or None if too big."""
    on = instance.on
    usable = [p for p in instance.pledges if p.valid_until is None or p.valid_until >= on]
    options: list[list[Choice]] = []  # per line: the ways to buy it
    for need in instance.needs:
        nodes: dict[tuple[str, str], set[str]] = {}
        for p in usable:
            made_in = line_origin(p.mechanism, p.origins, need.origin)
            if (
                made_in
                and earmark_refusal(p, mechanism=p.mechanism, category=need.category, origin=made_in, on=on) is None
            ):
                nodes.setdefault((p.mechanism, made_in), set()).add(p.id)
        keys = sorted(nodes)
        choices: list[Choice] = [()]
        if need.max_lots >= 1:
            for lots in itertools.product(range(need.max_lots + 1), repeat=len(keys)):
                if 0 < sum(lots) <= need.max_lots:
                    choices.append(tuple((keys[k], n, frozenset(nodes[keys[k]])) for k, n in enumerate(lots) if n))
        options.append(choices)
    total = 1
    for choices in options:
        total *= len(choices)
    if total > limit:
        return None
    money = {p.id: p.remaining.minor for p in usable}
    best: list[float] | None = None
    for combo in itertools.product(*options):
        demands = []
        cover = [0.0] * 5
        for need, choice in zip(instance.needs, combo, strict=False):
            for _key, n, allowed in choice:
                demands.append((n * need.lot * need.unit_price_minor, allowed))
                cover[need.tier - 1] += 1.0 if need.whole_only else n * need.lot / need.open_quantity
        if not _hall(demands, money):
            continue
        if best is None or lexicographic_compare(cover, best) > 0:
            best = cover
    return best


def _hall(demands, money) -> bool:
    """Money can be routed iff every set of purchases needs no more than its pledges hold."""
    for size in range(1, len(demands) + 1):
        for subset in itertools.combinations(demands, size):
            pledges = frozenset().union(*(allowed for _, allowed in subset))
            if sum(d for d, _ in subset) > sum(money[p] for p in pledges):
                return False
    return True


# --- properties ----------------------------------------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_plan_is_the_brute_force_optimum_and_feasible(instance):
    result = allocate(instance, time_limit=20)
    assert_feasible(instance, result.plan)
    assert check(instance, result.plan) == []
    assert lexicographic_compare(result.coverage, result.baseline_coverage) >= 0
    optimum = brute_force(instance)
    if optimum is not None:
        assert lexicographic_compare(result.coverage, optimum, tolerance=1e-6) == 0, (result.coverage, optimum)


@SETTINGS
@given(instances(currencies=("USD", "EUR", "NOK"), max_lines=5))
def test_mixed_currency_plans_are_feasible_and_no_worse_than_by_hand(instance):
    for instant in (False, True):
        result = allocate(instance, time_limit=20, instant=instant)
        assert_feasible(instance, result.plan)
        assert lexicographic_compare(result.coverage, result.baseline_coverage) >= 0
        for tier in result.tiers:
            assert tier.coverage <= tier.bound + 1e-6


@SETTINGS
@given(instances(currencies=("USD", "EUR")))
def test_pooling_decides_exactly_as_earmark_refusal(instance):
    pooled = pool(instance)
    class_of = {p.id: int(k) for p, k in zip(pooled.pledges, pooled.pledge_class, strict=False)}
    for need in instance.needs:
        if need.max_lots < 1:
            continue
        g = pooled.line_class_keys.index((need.category, need.origin))
        reachable = {
            (pooled.nodes[n][1], pooled.nodes[n][2], k)
            for n in range(len(pooled.nodes))
            if pooled.nodes[n][0] == g
            for k in pooled.node_classes[n]
        }
        for p in pooled.pledges:
            made_in = line_origin(p.mechanism, p.origins, need.origin)
            allowed = (
                made_in is not None
                and earmark_refusal(p, mechanism=p.mechanism, category=need.category, origin=made_in, on=instance.on)
                is None
            )
            assert allowed == ((p.mechanism, made_in, class_of[p.id]) in reachable)


def test_strict_priority_one_tier1_line_beats_any_number_of_tier2_lines():
    pledges = [make_pledge(0, "100", "USD", "purl", origins=("US",))]
    needs = [make_need(0, 1, "air_defence", "US", 1, 1, True, 100)] + [
        make_need(i, 2, "air_defence", "US", 1, 1, True, 10) for i in range(1, 11)
    ]
    result = allocate(Instance(pledges, needs, ON, FX, "USD"), time_limit=20)
    assert result.coverage == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert [(p.need.requirement_id, p.quantity) for p in result.plan.purchases] == [("R0", 1)]
    assert result.plan.remaining["P0"] == Money(Decimal("0.00"), "USD")


def test_money_is_spent_where_only_it_may_go():
    # the unrestricted pledge must leave air defence to the pledge that can buy nothing else
    pledges = [
        make_pledge(0, "60", "USD", "purl", origins=("US",)),
        make_pledge(1, "60", "USD", "purl", categories=("air_defence",), origins=("US",)),
    ]
    needs = [
        make_need(0, 1, "air_defence", "US", 6, 1, False, 10),
        make_need(1, 1, "artillery_ammunition", "US", 6, 1, False, 10),
    ]
    instance = Instance(pledges, needs, ON, FX, "USD")
    result = allocate(instance, time_limit=20)
    assert result.coverage[0] == pytest.approx(2.0)
    paid = {
        (piece.pledge_id, purchase.need.requirement_id): piece.line_amount for purchase, piece in result.plan.pieces()
    }
    assert paid == {("P1", "R0"): Money(Decimal("60.00"), "USD"), ("P0", "R1"): Money(Decimal("60.00"), "USD")}
    # by hand, the first pledge pays for the first line and artillery gets nothing
    assert coverage_by_tier(greedy(instance, pool(instance)))[0] == pytest.approx(1.0)


def test_explanations_name_the_reason_and_the_price_of_an_earmark():
    pledges = [
        make_pledge(0, "50", "USD", "purl", categories=("air_defence",), origins=("US",)),
        make_pledge(1, "30", "USD", "drone_deal", origins=("UA",), valid_until=date(2026, 1, 31)),
    ]
    needs = [
        make_need(0, 1, "air_defence", "US", 2, 1, False, 20),
        make_need(1, 1, "artillery_ammunition", "US", 1, 1, True, 10),
        make_need(2, 2, "air_defence", "US", 1, 1, False, 30),
        make_need(3, 1, "aerial_drones", "UA", 4, 4, False, 5),
    ]
    result = allocate(Instance(pledges, needs, ON, FX, "USD"), time_limit=20)
    reasons = {line["requirement_id"]: line["reason"] for line in result.explanations["lines"]}
    assert reasons["R1"].startswith("no pledge's earmarks allow it")
    assert reasons["R2"] == "all compatible money went to higher tiers (1 tier-1 line)"
    assert reasons["R3"].startswith("no pledge's earmarks allow it")
    left = {p["pledge_id"]: p["reason"] for p in result.explanations["pledges"]}
    assert left["P1"] == "closed on 2026-01-31, before the allocation day 2026-03-02"
    assert left["P0"].startswith("what is left (USD 10.00) is less than the cheapest lot it may still buy (R2")
    prices = {p["relaxation"]: p for p in result.explanations["earmark_prices"]}
    assert prices["could also fund artillery ammunition"]["coverage_gain"][0] == 1.0
    assert prices["could also fund artillery ammunition"]["text"] == (
        "if pledge P0 could also fund artillery ammunition, 1.0 more tier-1 lines would be covered with the USD 10 left"
    )


def test_minimum_package_value_leaves_a_small_group_unfunded():
    pledges = [
        make_pledge(0, "100", "USD", "purl", origins=("US",)),
        make_pledge(1, "100", "USD", "drone_deal", origins=("UA",)),
    ]
    needs = [
        make_need(0, 1, "air_defence", "US", 8, 1, False, 10),
        make_need(1, 1, "aerial_drones", "UA", 3, 1, False, 10),
    ]
    without = allocate(Instance(pledges, needs, ON, FX, "USD"), time_limit=20)
    assert without.coverage[0] == pytest.approx(2.0)
    with_min = allocate(Instance(pledges, needs, ON, FX, "USD", min_package=Decimal("50")), time_limit=20)
    assert with_min.coverage[0] == pytest.approx(1.0)
    assert [(p.need.requirement_id, p.quantity) for p in with_min.plan.purchases] == [("R0", 8)]


def test_staged_mode_agrees_with_exact_mode_on_a_small_instance():
    pledges = [
        make_pledge(0, "95", "USD", "purl", origins=("US",)),
        make_pledge(1, "40", "USD", "purl", categories=("air_defence",), origins=("US",)),
    ]
    needs = [make_need(i, 1 + i % 2, CATS[i % 2], "US", 3 + i % 4, 1, i % 3 == 0, 5 + 3 * i) for i in range(8)]
    instance = Instance(pledges, needs, ON, FX, "USD")
    pooled = pool(instance)
    model = build(instance, pooled)
    exact = optimise(model, exact=True, time_limit=20)
    staged = optimise(model, exact=False, time_limit=20, rel_gap=0.0)
    assert exact is not None and staged is not None
    assert [round(t.coverage, 9) for t in staged.tiers][:1] == [round(t.coverage, 9) for t in exact.tiers][:1]
    assert exact.mode == "exact" and staged.mode == "staged"


@pytest.mark.parametrize("backend", ["highs", "cbc", "race"])
def test_each_solver_and_their_race_reach_the_same_optimum(backend):
    pledges = [make_pledge(0, "137", "USD", "purl", origins=("US",))]
    needs = [make_need(i, 1, "air_defence", "US", 4, 2, i % 2 == 0, 7 + 5 * i) for i in range(6)]
    result = allocate(Instance(pledges, needs, ON, FX, "USD"), backend=backend, time_limit=20)
    assert result.solver == backend
    best = brute_force(Instance(pledges, needs, ON, FX, "USD"), limit=10**6)
    assert best is not None
    assert result.coverage[0] == pytest.approx(best[0])

"""The release rounding rule (domain/release_rule.py): shares by largest remainder, the other
side cumulative, never below what was transferred."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyline.domain import release_rule as rule
from supplyline.domain.errors import RuleViolation
from supplyline.domain.money import Money


def eur(x):
    return Money.parse(x, "EUR")


def usd(x):
    return Money.parse(x, "USD")


def test_a_total_is_shared_by_largest_remainder_and_never_beyond_each_room():
    assert rule.share(usd("0.10"), [usd("1.00"), usd("1.00"), usd("1.00")]) == [usd("0.04"), usd("0.03"), usd("0.03")]
    # the remainders decide, not the order: 0.05 over 1:2 is 0.0166… and 0.0333…
    assert rule.share(usd("0.05"), [usd("1.00"), usd("2.00")]) == [usd("0.02"), usd("0.03")]
    assert rule.share(usd("3.00"), [usd("1.00"), usd("2.00")]) == [usd("1.00"), usd("2.00")]
    with pytest.raises(
        RuleViolation, match=r"USD 3.01 cannot be released: the allocations concerned may give USD 3.00"
    ):
        rule.share(usd("3.01"), [usd("1.00"), usd("2.00")])


def test_the_other_side_is_what_the_allocation_keeps_rounded_not_each_part():
    # EUR 100.00 paying USD 110.00: three releases of USD 33.33, then the rest
    held, held_line, backs = eur("100.00"), usd("110.00"), []
    for part in (usd("33.33"), usd("33.33"), usd("33.33"), usd("10.01")):
        back = rule.other_side(part, held_line, usd("110.00"), held, eur("100.00"))
        backs.append(back)
        held, held_line = held - back, held_line - part
    assert backs == [eur("30.30"), eur("30.30"), eur("30.30"), eur("9.10")]
    assert (held, held_line) == (eur("0.00"), usd("0.00"))
    # the same money named on the pledge's side
    assert rule.other_side(eur("9.09"), eur("100.00"), eur("100.00"), usd("110.00"), usd("110.00")) == usd("10.00")


def test_a_rounding_cent_below_the_transferred_money_is_kept_more_is_refused():
    # EUR 100.00 / USD 110.00 with EUR 90.91 sent to the seller; releasing USD 10.01 keeps
    # round(100 × 99.99 / 110) = EUR 90.90, a cent under what was sent: it gives back 9.09
    back = rule.other_side(usd("10.01"), usd("110.00"), usd("110.00"), eur("100.00"), eur("100.00"))
    assert back == eur("9.10")
    assert rule.above_transferred(back, eur("100.00"), eur("90.91"), partial=True) == eur("9.09")
    assert rule.above_transferred(back, eur("100.00"), eur("90.90"), partial=True) == eur("9.10")
    assert rule.above_transferred(back, eur("100.00"), eur("90.92"), partial=True) is None
    assert rule.above_transferred(eur("100.00"), eur("100.00"), eur("0.01"), partial=False) is None
    # what may still go back, on each side, with EUR 90.91 sent
    room = rule.released_room(eur("100.00"), eur("100.00"), eur("90.91"))
    assert room == eur("9.09")
    assert rule.line_room(eur("100.00"), usd("110.00"), eur("100.00"), usd("110.00"), room) == usd("10.00")
    assert rule.line_room(eur("40.00"), usd("44.00"), eur("100.00"), usd("110.00"), eur("50.00")) == usd("44.00")


@settings(max_examples=60, deadline=None)
@given(
    whole_minor=st.integers(1, 10**9),
    rate=st.decimals(Decimal("0.5"), Decimal("2"), places=4),
    cuts=st.lists(st.integers(1, 10**4), min_size=1, max_size=6),
)
def test_any_sequence_of_partial_releases_adds_up_to_the_allocation(whole_minor, rate, cuts):
    whole = Money.from_minor(whole_minor, "EUR")
    whole_line = Money.rounded(whole.amount * rate, "USD")
    if not whole_line.is_positive:
        return
    held, held_line, total_back = whole, whole_line, Money.zero("EUR")
    for cut in cuts:
        part = min(Money.from_minor(max(1, whole_line.minor * cut // 10**5), "USD"), held_line)
        if not part.is_positive:
            break
        back = rule.other_side(part, held_line, whole_line, held, whole)
        held, held_line, total_back = held - back, held_line - part, total_back + back
        # what it keeps depends only on what it still holds of its line
        assert held == Money.rounded(whole.amount * held_line.amount / whole_line.amount, "EUR")
    back = rule.other_side(held_line, held_line, whole_line, held, whole)
    assert total_back + back == whole

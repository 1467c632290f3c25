from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supplyline.domain.errors import InvalidInput, RuleViolation
from supplyline.domain.fx import FxDay, convert, fx_used
from supplyline.domain.money import Money, split_pro_rata


def test_parse_keeps_exact_decimal_and_minor_units():
    m = Money.parse("500000000.10", "EUR")
    assert m.amount == Decimal("500000000.10")
    assert m.minor == 50000000010
    assert Money.from_minor(50000000010, "EUR") == m


def test_currency_minor_units_follow_iso_4217():
    assert Money.parse("1500", "JPY").minor == 1500
    assert Money.parse("1.234", "KWD").minor == 1234
    with pytest.raises(InvalidInput, match=r"more decimals than JPY has minor units \(0\)"):
        Money.parse("1.5", "JPY")


@pytest.mark.parametrize("bad", [1.5, float("nan"), True])
def test_floats_and_bools_are_refused(bad):
    with pytest.raises(InvalidInput) as exc:
        Money.parse(bad, "EUR")
    assert exc.value.field == "amount"


@pytest.mark.parametrize("code", ["EUX", "eur", "EURO", "XAU", ""])
def test_unknown_or_malformed_currency_is_refused(code):
    with pytest.raises(InvalidInput) as exc:
        Money.parse("1", code)
    assert exc.value.field == "currency"


def test_mixed_currency_arithmetic_is_refused():
    with pytest.raises(RuleViolation, match="cannot combine EUR and USD"):
        Money.parse("1", "EUR") + Money.parse("1", "USD")


@given(
    st.integers(min_value=0, max_value=10**14),
    st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=12),
)
def test_pro_rata_split_adds_up_to_the_cent(total_minor, weights):
    total = Money.from_minor(total_minor, "USD")
    parts = split_pro_rata(total, [Decimal(w) for w in weights])
    assert sum(p.minor for p in parts) == total_minor
    # no part is more than one cent away from its exact share
    for part, w in zip(parts, weights, strict=False):
        exact = Decimal(total_minor) * w / sum(weights)
        assert abs(Decimal(part.minor) - exact) < 1


def test_split_is_deterministic_on_ties():
    parts = split_pro_rata(Money.parse("0.01", "USD"), [Decimal(1), Decimal(1)])
    assert [p.amount for p in parts] == [Decimal("0.01"), Decimal("0.00")]


DAYS = [
    FxDay(date(2025, 8, 1), {"USD": Decimal("1.1400"), "NOK": Decimal("11.80")}),
    FxDay(date(2025, 8, 4), {"USD": Decimal("1.1570")}),
]


def test_conversion_uses_last_earlier_day_quoting_both_and_records_it():
    c = convert(Money.parse("1157", "USD"), "EUR", date(2025, 8, 6), DAYS)
    assert c.result == Money.parse("1000.00", "EUR")
    assert fx_used(c) == {"from": "USD", "to": "EUR", "rate": "0.864304235091", "date": "2025-08-04"}
    # NOK is only quoted on 1 Aug, so a NOK->USD conversion on 6 Aug uses that day
    c2 = convert(Money.parse("1180", "NOK"), "USD", date(2025, 8, 6), DAYS)
    assert c2.rate_day == date(2025, 8, 1)
    assert c2.result == Money.parse("114.00", "USD")


def test_conversion_before_any_rate_is_refused():
    with pytest.raises(InvalidInput, match="no FX rate quoting both currencies on or before 2025-07-31"):
        convert(Money.parse("1", "USD"), "EUR", date(2025, 7, 31), DAYS)


def test_same_currency_needs_no_rate():
    c = convert(Money.parse("5", "EUR"), "EUR", date(2000, 1, 1), [])
    assert c.result == Money.parse("5", "EUR") and fx_used(c) is None

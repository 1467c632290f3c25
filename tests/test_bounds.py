"""Numbers that no ledger entry can hold are refused with the field named, not stored or
crashed on (the columns hold 2^31-1 units and about 9.2e18 minor units)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supplyline.domain.errors import InvalidInput, RuleViolation
from supplyline.domain.money import LARGEST_MINOR, Money
from supplyline.domain.values import LARGEST_COUNT, parse_int


@pytest.mark.parametrize("text", ["100000000000000", "1e999999999", "-1e999999999", "99999999999999999999999999999999"])
def test_amounts_beyond_any_budget_are_refused(text):
    with pytest.raises(RuleViolation) as refused:
        Money.parse(text, "USD", "unit_price")
    assert refused.value.field == "unit_price"


def test_the_largest_bookable_amount_is_accepted():
    assert Money.parse("99999999999999.99", "USD").minor == LARGEST_MINOR - 1
    with pytest.raises(RuleViolation):
        Money.rounded(Decimal("1e40"), "EUR")


def test_counts_beyond_the_integer_columns_are_refused():
    assert parse_int("quantity", LARGEST_COUNT) == 2_147_483_647
    for value in (LARGEST_COUNT + 1, str(LARGEST_COUNT + 1)):
        with pytest.raises(InvalidInput) as refused:
            parse_int("quantity", value, minimum=1)
        assert refused.value.field == "quantity"

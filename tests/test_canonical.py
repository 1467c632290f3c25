"""The fast canonical JSON gives exactly the bytes of the RFC 8785 reference library."""

from __future__ import annotations

import re

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyline.ledger.canonical import canonical

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_same_bytes_as_rfc8785(value):
    assert canonical(value) == rfc8785.dumps(value).decode("utf-8")


def test_escapes_and_key_order():
    value: dict[str, str | list[bool | int | None] | dict[str, int]] = {
        "b": 'line\nbreak "quoted" \\ \x01 \x7f \u2028 Україна',
        "a": [1, True, None],
        "B": {"z": 0, "y": -5},
    }
    assert canonical(value) == rfc8785.dumps(value).decode("utf-8")
    assert (
        canonical(value)
        == '{"B":{"y":-5,"z":0},"a":[1,true,null],"b":"line\\nbreak \\"quoted\\" \\\\ \\u0001 \x7f \u2028 Україна"}'
    )


def test_out_of_range_integers_and_floats_are_refused():
    with pytest.raises(rfc8785.IntegerDomainError):
        canonical({"n": 2**60})
    with pytest.raises(TypeError, match=re.escape("payload.amount: floats are not allowed")):
        canonical({"amount": 1.5})

import itertools

import pytest

from supplyline.domain import lifecycle
from supplyline.domain.errors import TransitionRefused

# DESIGN.md, "Life cycles", written out edge by edge
EXPECTED = {
    "requirement": {
        ("draft", "submitted"),
        ("submitted", "validated"),
        ("validated", "partly_funded"),
        ("validated", "funded"),
        ("partly_funded", "funded"),
        ("funded", "fulfilled"),
        *{(s, "withdrawn") for s in ("draft", "submitted", "validated", "partly_funded", "funded")},
    },
    "pledge": {
        ("announced", "committed"),
        ("committed", "partly_allocated"),
        ("committed", "exhausted"),
        ("partly_allocated", "exhausted"),
        *{(s, "expired") for s in ("announced", "committed", "partly_allocated")},
    },
    "package": {
        ("draft", "proposed"),
        ("proposed", "approved"),
        ("proposed", "rejected"),
        ("approved", "contracted"),
        ("contracted", "delivering"),
        ("delivering", "delivered"),
        ("delivered", "closed"),
    },
    "production order": {
        ("placed", "in_production"),
        ("in_production", "completed"),
        ("placed", "cancelled"),
        ("in_production", "cancelled"),
    },
    "shipment": {("shipped", "received"), ("shipped", "lost")},
}


@pytest.mark.parametrize("cycle", lifecycle.ALL, ids=lambda c: c.entity)
def test_transition_tables_are_exactly_the_design(cycle):
    edges = {(s, t) for s, targets in cycle.transitions.items() for t in targets}
    assert edges == EXPECTED[cycle.entity]


@pytest.mark.parametrize("cycle", lifecycle.ALL, ids=lambda c: c.entity)
def test_every_disallowed_transition_is_refused_naming_entity_state_and_action(cycle):
    for state, target in itertools.product(cycle.states, repeat=2):
        if (state, target) in EXPECTED[cycle.entity]:
            cycle.check("X-1", state, target, f"go to {target}")
            continue
        with pytest.raises(TransitionRefused) as exc:
            cycle.check("X-1", state, target, f"go to {target}")
        message = str(exc.value)
        assert message.startswith(f"{cycle.entity} 'X-1' is {state.replace('_', ' ')}: cannot go to {target}")
        assert exc.value.state == state and exc.value.action == f"go to {target}"

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
        # released money (issue 15 item 3) reopens a line
        ("partly_funded", "validated"),
        ("funded", "partly_funded"),
        ("funded", "validated"),
        # a submitted line goes back to draft with a reason (issue 17 item 1)
        ("submitted", "draft"),
        *{(s, "withdrawn") for s in ("draft", "submitted", "validated", "partly_funded", "funded")},
    },
    "pledge": {
        ("announced", "committed"),
        ("committed", "partly_allocated"),
        ("committed", "exhausted"),
        ("partly_allocated", "exhausted"),
        # released allocations (issue 15 item 3)
        ("partly_allocated", "committed"),
        ("exhausted", "partly_allocated"),
        ("exhausted", "committed"),
        *{(s, "expired") for s in ("announced", "committed", "partly_allocated")},
    },
    "package": {
        ("draft", "proposed"),
        ("proposed", "approved"),
        ("proposed", "rejected"),
        # the coordinator returns a package to draft with reasons (issue 17 item 2)
        ("proposed", "draft"),
        ("approved", "contracted"),
        ("contracted", "delivering"),
        ("delivering", "delivered"),
        # a package whose contracts delivered all they hold, units cut by an amendment never bought (issue 15)
        ("delivering", "closed"),
        ("delivered", "closed"),
    },
    "production order": {
        ("placed", "in_production"),
        ("in_production", "completed"),
        ("placed", "cancelled"),
        ("in_production", "cancelled"),
    },
    "shipment": {("shipped", "received"), ("shipped", "lost")},
    # money stages (issue 15): what each movement draws on
    "money": {
        ("committed", "paid_in"),
        ("paid_in", "transferred"),
        ("paid_in", "returned"),
        ("transferred", "obligated"),
        ("obligated", "expended"),
    },
    # end-use monitoring (issue 16): docs/end-use.md
    "serial-numbered item": {
        ("in_transit", "held"),
        ("in_transit", "missing"),
        ("in_transit", "lost"),  # lost with its shipment
        ("held", "held"),
        *{("held", d) for d in ("expended", "destroyed", "lost", "stolen", "transferred")},
        ("missing", "held"),
        ("missing", "lost"),
        ("missing", "stolen"),
    },
    "handover": {("handed_over", "confirmed")},
    # audit findings (issue 18): answered by the record's owners (again if need be), closed or
    # reopened by the auditor
    "finding": {
        ("open", "answered"),
        ("open", "closed"),
        ("answered", "answered"),
        ("answered", "closed"),
        ("answered", "open"),
        ("closed", "open"),
    },
    # a contract's change (issue 15 item 4): in force once accepted, or refused
    "contract amendment": {("proposed", "in_force"), ("proposed", "rejected")},
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


# the groups the rules and queries speak of, each written out state by state
GROUPS = {
    "requirement": {"final": ("fulfilled", "withdrawn"), "fundable": ("validated", "partly_funded")},
    "pledge": {
        "final": ("expired",),
        "spendable": ("committed", "partly_allocated"),
        "moving": ("committed", "partly_allocated", "exhausted", "expired"),
    },
    "money": {"final": ("expended", "returned")},
    "package": {
        "final": ("rejected", "closed"),
        "live": ("draft", "proposed", "approved", "contracted", "delivering", "delivered", "closed"),
        "fundable": ("draft", "proposed", "approved"),
        "contractable": ("approved", "contracted", "delivering"),
        "top_up": ("contracted", "delivering"),
    },
    "production order": {
        "final": ("completed", "cancelled"),
        "open": ("placed", "in_production"),
        "live": ("placed", "in_production", "completed"),
    },
    "shipment": {"final": ("received", "lost"), "live": ("shipped", "received")},
    "serial-numbered item": {
        "final": ("expended", "destroyed", "lost", "stolen", "transferred"),
        "accountable": ("held", "missing"),
        "disposed": ("expended", "destroyed", "lost", "stolen", "transferred"),
    },
    "handover": {"final": ("confirmed",)},
    "finding": {"final": (), "open": ("open", "answered")},  # a closed finding can always be reopened
    "contract amendment": {"final": ("in_force", "rejected")},
}


@pytest.mark.parametrize("cycle", lifecycle.ALL, ids=lambda c: c.entity)
def test_state_groups_are_named_on_the_tables(cycle):
    assert {name: cycle.group(name) for name in ("final", *cycle.groups)} == GROUPS[cycle.entity]


def test_an_unknown_group_or_state_is_refused_by_name():
    with pytest.raises(
        KeyError, match="the pledge life cycle has no group 'open' \\(it has: final, spendable, moving\\)"
    ):
        lifecycle.PLEDGE.group("open")
    with pytest.raises(ValueError, match=r"x life cycle names unknown states: \['gone'\]"):
        lifecycle.LifeCycle("x", "a", {"a": ()}, groups={"live": ("a", "gone")})
    with pytest.raises(ValueError, match="'final' is the group of states with no way out"):
        lifecycle.LifeCycle("x", "a", {"a": ()}, groups={"final": ("a",)})

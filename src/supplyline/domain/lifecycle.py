"""Life cycles as explicit transition tables (DESIGN.md, "Life cycles").

The tables are the single statement of what may follow what; entities consult them before
emitting an event, so a disallowed transition is refused before anything is written. The
groups of states that rules and queries speak of (a pledge that can still be spent, a
package that was not rejected) are named on the same tables, beside the states they group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .errors import TransitionRefused


@dataclass(frozen=True)
class LifeCycle:
    entity: str
    initial: str
    transitions: dict[str, tuple[str, ...]]
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        targets = {t for nexts in self.transitions.values() for t in nexts}
        grouped = {s for members in self.groups.values() for s in members}
        unknown = (targets | grouped) - set(self.transitions)
        if unknown or self.initial not in self.transitions:
            raise ValueError(f"{self.entity} life cycle names unknown states: {sorted(unknown)}")
        if "final" in self.groups:
            raise ValueError(f"{self.entity} life cycle: 'final' is the group of states with no way out")

    def group(self, name: str) -> tuple[str, ...]:
        """The states of a named group, in the table's order; ``final`` is always one."""
        if name not in self._groups:
            raise KeyError(f"the {self.entity} life cycle has no group '{name}' (it has: {', '.join(self._groups)})")
        return self._groups[name]

    @cached_property
    def _groups(self) -> dict[str, tuple[str, ...]]:
        named = {"final": {s for s in self.states if self.is_final(s)}} | {n: set(m) for n, m in self.groups.items()}
        return {name: tuple(s for s in self.states if s in members) for name, members in named.items()}

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allows(self, state: str, target: str) -> bool:
        return target in self.transitions[state]

    def check(self, entity_id: str, state: str, target: str, action: str) -> None:
        if not self.allows(state, target):
            raise TransitionRefused(self.entity, entity_id, state, action, self.transitions[state])

    def is_final(self, state: str) -> bool:
        return not self.transitions[state]


REQUIREMENT = LifeCycle(
    "requirement",
    "draft",
    {
        "draft": ("submitted", "withdrawn"),
        # or back to draft, returned by the coordinator with a reason (issue 17, item 1)
        "submitted": ("validated", "withdrawn", "draft"),
        "validated": ("partly_funded", "funded", "withdrawn"),
        # back down when money is released (a package rejected, a line cancelled): the line
        # reopens for allocation
        "partly_funded": ("validated", "funded", "withdrawn"),
        "funded": ("validated", "partly_funded", "fulfilled", "withdrawn"),
        "fulfilled": (),
        "withdrawn": (),
    },
    # validated and not yet fully funded: may be put in a package, and allocated to
    groups={"fundable": ("validated", "partly_funded")},
)

PLEDGE = LifeCycle(
    "pledge",
    "announced",
    {
        "announced": ("committed", "expired"),
        "committed": ("partly_allocated", "exhausted", "expired"),
        # released allocations give money back to allocate again
        "partly_allocated": ("committed", "exhausted", "expired"),
        "exhausted": ("committed", "partly_allocated"),
        "expired": (),
    },
    groups={
        # committed with money left: allocations may draw on it
        "spendable": ("committed", "partly_allocated"),
        # committed: its money moves along its stages (MONEY); an expired pledge's money
        # already on its way still is obligated and spent
        "moving": ("committed", "partly_allocated", "exhausted", "expired"),
    },
)

#: The stages a pledge's money moves through (issue 15): each movement draws on the stage
#: before it, so no stage can ever hold more than the one it came from (invariant 7).
MONEY = LifeCycle(
    "money",
    "committed",
    {
        "committed": ("paid_in",),
        "paid_in": ("transferred", "returned"),
        "transferred": ("obligated",),
        "obligated": ("expended",),
        "expended": (),
        "returned": (),
    },
)

PACKAGE = LifeCycle(
    "package",
    "draft",
    {
        "draft": ("proposed",),
        # returned to draft by the coordinator, with its reasons (issue 17, item 2)
        "proposed": ("approved", "rejected", "draft"),
        "approved": ("contracted",),
        "rejected": (),
        "contracted": ("delivering",),
        # closed early once its contracts delivered all they hold (units cut were never bought)
        "delivering": ("delivered", "closed"),
        "delivered": ("closed",),
        "closed": (),
    },
    groups={
        # not rejected: its lines hold their requirements' units
        "live": ("draft", "proposed", "approved", "contracted", "delivering", "delivered", "closed"),
        # allocations are made before it is contracted
        "fundable": ("draft", "proposed", "approved"),
        # contracts are signed for it once approved, until its delivery is complete
        "contractable": ("approved", "contracted", "delivering"),
        # under contract: a top-up allocation pays for a contract's price rise (issue 15 item 4)
        "top_up": ("contracted", "delivering"),
    },
)

PRODUCTION_ORDER = LifeCycle(
    "production order",
    "placed",
    {
        "placed": ("in_production", "cancelled"),
        "in_production": ("completed", "cancelled"),
        "completed": (),
        "cancelled": (),
    },
    groups={
        # still to be built: what production planning plans
        "open": ("placed", "in_production"),
        # not cancelled: holds its units of the contract line
        "live": ("placed", "in_production", "completed"),
    },
)

SHIPMENT = LifeCycle(
    "shipment",
    "shipped",
    {
        "shipped": ("received", "lost"),
        "received": (),
        "lost": (),
    },
    # not lost: its lots' units are on their way or arrived
    groups={"live": ("shipped", "received")},
)

#: a serial-numbered item under end-use monitoring, from its shipment to its final disposition
SERIAL_ITEM = LifeCycle(
    "serial-numbered item",
    "in_transit",
    {
        # a lost shipment's items are lost with it
        "in_transit": ("held", "missing", "lost"),
        # sighted in a check or handed over: still held
        "held": ("held", "expended", "destroyed", "lost", "stolen", "transferred"),
        # did not arrive with its shipment or handover: found later, or written off
        "missing": ("held", "lost", "stolen"),
        "expended": (),
        "destroyed": (),
        "lost": (),
        "stolen": (),
        "transferred": (),
    },
    groups={
        # to be inventoried: the deadlines run for these
        "accountable": ("held", "missing"),
        # a final disposition, recorded with its evidence
        "disposed": ("expended", "destroyed", "lost", "stolen", "transferred"),
    },
)

#: one leg of custody: stated by the giving party, confirmed by the receiving one
HANDOVER = LifeCycle("handover", "handed_over", {"handed_over": ("confirmed",), "confirmed": ()})

#: an audit finding (issue 18): answered by the record's owners, closed by the auditor, who
#: may reopen it when the answer does not hold
FINDING = LifeCycle(
    "finding",
    "open",
    {"open": ("answered", "closed"), "answered": ("answered", "closed", "open"), "closed": ("open",)},
    # still waiting on someone: flagged on the record's page, in the trace and the funnel
    groups={"open": ("open", "answered")},
)

#: a change to a signed contract (issue 15 item 4): a modification is in force when recorded,
#: an amendment once its parties have accepted it, or rejected by one of them
AMENDMENT = LifeCycle(
    "contract amendment", "proposed", {"proposed": ("in_force", "rejected"), "in_force": (), "rejected": ()}
)

ALL = (REQUIREMENT, PLEDGE, PACKAGE, PRODUCTION_ORDER, SHIPMENT, SERIAL_ITEM, MONEY, HANDOVER, FINDING, AMENDMENT)

"""Life cycles as explicit transition tables (DESIGN.md, "Life cycles").

The tables are the single statement of what may follow what; entities consult them before
emitting an event, so a disallowed transition is refused before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import TransitionRefused


@dataclass(frozen=True)
class LifeCycle:
    entity: str
    initial: str
    transitions: dict[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        targets = {t for nexts in self.transitions.values() for t in nexts}
        unknown = targets - set(self.transitions)
        if unknown or self.initial not in self.transitions:
            raise ValueError(f"{self.entity} life cycle names unknown states: {sorted(unknown)}")

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
        "submitted": ("validated", "withdrawn"),
        "validated": ("partly_funded", "funded", "withdrawn"),
        "partly_funded": ("funded", "withdrawn"),
        "funded": ("fulfilled", "withdrawn"),
        "fulfilled": (),
        "withdrawn": (),
    },
)

PLEDGE = LifeCycle(
    "pledge",
    "announced",
    {
        "announced": ("committed", "expired"),
        "committed": ("partly_allocated", "exhausted", "expired"),
        "partly_allocated": ("exhausted", "expired"),
        "exhausted": (),
        "expired": (),
    },
)

PACKAGE = LifeCycle(
    "package",
    "draft",
    {
        "draft": ("proposed",),
        "proposed": ("approved", "rejected"),
        "approved": ("contracted",),
        "rejected": (),
        "contracted": ("delivering",),
        "delivering": ("delivered",),
        "delivered": ("closed",),
        "closed": (),
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
)

SHIPMENT = LifeCycle(
    "shipment",
    "shipped",
    {
        "shipped": ("received", "lost"),
        "received": (),
        "lost": (),
    },
)

ALL = (REQUIREMENT, PLEDGE, PACKAGE, PRODUCTION_ORDER, SHIPMENT)

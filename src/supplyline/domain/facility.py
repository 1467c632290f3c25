"""Production facilities: who owns them, where they are, what they can build per month.

A facility builds an item once it has a capacity entry for it. Its terms for the item (the
smallest batch worth running in a month, and what one unit costs there) are what the
production planner weighs when it chooses where to build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .entity import Entity, Event, require_exists, require_new, unique
from .errors import InvalidInput, RuleViolation
from .events import FacilityCapacitySet, FacilityItemTermsSet, FacilityRegistered, OwnerShare
from .money import Money
from .values import parse_country, parse_id, parse_int, parse_month, parse_share, parse_text


@dataclass
class Owner:
    party: str
    share: Decimal  # percent


@dataclass
class Capacity:
    """From ``from_month`` on (until a later entry for the item), so many units a month."""

    item: str
    from_month: str
    monthly_quantity: int


def capacity_in(entries: list[Capacity], item: str, month: str) -> int:
    """Monthly capacity for an item in a month (ramp-up: the latest entry not after it)."""
    best: Capacity | None = None
    for entry in entries:
        if entry.item == item and entry.from_month <= month and (best is None or entry.from_month >= best.from_month):
            best = entry
    return best.monthly_quantity if best else 0


@dataclass
class ItemTerms:
    """How a facility builds one item: at least ``min_batch`` units in any month it runs it,
    at ``unit_cost`` per unit."""

    item: str
    min_batch: int
    unit_cost: Money


@dataclass
class Facility(Entity):
    KIND = "facility"
    LABEL = "facility"

    name: str = ""
    country: str = ""
    owners: list[Owner] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)
    terms: dict[str, ItemTerms] = field(default_factory=dict)

    @property
    def items(self) -> set[str]:
        return {c.item for c in self.capacity}

    def min_batch(self, item: str) -> int:
        return self.terms[item].min_batch if item in self.terms else 1

    def capacity_in(self, item: str, month: str) -> int:
        return capacity_in(self.capacity, item, month)

    def _on_FacilityRegistered(self, e: FacilityRegistered) -> None:
        self.name, self.country = e.name, e.country
        self.owners = [Owner(o.party, o.share) for o in e.owners]

    def _on_FacilityCapacitySet(self, e: FacilityCapacitySet) -> None:
        self.capacity = [c for c in self.capacity if not (c.item == e.item and c.from_month == e.from_month)] + [
            Capacity(e.item, e.from_month, e.monthly_quantity)
        ]

    def _on_FacilityItemTermsSet(self, e: FacilityItemTermsSet) -> None:
        self.terms[e.item] = ItemTerms(e.item, e.min_batch, e.unit_cost)


def register(facility: Facility, *, name: object, country: object, owners: list[tuple[str, object]]) -> list[Event]:
    parse_id("id", facility.id)
    require_new(facility)
    if not owners:
        raise InvalidInput("owners", [], "a facility needs at least one owner")
    shares = [(party, parse_share(f"owners[{i}].share", share)) for i, (party, share) in enumerate(owners, 1)]
    unique("owners", [p for p, _ in shares])
    total = sum((s for _, s in shares), Decimal(0))
    if total != 100:
        raise InvalidInput("owners", str(total), "ownership shares must add up to 100")
    return [
        FacilityRegistered(
            id=facility.id,
            name=parse_text("name", name, max_length=200),
            country=parse_country("country", country),
            owners=tuple(OwnerShare(p, s) for p, s in shares),
        )
    ]


def set_capacity(facility: Facility, *, item: object, from_month: object, monthly_quantity: object) -> list[Event]:
    require_exists(facility)
    return [
        FacilityCapacitySet(
            item=parse_text("item", item, max_length=200),
            from_month=parse_month("from_month", from_month),
            monthly_quantity=parse_int("monthly_quantity", monthly_quantity, minimum=0),
        )
    ]


def set_item_terms(facility: Facility, *, item: object, min_batch: object, unit_cost: Money) -> list[Event]:
    """Record the minimum batch and unit cost of an item the facility builds."""
    require_exists(facility)
    if not unit_cost.is_positive:  # the command parses it so; a cost of nothing would plan free units
        raise InvalidInput("unit_cost", str(unit_cost), "must be greater than zero")
    name = parse_text("item", item, max_length=200)
    if name not in facility.items:
        raise RuleViolation(
            f"facility '{facility.id}' does not build '{name}': set its capacity for the item first "
            f"(it builds: {', '.join(sorted(facility.items)) or 'nothing yet'})",
            field="item",
            value=name,
        )
    return [
        FacilityItemTermsSet(
            item=name,
            min_batch=parse_int("min_batch", min_batch, minimum=1),
            unit_cost=unit_cost,
        )
    ]

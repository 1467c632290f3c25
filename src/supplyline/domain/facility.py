"""Production facilities: who owns them, where they are, what they can build per month."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .entity import Entity, Event, require_exists, require_new, unique
from .errors import InvalidInput
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


@dataclass
class Facility(Entity):
    KIND = "facility"
    LABEL = "facility"

    name: str = ""
    country: str = ""
    owners: list[Owner] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)

    @property
    def items(self) -> set[str]:
        return {c.item for c in self.capacity}

    def capacity_in(self, item: str, month: str) -> int:
        """Monthly capacity for an item in a month (ramp-up: the latest entry not after it)."""
        best: Capacity | None = None
        for entry in self.capacity:
            if entry.item == item and entry.from_month <= month:
                if best is None or entry.from_month >= best.from_month:
                    best = entry
        return best.monthly_quantity if best else 0

    def _on_FacilityRegistered(self, d: dict) -> None:
        self.name, self.country = d["name"], d["country"]
        self.owners = [Owner(o["party"], Decimal(o["share"])) for o in d["owners"]]

    def _on_FacilityCapacitySet(self, d: dict) -> None:
        self.capacity = [
            c for c in self.capacity if not (c.item == d["item"] and c.from_month == d["from_month"])
        ] + [Capacity(d["item"], d["from_month"], d["monthly_quantity"])]


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
        Event(
            "FacilityRegistered",
            {
                "id": facility.id,
                "name": parse_text("name", name, max_length=200),
                "country": parse_country("country", country),
                "owners": [{"party": p, "share": str(s)} for p, s in shares],
            },
        )
    ]


def set_capacity(facility: Facility, *, item: object, from_month: object, monthly_quantity: object) -> list[Event]:
    require_exists(facility)
    return [
        Event(
            "FacilityCapacitySet",
            {
                "item": parse_text("item", item, max_length=200),
                "from_month": parse_month("from_month", from_month),
                "monthly_quantity": parse_int("monthly_quantity", monthly_quantity, minimum=0),
            },
        )
    ]

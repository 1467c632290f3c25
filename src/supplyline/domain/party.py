"""Parties: governments, organisations and companies that act in or are named by the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from .entity import Entity, Event, require_new
from .events import PartyRegistered
from .values import PARTY_KINDS, parse_choice, parse_country, parse_id, parse_text


@dataclass
class Party(Entity):
    KIND = "party"
    LABEL = "party"

    name: str = ""
    kind: str = ""
    country: str | None = None

    def _on_PartyRegistered(self, e: PartyRegistered) -> None:
        self.name, self.kind, self.country = e.name, e.kind, e.country


def register(party: Party, *, name: object, kind: object, country: object | None) -> list[Event]:
    parse_id("id", party.id)
    require_new(party)
    return [
        PartyRegistered(
            id=party.id,
            name=parse_text("name", name, max_length=200),
            kind=parse_choice("kind", kind, PARTY_KINDS),
            country=parse_country("country", country) if country not in (None, "") else None,
        )
    ]

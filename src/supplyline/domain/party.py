"""Parties: governments, organisations and companies that act in or are named by the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput
from .events import PartyAliasesAdded, PartyRegistered
from .names import fold
from .values import PARTY_KINDS, parse_choice, parse_country, parse_id, parse_text


@dataclass
class Party(Entity):
    KIND = "party"
    LABEL = "party"

    name: str = ""
    kind: str = ""
    country: str | None = None
    aliases: tuple[str, ...] = ()  # other names files call it by (imports match them)

    def _on_PartyRegistered(self, e: PartyRegistered) -> None:
        self.name, self.kind, self.country = e.name, e.kind, e.country

    def _on_PartyAliasesAdded(self, e: PartyAliasesAdded) -> None:
        self.aliases = (*self.aliases, *e.aliases)


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


def add_aliases(party: Party, aliases: list[str] | tuple[str, ...]) -> list[Event]:
    """Record other names of the party; names it already answers to are left out (none: no event)."""
    require_exists(party)
    known = {fold(party.name), *(fold(a) for a in party.aliases)}
    fresh: list[str] = []
    for i, alias in enumerate(aliases):
        text = parse_text(f"aliases[{i}]", alias, max_length=200)
        if not fold(text):
            raise InvalidInput(f"aliases[{i}]", alias, "must hold letters or digits")
        if fold(text) not in known:
            known.add(fold(text))
            fresh.append(text)
    return [PartyAliasesAdded(aliases=tuple(fresh))] if fresh else []

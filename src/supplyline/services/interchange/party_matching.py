"""Which party a file means: by id, name or alias (case- and accent-insensitive), or by country.

Ministries' sheets and trackers name donors in words ("Germany", "Deutschland", "Німеччина",
"Türkiye", "NLD"). A party answers to its id, its name and the aliases recorded on its stream
(``PartyAliasesAdded``), so a match is rebuilt from the ledger alone; a country's name or
ISO 3166 code (in any language pycountry ships) finds the government of that country. With
``create``, an import registers the parties it cannot find, the file's word kept as an alias.
"""

from __future__ import annotations

import gettext
import os
import re
from dataclasses import dataclass, field
from functools import cache

import pycountry
from sqlalchemy import select

from ...domain import party as party_domain
from ...domain.errors import NotFound, RuleViolation
from ...domain.names import fold
from ...domain.party import Party
from ...store import schema as t
from ...store.eventstore import UnitOfWork

_SLUG = re.compile(r"[^A-Z0-9]+")


@cache
def _countries() -> dict[str, str | None]:
    """Folded country name or code -> ISO 3166 alpha-2 (None where two countries share a word)."""
    found: dict[str, str | None] = {}

    def add(word: str | None, code: str) -> None:
        if word:
            key = fold(word)
            found[key] = code if found.get(key, code) == code else None

    for language in sorted(os.listdir(pycountry.LOCALES_DIR)):
        try:
            names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            add(names.gettext(country.name), country.alpha_2)
    for country in pycountry.countries:  # English names and codes win over any translation
        for word in (country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)):
            if word:
                found[fold(word)] = country.alpha_2
        found[fold(country.alpha_2)] = found[fold(country.alpha_3)] = country.alpha_2
    return found


def country_of(word: str) -> str | None:
    """ISO 3166 alpha-2 of a country's name or code in any language, or None."""
    return _countries().get(fold(word))


@dataclass
class Planned:
    """A party an import will register: from the file's word, with that word as an alias."""

    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...] = ()
    word: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "country": self.country, "from": self.word}


@dataclass
class PartyIndex:
    """The ledger's parties by every word they answer to."""

    ids: dict[str, str] = field(default_factory=dict)  # folded id -> id
    words: dict[str, set[str]] = field(default_factory=dict)  # folded name/alias -> ids
    countries: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # alpha-2 -> [(id, kind)]
    planned: dict[str, Planned] = field(default_factory=dict)

    @classmethod
    def load(cls, uow: UnitOfWork) -> PartyIndex:
        ids = list(uow.conn.execute(select(t.parties.c.id).order_by(t.parties.c.id)).scalars())
        uow.preload(Party, ids)
        index = cls()
        for party_id in ids:
            p = uow.get(Party, party_id)
            index.add(p.id, p.name, p.kind, p.country, p.aliases)
        return index

    def add(self, party_id: str, name: str, kind: str, country: str | None, aliases: tuple[str, ...] = ()) -> None:
        self.ids[fold(party_id)] = party_id
        for word in (name, *aliases):
            self.words.setdefault(fold(word), set()).add(party_id)
        if country:
            self.countries.setdefault(country, []).append((party_id, kind))

    def resolve(self, word: str, *, field: str) -> str:
        """The id of the one party ``word`` means; NotFound, or RuleViolation when it could mean several."""
        key = fold(word)
        if word in self.ids.values():
            return word
        if key in self.ids:
            return self.ids[key]
        named = self.words.get(key, set())
        if len(named) == 1:
            return next(iter(named))
        if len(named) > 1:
            raise RuleViolation(
                f"'{word}' names several parties ({', '.join(sorted(named))}): write the id", field=field, value=word
            )
        country = country_of(word)
        of_country = self.countries.get(country or "", [])
        governments = [i for i, kind in of_country if kind == "government"] or [i for i, _ in of_country]
        if len(governments) == 1:
            return governments[0]
        if len(governments) > 1:
            raise RuleViolation(
                f"'{word}' ({country}) could be {', '.join(sorted(governments))}: write the id or record an alias",
                field=field,
                value=word,
            )
        raise NotFound("party", word, field=field)

    def plan(self, word: str) -> Planned:
        """A new party for ``word`` (a country's government when it names one), added to the index."""
        country = country_of(word)
        if country is not None:
            found = pycountry.countries.get(alpha_2=country)
            name = getattr(found, "common_name", None) or found.name  # type: ignore[union-attr]  # from the index
            base, kind = f"{country}-GOV", "government"
        else:
            name, kind = word.strip(), "organisation"
            base = _SLUG.sub("_", fold(word).upper()).strip("_")[:40] or "PARTY"
        party_id, n = base, 1
        while fold(party_id) in self.ids:
            n += 1
            party_id = f"{base}-{n}"
        aliases = () if fold(word) in (fold(name), fold(country or "")) else (word.strip(),)
        planned = Planned(party_id, name, kind, country, aliases, word.strip())
        self.planned[party_id] = planned
        self.add(party_id, name, kind, country, aliases)
        return planned


def register_planned(uow: UnitOfWork, planned: Planned) -> int:
    """Record a planned party (and its alias); the number of events appended."""
    party = uow.get(Party, planned.id)
    stored = uow.record(
        party, party_domain.register(party, name=planned.name, kind=planned.kind, country=planned.country)
    )
    stored += uow.record(party, party_domain.add_aliases(party, planned.aliases)) if planned.aliases else []
    return len(stored)

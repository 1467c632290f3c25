"""`import parties FILE`: governments, organisations and companies from a sheet, with their aliases.

Columns: ``id``\\*, ``name``\\*, ``kind`` (government, organisation, company; default government),
``country`` (ISO 3166 code or a country's name in any language), ``aliases`` (other names,
separated by ``;``). Each party's aliases are an event on its stream (``PartyAliasesAdded``),
so the names imports match are part of the ledger. A party already recorded with the same
name, kind, country and aliases is unchanged; one recorded otherwise is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import party as domain
from ...domain.entity import Event
from ...domain.names import fold
from ...domain.party import Party
from ...domain.values import parse_text
from ...engines.interchange.spreadsheet import Field
from ...store import schema as t
from ...store.eventstore import Store, UnitOfWork
from ..context import Actor, Outcome
from .party_matching import country_of
from .row_import import ImportResult, Options, RowKind, import_rows

PARTY_FIELDS = [
    Field("id", required=True),
    Field("name", required=True),
    Field("kind", "code"),
    Field("country"),
    Field("aliases", "list"),
]


@dataclass(frozen=True)
class PartyRow:
    id: str
    name: object
    kind: object
    country: object
    aliases: tuple[str, ...] = ()


def _command(v: dict[str, Any], _options: dict[str, Any]) -> PartyRow:
    country = v.get("country")
    country = (country_of(country) or country) if isinstance(country, str) else country
    return PartyRow(v["id"], v["name"], v.get("kind") or "government", country, tuple(v.get("aliases") or ()))


def _decide(party: Party, row: PartyRow) -> list[Event]:
    for i, alias in enumerate(row.aliases):
        parse_text(f"aliases[{i}]", alias, max_length=200)
    return domain.register(party, name=row.name, kind=row.kind, country=row.country)


def _record_in(uow: UnitOfWork, row: PartyRow) -> Outcome:
    party = uow.get(Party, row.id)
    stored = uow.record(party, domain.register(party, name=row.name, kind=row.kind, country=row.country))
    stored += uow.record(party, domain.add_aliases(party, row.aliases))
    return Outcome(party.id, stored)


def _terms(p: Party) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "kind": p.kind, "country": p.country}


def _differs(p: Party, row: PartyRow) -> list[str]:
    known = {fold(p.name), *(fold(a) for a in p.aliases)}
    missing = [a for a in row.aliases if fold(a) not in known]
    return [f"aliases: ledger {'; '.join(p.aliases) or '—'}, file also {'; '.join(missing)}"] if missing else []


def _recorded(conn: Connection) -> dict[tuple, str]:
    return {(i,): i for i in conn.execute(select(t.parties.c.id)).scalars()}


PARTIES = RowKind(
    "party",
    PARTY_FIELDS,
    Party,
    _command,
    _decide,
    _record_in,
    _terms,
    lambda d: (d["id"],),
    _recorded,
    "id",
    neutral={"name": "name", "kind": "government", "country": None},
    differs=_differs,
)


def import_parties(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    options = Options(skip_invalid, rejects, dry_run)
    return import_rows(store, actor, PARTIES, path, mapping=mapping, options=options)

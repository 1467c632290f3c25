"""Parties and FX rates: the reference facts other commands rely on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..domain import fx as fx_domain
from ..domain import party as party_domain
from ..domain.fx import FxRecord
from ..domain.party import Party
from ..domain.values import parse_date
from ..store.eventstore import Store, UnitOfWork
from .context import Actor, Outcome


@dataclass(frozen=True)
class RegisterParty:
    id: str
    name: str
    kind: str
    country: str | None = None


def register_party(store: Store, actor: Actor, cmd: RegisterParty) -> Outcome:
    with store.write(actor.party, actor.meta()) as uow:
        party = uow.get(Party, cmd.id)
        return Outcome(
            cmd.id, uow.record(party, party_domain.register(party, name=cmd.name, kind=cmd.kind, country=cmd.country))
        )


@dataclass(frozen=True)
class RecordRates:
    day: object
    rates: Mapping[str, object]
    source: str = "ECB"


def record_rates(store: Store, actor: Actor, cmd: RecordRates) -> Outcome:
    return record_rate_days(store, actor, [cmd])[0]


def record_rate_days(store: Store, actor: Actor, days: list[RecordRates]) -> list[Outcome]:
    """Record many days at once (an import): all in one transaction, or none."""
    with store.write(actor.party, actor.meta()) as uow:
        return record_rate_days_in(uow, days)


def record_rate_days_in(uow: UnitOfWork, days: list[RecordRates]) -> list[Outcome]:
    uow.preload(FxRecord, [parse_date("date", cmd.day).isoformat() for cmd in days])
    outcomes = []
    for cmd in days:
        day = parse_date("date", cmd.day).isoformat()
        record = uow.get(FxRecord, day)
        outcomes.append(
            Outcome(day, uow.record(record, fx_domain.record_rates(record, rates=cmd.rates, source=cmd.source)))
        )
    return outcomes

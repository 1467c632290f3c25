"""Parties and FX rates: the reference facts other commands rely on."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from ...domain import fx as fx_domain
from ...domain import party as party_domain
from ...domain.fx import FxRecord
from ...domain.party import Party
from ...domain.values import parse_date
from ...store.eventstore import UnitOfWork
from ..bus import Command, handle_in, handles
from ..context import Actor, Outcome
from ..fields import Rates, parsed


class RegisterParty(Command):
    ACTION: ClassVar[str] = "party.register"

    id: str
    name: str  # the domain checks names, kinds and countries (``domain/party.py``)
    kind: str
    country: str | None = None


@handles(RegisterParty)
def register_party(uow: UnitOfWork, actor: Actor, cmd: RegisterParty, expected: int | None) -> Outcome:
    party = uow.get(Party, cmd.id)
    return Outcome(
        cmd.id, uow.record(party, party_domain.register(party, name=cmd.name, kind=cmd.kind, country=cmd.country))
    )


class RecordRates(Command):
    ACTION: ClassVar[str] = "fx.record"

    day: Annotated[date, parsed(parse_date, "date")]
    rates: Rates
    source: str = "ECB"


@handles(RecordRates)
def record_rates(uow: UnitOfWork, actor: Actor, cmd: RecordRates, expected: int | None) -> Outcome:
    day = cmd.day.isoformat()
    record = uow.get(FxRecord, day)
    return Outcome(day, uow.record(record, fx_domain.record_rates(record, rates=cmd.rates, source=cmd.source)))


def record_rate_days_in(uow: UnitOfWork, actor: Actor, days: list[RecordRates]) -> list[Outcome]:
    """Record many days in one unit of work (an import: all, or none), read in one go."""
    uow.preload(FxRecord, [cmd.day.isoformat() for cmd in days])
    return [handle_in(uow, actor, cmd) for cmd in days]

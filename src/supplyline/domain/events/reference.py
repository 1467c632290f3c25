"""Events of the reference streams: parties, FX days, Kiel tracker figures, API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .base import Event


@dataclass(frozen=True, kw_only=True)
class PartyRegistered(Event):
    id: str
    name: str
    kind: str
    country: str | None


@dataclass(frozen=True, kw_only=True)
class PartyAliasesAdded(Event):
    aliases: tuple[str, ...]  # other names files call the party by


@dataclass(frozen=True, kw_only=True)
class FxRatesRecorded(Event):
    day: date = field(metadata={"key": "date"})
    source: str
    rates: Mapping[str, Decimal]  # units per one EUR


@dataclass(frozen=True, kw_only=True)
class KielFiguresRecorded(Event):
    release: str
    donor: str
    name: str
    period: str | None
    published: str | None
    currency: str
    months: Mapping[str, Mapping[str, Decimal]]  # month -> measure -> amount in ``currency``


@dataclass(frozen=True, kw_only=True)
class KielSeriesRecorded(Event):
    release: str
    series: str  # the tracker's column, e.g. nato_purl
    name: str
    currency: str
    unit: str  # as the tracker writes it: billion EUR
    rounding: str  # how each month's figure became an amount in ``currency``
    months: Mapping[str, Mapping[str, Decimal]]  # month -> {amount (rounded), billions (the tracker's)}


@dataclass(frozen=True, kw_only=True)
class TokenIssued(Event):
    id: str
    party: str
    role: str
    secret_sha256: str  # the secret itself is never recorded
    label: str
    issued_at: str  # UTC timestamp


@dataclass(frozen=True, kw_only=True)
class TokenRevoked(Event):
    reason: str
    revoked_at: str  # UTC timestamp

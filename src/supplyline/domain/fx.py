"""Dated foreign-exchange rates and conversions that say which rate they used.

Rates are kept the way the ECB publishes them: units of a currency per one euro, per
business day. A conversion on a day uses the latest day on or before it that quotes both
currencies, and returns the rate and the day so the caller can record them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from .entity import Entity, Event
from .errors import InvalidInput
from .events import FxRatesRecorded, RateUsed
from .events.codec import to_data
from .money import Money, check_currency, parse_decimal
from .values import parse_date, parse_text

BASE = "EUR"


MAX_RATE = Decimal(10) ** 9
RATE_PLACES = 12


@dataclass(frozen=True, slots=True)
class FxDay:
    """The reference rates of one business day: currency -> units per one EUR."""

    day: date
    per_eur: dict[str, Decimal]
    source: str = "ECB"

    @staticmethod
    def parse_rates(rates: Mapping[str, object]) -> dict[str, Decimal]:
        parsed: dict[str, Decimal] = {}
        for code, text in rates.items():
            check_currency(code, f"rates.{code}")
            if code == BASE:
                raise InvalidInput(f"rates.{code}", text, "rates are quoted per EUR; EUR itself is 1")
            value = parse_decimal(f"rates.{code}", text)
            if value <= 0:
                raise InvalidInput(f"rates.{code}", text, "a rate must be greater than zero")
            # the bounds the API's request shape sets, for rates from files too
            if value >= MAX_RATE or -value.as_tuple().exponent > RATE_PLACES:  # type: ignore[operator]  # a finite Decimal's exponent is an int
                raise InvalidInput(
                    f"rates.{code}", text, f"a rate has at most 9 digits before the point and {RATE_PLACES} after"
                )
            parsed[code] = value
        if not parsed:
            raise InvalidInput("rates", rates, "at least one rate is needed")
        return parsed

    def quotes(self, currency: str) -> bool:
        return currency == BASE or currency in self.per_eur

    def units_per_eur(self, currency: str) -> Decimal:
        return Decimal(1) if currency == BASE else self.per_eur[currency]


@dataclass(frozen=True, slots=True)
class Conversion:
    """A converted amount with the rate that produced it (target units per source unit)."""

    source: Money
    result: Money
    rate: Decimal
    rate_day: date | None  # None when no conversion was needed


def rate_used(conversion: Conversion) -> RateUsed | None:
    """What an event records of a conversion: which rate, from which day, was used."""
    if conversion.rate_day is None:
        return None
    return RateUsed(conversion.source.currency, conversion.result.currency, conversion.rate, conversion.rate_day)


def fx_used(conversion: Conversion) -> dict | None:
    """``rate_used`` as JSON, the way reports show it: {"from", "to", "rate", "date"}."""
    used = rate_used(conversion)
    return None if used is None else to_data(used)


def cross_rate(day: FxDay, source: str, target: str) -> Decimal:
    """Units of ``target`` per unit of ``source`` on that day, to 12 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 12
        return +(day.units_per_eur(target) / day.units_per_eur(source))


def pick_day(days: list[FxDay], on: date, source: str, target: str) -> FxDay:
    """The latest day on or before ``on`` that quotes both currencies."""
    best: FxDay | None = None
    for candidate in days:
        quotes_both = candidate.quotes(source) and candidate.quotes(target)
        if candidate.day <= on and quotes_both and (best is None or candidate.day > best.day):
            best = candidate
    if best is None:
        raise InvalidInput(
            "fx",
            f"{source}->{target}",
            f"no FX rate quoting both currencies on or before {on.isoformat()}; record rates first",
        )
    return best


def convert(amount: Money, target: str, on: date, days: list[FxDay]) -> Conversion:
    check_currency(target, "currency")
    if amount.currency == target:
        return Conversion(amount, amount, Decimal(1), None)
    day = pick_day(days, on, amount.currency, target)
    rate = cross_rate(day, amount.currency, target)
    return Conversion(amount, Money.rounded(amount.amount * rate, target), rate, day.day)


# --- the ledger's record of one day's rates ---------------------------------------------


@dataclass
class FxRecord(Entity):
    """The stream of one business day's reference rates (stream id = the ISO date)."""

    KIND = "fx"
    LABEL = "FX day"

    source: str = "ECB"
    per_eur: dict[str, Decimal] = field(default_factory=dict)

    def _on_FxRatesRecorded(self, e: FxRatesRecorded) -> None:
        self.source = e.source
        self.per_eur.update(e.rates)

    def as_day(self) -> FxDay:
        return FxDay(date.fromisoformat(self.id), dict(self.per_eur), self.source)


def record_rates(record: FxRecord, *, rates: Mapping[str, object], source: str = "ECB") -> list[Event]:
    """Record the rates of a day; a rate already recorded may be repeated but never changed,
    because conversions made with it cite it."""
    day = parse_date("date", record.id)
    parsed = FxDay.parse_rates(rates)
    new: dict[str, Decimal] = {}
    for code, value in sorted(parsed.items()):
        known = record.per_eur.get(code)
        if known is None:
            new[code] = value
        elif known != value:
            raise InvalidInput(
                f"rates.{code}",
                str(value),
                f"{day.isoformat()} already has {code} {known}; a recorded rate is never changed",
            )
    if not new:
        return []
    return [FxRatesRecorded(day=day, source=parse_text("source", source), rates=new)]

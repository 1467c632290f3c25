"""Reference figures from the Kiel Institute's Ukraine Support Tracker, one stream per donor
and release (stream id ``kiel:R29-DEU``).

They are recorded as events like everything else, so the comparison a report makes with them
rests on figures that the ledger proves were not changed. A release's figures never change:
importing the same release again records nothing, and different figures for a release
already recorded are refused (a revision comes as a new release).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .entity import Entity, Event
from .errors import InvalidInput, RuleViolation
from .events import KielFiguresRecorded, KielSeriesRecorded
from .money import Money
from .values import parse_id, parse_month, parse_text

KIEL_MEASURES = ("total", "financial", "humanitarian", "military", "commitments", "to_be_allocated")


def kiel_stream_id(release: str, donor: str) -> str:
    return parse_id("release", f"R{release}-{donor}")


@dataclass
class KielDonorRelease(Entity):
    KIND = "kiel"
    LABEL = "Kiel tracker figures"

    release: str = ""
    donor: str = ""
    name: str = ""
    period: str | None = None
    published: str | None = None
    months: dict[str, dict[str, Money]] = field(default_factory=dict)
    #: a monthly series of the release (stream kiel:R29-NATO_PURL): month -> amount
    series: dict[str, Money] = field(default_factory=dict)

    def _on_KielFiguresRecorded(self, e: KielFiguresRecorded) -> None:
        self.release, self.donor, self.name = e.release, e.donor, e.name
        self.period, self.published = e.period, e.published
        for month, figures in e.months.items():
            self.months[month] = {m: Money.parse(v, e.currency) for m, v in figures.items()}

    def _on_KielSeriesRecorded(self, e: KielSeriesRecorded) -> None:
        self.release, self.donor, self.name = e.release, e.series.upper(), e.name
        self.series = {m: Money.parse(v["amount"], e.currency) for m, v in e.months.items()}


def record_series(
    entity: KielDonorRelease,
    *,
    release: str,
    series: str,
    name: str,
    months: dict[str, tuple[str, str]],
    rounding: str = "half_even",
    currency: str = "EUR",
) -> list[Event]:
    """Record a monthly series of a release (month -> (amount, the tracker's figure)); nothing
    if exactly these are recorded, refused if other figures are."""
    if entity.id != kiel_stream_id(release, series.upper()):
        raise InvalidInput("series", series, f"belongs to stream {kiel_stream_id(release, series.upper())}")
    parsed = {
        parse_month("month", m): Money.parse(amount, currency, f"{m}.amount") for m, (amount, _) in months.items()
    }
    if entity.exists:
        if parsed == entity.series:
            return []
        raise RuleViolation(
            f"Kiel release {release} is already recorded with another {series} series; a release never changes",
            field="release",
            value=release,
        )
    return [
        KielSeriesRecorded(
            release=release,
            series=series,
            name=parse_text("name", name, max_length=200),
            currency=currency,
            unit="billion EUR",
            rounding=rounding,
            months={
                m: {"amount": parsed[m].amount, "billions": Decimal(billions)}
                for m, (_, billions) in sorted(months.items())
            },
        )
    ]


def record_figures(
    entity: KielDonorRelease,
    *,
    release: str,
    donor: str,
    name: str,
    months: dict[str, dict[str, str]],
    period: str | None = None,
    published: str | None = None,
    currency: str = "EUR",
) -> list[Event]:
    """Record a donor's monthly figures of a release; nothing if exactly these are recorded."""
    if entity.id != kiel_stream_id(release, donor):
        raise InvalidInput("donor", donor, f"belongs to stream {kiel_stream_id(release, donor)}, not {entity.id}")
    parsed: dict[str, dict[str, Money]] = {}
    for month, figures in sorted(months.items()):
        parse_month("month", month)
        if set(figures) != set(KIEL_MEASURES):
            raise InvalidInput(f"months.{month}", sorted(figures), f"must give exactly: {', '.join(KIEL_MEASURES)}")
        parsed[month] = {m: Money.parse(figures[m], currency, f"{month}.{m}") for m in KIEL_MEASURES}
    if entity.exists:
        if parsed == entity.months:
            return []
        changed = sorted(set(parsed) ^ set(entity.months) | {m for m in parsed if parsed[m] != entity.months.get(m)})
        raise RuleViolation(
            f"Kiel release {release} is already recorded for {donor} with other figures (months {', '.join(changed[:5])}"
            f"{'…' if len(changed) > 5 else ''}); a release never changes: import the revision as a new release",
            field="release",
            value=release,
        )
    return [
        KielFiguresRecorded(
            release=release,
            donor=donor,
            name=parse_text("name", name, max_length=200),
            period=period,
            published=published,
            currency=currency,
            months={m: {k: v.amount for k, v in f.items()} for m, f in parsed.items()},
        )
    ]

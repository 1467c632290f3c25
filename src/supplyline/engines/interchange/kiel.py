"""The Kiel Institute's Ukraine Support Tracker: monthly country aggregates of one release.

``data_explorer.csv`` holds one line per donor and month (``country, iso, year, month``) with
the allocations of that month in **billions of euros**, written to six decimals (that is,
to the thousand euros): total = financial + humanitarian + military, and commitments = total
+ to_be_allocated. ``release_info.csv`` beside it names the release. Amounts are turned into
exact euro amounts (``0.002645`` bn = EUR 2,645,000.00) and refused if they carry more than a
cent's precision; the GDP columns, which are not money allocated, are not read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

from .spreadsheet import FileRefused, Problem

MEASURES = ("total", "financial", "humanitarian", "military", "commitments", "to_be_allocated")
CURRENCY = "EUR"
_BILLION = Decimal(10) ** 9
_CENT = Decimal("0.01")
_DONOR = re.compile(r"^[A-Z]{2,3}$")
_COLUMNS = ("country", "iso", "year", "month", *MEASURES)


@dataclass(frozen=True)
class ReleaseInfo:
    release: str
    period: str | None = None
    published: date | None = None
    label: str | None = None


@dataclass
class DonorFigures:
    """One donor's months: month 'YYYY-MM' -> measure -> euro amount (decimal text, cents)."""

    donor: str  # ISO 3166 alpha-3, or 'EU' for the EU institutions
    name: str
    months: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class KielRelease:
    info: ReleaseInfo
    source: str
    donors: list[DonorFigures]


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's columns and rows (a byte-order mark ignored), or FileRefused."""
    try:
        reader = csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FileRefused(path.name, [Problem(f"cannot be read ({exc})")]) from None
    return list(reader.fieldnames or []), rows


def read_release_info(path: Path | str) -> ReleaseInfo:
    path = Path(path)
    _, rows = _csv(path)
    if len(rows) != 1 or not (rows[0].get("release") or "").strip():
        raise FileRefused(path.name, [Problem("must hold one line with a 'release' column")])
    row = rows[0]
    published = None
    if (row.get("date") or "").strip():
        try:
            published = date.fromisoformat(row["date"].strip())
        except ValueError:
            raise FileRefused(
                path.name, [Problem("is not a date (YYYY-MM-DD)", row=2, column="date", value=row["date"])]
            ) from None
    return ReleaseInfo(
        row["release"].strip(),
        (row.get("period") or "").strip() or None,
        published,
        (row.get("label") or "").strip() or None,
    )


def billions_to_euros(text: str) -> Decimal:
    """'0.002645' (billions) -> Decimal('2645000.00'); ValueError if not exact to the cent."""
    value = Decimal(text.strip()) * _BILLION
    if not value.is_finite() or value != value.quantize(_CENT):
        raise ValueError("more precise than a cent")
    return value.quantize(_CENT)


def read_data_explorer(path: Path | str, info: ReleaseInfo) -> KielRelease:
    """Every donor's monthly figures; all problems at once, or FileRefused."""
    path = Path(path)
    columns, rows = _csv(path)
    missing = [c for c in _COLUMNS if c not in columns]
    if missing:
        raise FileRefused(
            path.name, [Problem(f"is not a Kiel data_explorer file: columns {', '.join(missing)} are missing", row=1)]
        )
    problems: list[Problem] = []
    donors: dict[str, DonorFigures] = {}
    for row_no, row in enumerate(rows, start=2):
        donor = (row["iso"] or "").strip()
        if not _DONOR.match(donor):
            problems.append(
                Problem("is not a donor code (ISO 3166 alpha-3 or EU)", row=row_no, column="iso", value=donor)
            )
            continue
        try:
            year, month = int(row["year"]), int(row["month"])
            if not (1 <= month <= 12 and 1900 <= year <= 2999):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    "is not a year and month", row=row_no, column="year/month", value=f"{row['year']}-{row['month']}"
                )
            )
            continue
        key = f"{year:04d}-{month:02d}"
        figures: dict[str, str] = {}
        for measure in MEASURES:
            try:
                figures[measure] = str(billions_to_euros(row[measure]))
            except (InvalidOperation, ValueError, AttributeError):
                problems.append(
                    Problem(
                        "is not an amount in billions of euros exact to the cent",
                        row=row_no,
                        column=measure,
                        value=row[measure],
                    )
                )
        entry = donors.setdefault(donor, DonorFigures(donor, (row["country"] or "").strip()))
        if key in entry.months:
            problems.append(Problem(f"{donor} {key} appears twice", row=row_no, column="month", value=key))
        elif len(figures) == len(MEASURES):
            entry.months[key] = figures
    if problems:
        raise FileRefused(path.name, problems)
    return KielRelease(info, path.name, [donors[d] for d in sorted(donors)])


#: The tracker's monthly series of procurement for Ukraine (procurement_trends.csv) that
#: supplyline compares with: NATO's PURL, in billions of EUR.
PURL_SERIES = "nato_purl"


@dataclass
class KielSeries:
    """One column of procurement_trends.csv: month -> (euros rounded half-even to the cent, the
    figure as the tracker wrote it in billions). The tracker writes these to fifteen digits (a
    computed share), so unlike data_explorer.csv they are rounded, and the original kept."""

    source: str
    series: str
    months: dict[str, tuple[str, str]] = field(default_factory=dict)


def read_series(path: Path | str, series: str = PURL_SERIES) -> KielSeries:
    """A monthly series of ``procurement_trends.csv``; all problems at once, or FileRefused."""
    path = Path(path)
    columns, rows = _csv(path)
    missing = [c for c in ("year", "month", series) if c not in columns]
    if missing:
        raise FileRefused(path.name, [Problem(f"has no column {', '.join(missing)}", row=1)])
    problems: list[Problem] = []
    out = KielSeries(path.name, series)
    for row_no, row in enumerate(rows, start=2):
        try:
            year, month = int(row["year"]), int(row["month"])
            if not (1 <= month <= 12 and 1900 <= year <= 2999):
                raise ValueError
            billions = Decimal((row[series] or "").strip())
            if not billions.is_finite() or billions < 0:
                raise InvalidOperation
        except (TypeError, ValueError, InvalidOperation):
            problems.append(
                Problem("is not a month and an amount in billions of euros", row=row_no, value=row.get(series))
            )
            continue
        key = f"{year:04d}-{month:02d}"
        if key in out.months:
            problems.append(Problem(f"{key} appears twice", row=row_no, column="month", value=key))
        euros = (billions * _BILLION).quantize(_CENT, rounding=ROUND_HALF_EVEN)
        out.months[key] = (str(euros), row[series].strip())
    if problems:
        raise FileRefused(path.name, problems)
    return out

"""The ECB's euro foreign-exchange reference rates in its CSV format.

Both files the ECB publishes are read: the history (``eurofxref-hist.csv``: ``Date,USD,JPY,…``
then one line per business day, newest first, ``N/A`` where a currency was not quoted) and
the daily file (``eurofxref.csv``: ``Date, USD, …`` with a date such as ``04 August 2025``).
Rates are units of the currency per one euro, kept as the decimal text the ECB wrote.

Columns of currencies that are no longer ISO 4217 money (CYP, SIT, HRK, BGN after the euro
changeover…) are set aside and named in the result, never silently dropped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ...domain.errors import InvalidInput
from ...domain.money import check_currency
from .spreadsheet import FileRefused, Problem

_RATE = re.compile(r"^\d+(\.\d+)?$")
_MISSING = {"", "N/A", "NA", "-"}


@dataclass(frozen=True)
class RateDay:
    day: date
    rates: dict[str, str]  # currency -> units per EUR, as written


@dataclass
class EcbRates:
    source: str
    days: list[RateDay]
    ignored_columns: list[str] = field(default_factory=list)


def _day(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    return None


def read_ecb(path: Path | str) -> EcbRates:
    """Every business day of the file, oldest first; all problems at once, or FileRefused."""
    path = Path(path)
    rows = _rows(path)
    columns, ignored = _columns([h.strip() for h in rows[0]])
    days: dict[date, RateDay] = {}
    problems: list[Problem] = []
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        day = _day(row[0])
        if day is None:
            problems.append(
                Problem("is not a date (YYYY-MM-DD or '04 August 2025')", row=row_no, column="Date", value=row[0])
            )
            continue
        if day in days:
            problems.append(Problem(f"{day.isoformat()} appears twice", row=row_no, column="Date", value=row[0]))
            continue
        rates = _rates(row, row_no, columns, problems)
        if rates:
            days[day] = RateDay(day, rates)
    if problems:
        raise FileRefused(path.name, problems)
    return EcbRates(path.name, [days[d] for d in sorted(days)], ignored)


def _rows(path: Path) -> list[list[str]]:
    """The file's CSV rows, the first of them the ECB's header; FileRefused otherwise."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FileRefused(path.name, [Problem(f"cannot be read as UTF-8 text ({exc})")]) from None
    try:
        rows = list(csv.reader(lines))
    except csv.Error as exc:
        raise FileRefused(path.name, [Problem(f"is not readable as CSV ({exc})")]) from None
    if not rows or not rows[0] or rows[0][0].strip() != "Date":
        raise FileRefused(
            path.name, [Problem("is not an ECB reference-rate file: the first column must be 'Date'", row=1)]
        )
    return rows


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index -> ISO 4217 code, and the codes set aside as no longer money."""
    columns: dict[int, str] = {}
    ignored = []
    for index, code in enumerate(header[1:], start=1):
        if not code:
            continue
        try:
            columns[index] = check_currency(code)
        except InvalidInput:
            ignored.append(code)
    return columns, ignored


def _rates(row: list[str], row_no: int, columns: dict[int, str], problems: list[Problem]) -> dict[str, str]:
    """The day's quoted rates; a cell that is not a rate goes to ``problems``."""
    rates = {}
    for index, code in columns.items():
        text = row[index].strip() if index < len(row) else ""
        if text in _MISSING:
            continue
        try:
            valid = bool(_RATE.match(text)) and Decimal(text) > 0
        except InvalidOperation:
            valid = False
        if not valid:
            problems.append(
                Problem("is not a rate (a positive decimal number, or N/A)", row=row_no, column=code, value=text)
            )
            continue
        rates[code] = text
    return rates

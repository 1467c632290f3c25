"""Parsing of the plain values that commands carry, with errors that name the field.

Interfaces hand raw strings (or already typed values) to these functions; whatever the
interface, the same input is accepted or refused with the same message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from .errors import InvalidInput
from .money import parse_decimal
from .names import as_code

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

MECHANISMS = ("purl", "drone_deal", "bilateral")

CATEGORIES = (
    "air_defence",
    "aerial_drones",
    "naval_drones",
    "ground_drones",
    "artillery_ammunition",
    "electronic_warfare",
    "armoured_vehicles",
    "small_arms",
    "engineering",
    "communications",
    "medical",
    "sustainment",
)

#: Origin groups accepted besides ISO 3166 alpha-2 country codes.
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
ORIGIN_GROUPS = {"EU": EU_MEMBERS}
ANY_ORIGIN = "any"

PARTY_KINDS = ("government", "organisation", "company")


def parse_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidInput(
            field, value, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


def parse_text(field: str, value: object, *, max_length: int = 500, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text")
    text = value.strip()
    if not text and not allow_empty:
        raise InvalidInput(field, value, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput(field, value[:40] + "…", f"must be at most {max_length} characters")
    if any(ord(ch) < 32 for ch in text):
        raise InvalidInput(field, value, "must not contain control characters or line breaks")
    return text


#: C0 controls other than tab and line feed, DEL and the C1 controls: invisible in every
#: surface, and PostgreSQL refuses NUL in text where SQLite would store it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: explicit bidirectional embeddings, overrides and isolates make a name read differently
#: from what it holds ("Trojan Source"); lone surrogates cannot be encoded as UTF-8
_DECEPTIVE = re.compile(r"[\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def refuse_unclean_text(field: str, value: object) -> None:
    """Refuse, naming the field, any text anywhere in ``value`` (a string, or a JSON-ready
    list or dict of them) holding a control character other than tab or line feed, a
    bidirectional override or a lone surrogate. Run on every event before it is appended,
    so the rule is the same for every command and on both databases."""
    if isinstance(value, str):
        found = _CONTROL.search(value) or _DECEPTIVE.search(value)
        if found is not None:
            shown = value.encode("unicode_escape").decode("ascii")
            where = f"character U+{ord(found.group()):04X} at position {found.start() + 1}"
            raise InvalidInput(
                field, shown[:80], f"must not contain control or bidirectional-override characters ({where})"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unclean_text(key if not field else f"{field}.{key}", item)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            refuse_unclean_text(f"{field}[{i}]", item)


#: in canonical JSON, what one of those characters turns into: C0 controls are escaped
#: (``\b \f \r`` or ``\u00XX``; tab and line feed as ``\t \n``, which are allowed), the
#: rest appear as they are. A match may also be harmless text (an escaped backslash before
#: ``b``): then the value is walked as ``refuse_unclean_text`` does, which decides.
_UNCLEAN_IN_JSON = re.compile(r"\\(?:[bfr]|u00[01])|[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def refuse_unclean_json(value: object, encoded: str) -> None:
    """``refuse_unclean_text("", value)`` for a value whose canonical JSON is ``encoded``: one
    search of the text, and the walk through the value only when it may hold such text
    (every append checks its events, so the common clean case is made cheap)."""
    if _UNCLEAN_IN_JSON.search(encoded) is not None:
        refuse_unclean_text("", value)


@dataclass(frozen=True)
class DateWindow:
    """The days a user may name (pledges, validity, allocations, FX days, schedules,
    receipts…). Every report walks months between dates it holds, so a date in year 9999
    would make it walk 95,000 years: the window keeps every walk short."""

    first: date = date(2000, 1, 1)
    last: date = date(2100, 12, 31)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput("latest_date", self.last.isoformat(), f"is before earliest_date {self.first}")

    def refuse_outside(self, field: str, day: date) -> date:
        if not self.first <= day <= self.last:
            raise InvalidInput(
                field, day.isoformat(), f"must lie between {self.first.isoformat()} and {self.last.isoformat()}"
            )
        return day


#: set once from the settings when the CLI or the API starts (``set_date_window``)
_window = DateWindow()


def set_date_window(window: DateWindow) -> None:
    global _window
    _window = window


def parse_date(field: str, value: object) -> date:
    """A calendar date inside the configured window (``DateWindow``). Every date a command
    takes passes here, so no path can store one outside it."""
    if isinstance(value, datetime):
        raise InvalidInput(field, str(value), "must be a calendar date (YYYY-MM-DD), not a time")
    if isinstance(value, date):
        return _window.refuse_outside(field, value)
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return _window.refuse_outside(field, date.fromisoformat(value))
        except ValueError:
            pass
    raise InvalidInput(field, value, "must be a date written YYYY-MM-DD")


def parse_month(field: str, value: object) -> str:
    """A calendar month 'YYYY-MM' inside the date window (the prioritised list is versioned
    by month)."""
    if isinstance(value, str):
        m = _MONTH.match(value)
        if m and 1 <= int(m.group(2)) <= 12:
            first, last = month_of(_window.first), month_of(_window.last)
            if not first <= value <= last:
                raise InvalidInput(field, value, f"must lie between {first} and {last}")
            return value
    raise InvalidInput(field, value, "must be a month written YYYY-MM")


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_spanning(months: Iterable[str]) -> list[str]:
    """Every month from the earliest to the latest of ``months`` ('YYYY-MM'), for a report's
    timeline. The walk never leaves the date window; a month outside it (a ledger written
    before the window existed) is listed on its own, so its figures still count."""
    given = sorted(set(months))
    if not given:
        return []
    first = max(given[0], month_of(_window.first))
    last = min(given[-1], month_of(_window.last))
    walked: list[str] = []
    month = first
    while month <= last:
        walked.append(month)
        month = _next_month(month)
    return sorted({*walked, *given})


#: Counts are stored in Integer columns; nothing supplyline counts comes near this.
LARGEST_COUNT = 2**31 - 1


def parse_int(field: str, value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise InvalidInput(field, value, "must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[+-]?\d{1,18}", value.strip()):
        number = int(value.strip())
    else:
        raise InvalidInput(field, value, "must be a whole number")
    if minimum is not None and number < minimum:
        raise InvalidInput(field, value, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise InvalidInput(field, value, f"must be at most {maximum}")
    if number > LARGEST_COUNT:
        raise InvalidInput(field, value, f"must be at most {LARGEST_COUNT}")
    return number


def parse_choice(field: str, value: object, choices: tuple[str, ...]) -> str:
    """One of ``choices``; a label as the dashboard shows it ("air defence", "PURL") is its code."""
    if isinstance(value, str):
        if value in choices:
            return value
        code = as_code(value)
        if code in choices:
            return code
    raise InvalidInput(field, value, f"must be one of: {', '.join(choices)}")


def parse_country(field: str, value: object) -> str:
    """ISO 3166-1 alpha-2 code (alpha-3 accepted and converted)."""
    import pycountry  # its tables load here, not for every command that imports this module

    if isinstance(value, str) and value.isalpha() and len(value) in (2, 3):
        code = value.upper()
        found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.countries.get(alpha_3=code)
        if found is not None:
            return found.alpha_2
    raise InvalidInput(field, value, "must be an ISO 3166 country code such as UA, US or NLD")


def parse_origin(field: str, value: object) -> str:
    """An allowed origin: 'any', a group such as 'EU', or a country (US, UA…)."""
    if value == ANY_ORIGIN:
        return ANY_ORIGIN
    if isinstance(value, str) and value.upper() in ORIGIN_GROUPS:
        return value.upper()
    try:
        return parse_country(field, value)
    except InvalidInput:
        raise InvalidInput(field, value, "must be 'any', 'EU' or an ISO 3166 country code") from None


def origin_within(origin: str, allowed: str) -> bool:
    """Whether equipment of ``origin`` (a country) satisfies the restriction ``allowed``."""
    if allowed == ANY_ORIGIN:
        return True
    if allowed in ORIGIN_GROUPS:
        return origin in ORIGIN_GROUPS[allowed] or origin == allowed
    return origin == allowed


def parse_share(field: str, value: object) -> Decimal:
    share = parse_decimal(field, value)
    if not Decimal(0) < share <= Decimal(100):
        raise InvalidInput(field, value, "must be a percentage above 0 and at most 100")
    return share


def utc_now() -> datetime:
    return datetime.now(UTC)


def today_utc() -> date:
    return utc_now().date()

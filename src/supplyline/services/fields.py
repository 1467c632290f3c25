"""The field types of commands: each parses what a user typed (CLI option, JSON body,
spreadsheet cell) with the domain's own parser, once, when the command is built.

A refusal names the field as the user knows it (the command's field name, or the name
given here when the option is called something else, e.g. ``line`` for ``line_no``), with
the same message whichever interface the value came through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainValidator, ValidationInfo

from ..domain.errors import InvalidInput
from ..domain.fx import FxDay
from ..domain.money import Money, check_currency, parse_decimal, parse_positive_money
from ..domain.values import (
    CATEGORIES,
    MECHANISMS,
    parse_choice,
    parse_date,
    parse_int,
    parse_month,
    parse_origin,
    parse_share,
    parse_text,
)
from ..ledger.disclosure import Withholding
from .context import business_day


def parsed(parse: Callable[..., Any], name: str | None = None, **options: Any) -> PlainValidator:
    """A validator calling ``parse(field, value, **options)``; ``field`` is ``name`` or the
    command's field name."""

    def check(value: Any, info: ValidationInfo) -> Any:
        return parse(name or info.field_name, value, **options)

    return PlainValidator(check)


def optional(parse: Callable[[str, object], Any]) -> Callable[[str, object], Any]:
    """``parse``, or None when no value is given."""

    def check(field: str, value: object) -> Any:
        return None if value is None or value == "" else parse(field, value)

    return check


def _tuple_of(parse: Callable[[str, object], Any]) -> Callable[[str, object], tuple]:
    def check(field: str, value: object) -> tuple:
        if value is None or value == "":
            items: Iterable = ()
        elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
            items = value
        else:
            items = (value,)
        return tuple(parse(f"{field}[{i}]", item) for i, item in enumerate(items))

    return check


def choice(choices: tuple[str, ...]) -> Callable[[str, object], str]:
    return lambda field, value: parse_choice(field, value, choices)


def _text(field: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text")
    return value


def _currency(field: str, value: object) -> str:
    return check_currency(value, field)


def parse_seconds(field: str, value: object, *, maximum: int) -> float:
    """A time limit in seconds: more than 0 and at most ``maximum``."""
    try:
        limit = float(str(value))
    except ValueError:
        raise InvalidInput(field, value, "must be a number of seconds") from None
    if not 0 < limit <= maximum:
        raise InvalidInput(field, value, f"must be more than 0 and at most {maximum} seconds")
    return limit


#: a calendar date inside the date window
Day = Annotated[date, parsed(parse_date)]
#: a date, or None when none is given
OptionalDay = Annotated[date | None, parsed(optional(parse_date))]
#: the day a command says it happened on: today (UTC) when it says none
BusinessDay = Annotated[date, parsed(business_day)]
#: the default of a ``BusinessDay``: parsed too, so it becomes today
TODAY: Any = Field(default=None, validate_default=True)
Currency = Annotated[str, parsed(_currency)]
OptionalCurrency = Annotated[str | None, parsed(optional(_currency))]
Amount = Annotated[Decimal, parsed(parse_decimal)]
Mechanism = Annotated[str, parsed(choice(MECHANISMS))]
Categories = Annotated[tuple[str, ...], parsed(_tuple_of(choice(CATEGORIES)))]
Origins = Annotated[tuple[str, ...], parsed(_tuple_of(parse_origin))]
Text = Annotated[str, parsed(_text)]
#: the fields a command withholds, parsed by ``Command`` over the deployment's defaults
Disclosure = dict[str, Withholding]
#: the default of a ``Disclosure``: the deployment's defaults (the command fills them in)
DEFAULT_DISCLOSURE: Any = Field(default_factory=dict)
#: a whole number of at least 1
Count = Annotated[int, parsed(parse_int, minimum=1)]
#: a calendar month, YYYY-MM
Month = Annotated[str, parsed(parse_month)]
Category = Annotated[str, parsed(choice(CATEGORIES))]
#: any, EU or a country
Origin = Annotated[str, parsed(parse_origin)]
OptionalOrigin = Annotated[str | None, parsed(optional(parse_origin))]
#: one line of text that must say something (a reason)
Reason = Annotated[str, parsed(parse_text)]
#: one line of text, perhaps empty (a note)
Note = Annotated[str, parsed(parse_text, allow_empty=True)]
#: yes or no, as the interface gave it
Flag = Annotated[bool, parsed(lambda field, value: bool(value))]
#: currency -> units per EUR (refusals name ``rates.CODE``)
Rates = Annotated[dict[str, Decimal], parsed(lambda field, value: FxDay.parse_rates(value))]


def _received(field: str, value: object) -> dict[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(field, value, "expected contract line numbers and the quantity received of each")
    # the names and bounds the domain uses, which also checks each against what was shipped
    return {
        parse_int("lines", line_no, minimum=1): parse_int(f"lines[{line_no}].quantity", quantity, minimum=0)
        for line_no, quantity in value.items()
    }


def _owner_shares(field: str, value: object) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(value, Iterable) or isinstance(value, str | Mapping):
        raise InvalidInput(field, value, "expected (party, share in percent) pairs")
    pairs = []
    for i, pair in enumerate(value, start=1):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidInput(f"{field}[{i}]", pair, "expected a party and its share in percent")
        pairs.append((pair[0], parse_share(f"{field}[{i}].share", pair[1])))
    return tuple(pairs)


#: (party, share in percent) pairs, each share above 0 and at most 100 (the domain checks
#: that they add up to 100)
OwnerShares = Annotated[tuple[tuple[str, Decimal], ...], parsed(_owner_shares)]


#: contract line -> whole units received; None when all that was shipped arrived
ReceivedQuantities = Annotated[dict[int, int] | None, parsed(_received)]


def money_in(currency: str, *, positive: bool = True, optional: bool = False) -> PlainValidator:
    """A validator parsing an amount together with the command's ``currency`` field (declared
    before it, so it is parsed first and a bad code is refused first, as it always was);
    ``optional``: None when no amount is given."""

    def check(value: Any, info: ValidationInfo) -> Money | None:
        if isinstance(value, Money):
            return value
        if optional and (value is None or value == ""):
            return None
        code, field = info.data.get(currency), info.field_name or currency
        return parse_positive_money(field, value, code) if positive else Money.parse(value, code, field)

    return PlainValidator(check)

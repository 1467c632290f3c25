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

from ..domain.money import Money, check_currency, parse_decimal, parse_positive_money
from ..domain.values import CATEGORIES, MECHANISMS, parse_choice, parse_date, parse_int, parse_origin
from ..ledger.disclosure import Withholding
from .context import business_day


def parsed(parse: Callable[..., Any], name: str | None = None, **options: Any) -> PlainValidator:
    """A validator calling ``parse(field, value, **options)``; ``field`` is ``name`` or the
    command's field name."""

    def check(value: Any, info: ValidationInfo) -> Any:
        return parse(name or info.field_name, value, **options)

    return PlainValidator(check)


def _optional(parse: Callable[[str, object], Any]) -> Callable[[str, object], Any]:
    def check(field: str, value: object) -> Any:
        return None if value in (None, "") else parse(field, value)

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


def _choice(choices: tuple[str, ...]) -> Callable[[str, object], str]:
    return lambda field, value: parse_choice(field, value, choices)


def _text(field: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        from ..domain.errors import InvalidInput

        raise InvalidInput(field, value, "must be text")
    return value


def _currency(field: str, value: object) -> str:
    return check_currency(value, field)


def _plain_money(field: str, value: object) -> Money:
    if isinstance(value, Money):
        return value
    from ..domain.errors import InvalidInput

    raise InvalidInput(field, value, "must be an amount with its currency")


#: a calendar date inside the date window
Day = Annotated[date, parsed(parse_date)]
#: a date, or None when none is given
OptionalDay = Annotated[date | None, parsed(_optional(parse_date))]
#: the day a command says it happened on: today (UTC) when it says none
BusinessDay = Annotated[date, parsed(business_day)]
#: the default of a ``BusinessDay``: parsed too, so it becomes today
TODAY: Any = Field(default=None, validate_default=True)
Currency = Annotated[str, parsed(_currency)]
OptionalCurrency = Annotated[str | None, parsed(_optional(_currency))]
Amount = Annotated[Decimal, parsed(parse_decimal)]
#: an amount with its currency; the command combines the two inputs (``money_from``)
MoneyField = Annotated[Money, parsed(_plain_money)]
Mechanism = Annotated[str, parsed(_choice(MECHANISMS))]
Categories = Annotated[tuple[str, ...], parsed(_tuple_of(_choice(CATEGORIES)))]
Origins = Annotated[tuple[str, ...], parsed(_tuple_of(parse_origin))]
Text = Annotated[str, parsed(_text)]
#: the fields a command withholds, parsed by ``Command`` over the deployment's defaults
Disclosure = dict[str, Withholding]
#: the default of a ``Disclosure``: the deployment's defaults (the command fills them in)
DEFAULT_DISCLOSURE: Any = Field(default_factory=dict)
#: a whole number of at least 1
Count = Annotated[int, parsed(parse_int, minimum=1)]


def money_from(data: Any, amount: str, currency: str, *, positive: bool = True) -> Any:
    """``data`` (a command's raw fields) with ``amount`` parsed together with ``currency``
    into ``Money``: how a command validator turns two inputs into one typed value."""
    if not isinstance(data, dict) or isinstance(data.get(amount), Money) or amount not in data:
        return data
    value = data[amount]
    money = (
        parse_positive_money(amount, value, data.get(currency))
        if positive
        else Money.parse(value, data.get(currency), amount)
    )
    return {**data, amount: money}

"""One cell of a user's file into the plain value the domain's parsers accept: decimal text
with a dot, ISO dates, codes for the user's words; or the reason it cannot be."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ...domain.names import fold
from .fields import Field
from .mapping import Mapping

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CODE_PREFIX = re.compile(r"^([A-Z]{3})\s*(.+)$")
_CODE_SUFFIX = re.compile(r"^(.+?)\s*([A-Z]{3})$")
_TRUE = {"yes", "true", "1", "y", "x"}
_FALSE = {"no", "false", "0", "n"}


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def amount_or_none(cell: Any, mapping: Mapping) -> Decimal | None:
    try:
        return Decimal(_money(cell, mapping)[0])
    except CellError:
        return None


class CellError(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def normalise(f: Field, cell: Any, mapping: Mapping) -> Any:
    if blank(cell):
        return None
    words = mapping.values.get(f.name, {})
    if f.kind in ("text", "code"):
        text = text_of(cell)
        word = _word(words, text) if words else text
        if isinstance(word, tuple):
            raise CellError("is mapped to a list of values; this column takes one")
        return word or None
    if f.kind == "decimal":
        return _decimal(cell, mapping)
    if f.kind == "money":
        return _money(cell, mapping)
    if f.kind == "date":
        return _date(cell, mapping).isoformat()
    if f.kind == "month":
        return _month(cell, mapping)
    if f.kind == "int":
        return _int(cell, mapping)
    if f.kind == "bool":
        return _bool(str(_word(words, text_of(cell))) if isinstance(cell, str) and words else cell)
    if f.kind == "list":
        if not isinstance(cell, str):
            return (text_of(cell),)
        parts = [p.strip() for p in re.split(f"[{re.escape(mapping.list_separator)},]", cell) if p.strip()]
        if not words:
            return tuple(parts)
        mapped = [_word(words, p) for p in parts]
        return tuple(code for m in mapped for code in (m if isinstance(m, tuple) else (m,) if m else ()))
    raise ValueError(f"unknown field kind {f.kind}")


def _word(words: dict[str, str | tuple[str, ...]], text: str) -> str | tuple[str, ...]:
    if text in words:
        return words[text]
    folded = {fold(k): v for k, v in words.items()}
    return folded.get(fold(text), text)


def text_of(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _decimal(cell: Any, mapping: Mapping) -> str:
    if isinstance(cell, bool):
        raise CellError("is not a number")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        # A spreadsheet keeps numbers as binary doubles; the shortest text that reads back to
        # the same double is what the user typed (and saw). Money checks its decimals after.
        return str(Decimal(repr(cell)))
    if isinstance(cell, Decimal):
        return str(cell)
    if not isinstance(cell, str):
        raise CellError("is not a number")
    text = _SPACES.sub("", cell)
    if mapping.decimal_separator is None and not mapping.thousands_separator:
        return _told_apart(text)
    if mapping.thousands_separator:
        text = text.replace(mapping.thousands_separator, "")
    if mapping.decimal_separator == ",":
        if "." in text and not mapping.thousands_separator:
            raise CellError("is not a number written with a decimal comma")
        text = text.replace(",", ".")
    if not _PLAIN_DECIMAL.match(text):
        sep = "decimal comma" if mapping.decimal_separator == "," else "decimal point"
        raise CellError(
            f"is not a number (written with a {sep}"
            f"{', thousands ' + repr(mapping.thousands_separator) if mapping.thousands_separator else ''})"
        )
    return text


_GROUPED = re.compile(r"^\d{1,3}(?:X\d{3})+$")


def _told_apart(text: str) -> str:
    """A number whose separators the mapping does not state, read where only one reading exists.

    '1.500.000,00' and '1,500,000.00' (both separators: the last one is the decimal mark),
    '1.500.000' (one mark repeated: thousands), '1500,5' (one comma, not three digits after it);
    '1,500' could be 1500 or 1.5 and is refused, naming the setting that decides it."""
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    if _PLAIN_DECIMAL.match(body):
        return text
    if not body or body.strip("0123456789.,"):
        raise CellError("is not a number")
    last = max(body.rfind(","), body.rfind("."))
    if "," in body and "." in body:
        whole, fraction, group = body[:last], body[last + 1 :], "." if body[last] == "," else ","
    elif body.count(",") + body.count(".") > 1:
        whole, fraction, group = body, "", body[last]
    elif "," in body and len(body) - last - 1 != 3:
        whole, fraction, group = body[:last], body[last + 1 :], ""
    elif "," in body:
        raise CellError("could be a thousands separator or a decimal comma: set decimal_separator in the mapping file")
    else:
        raise CellError("is not a number")
    if (group and not _GROUPED.match(whole.replace(group, "X"))) or not (fraction.isdigit() or fraction == ""):
        raise CellError("is not a number (its thousands groups or decimals are not where they belong)")
    if not group and not whole.isdigit():
        raise CellError("is not a number")
    return f"{sign}{whole.replace(group, '') if group else whole}{'.' + fraction if fraction else ''}"


def _money(cell: Any, mapping: Mapping) -> tuple[str, str | None]:
    if isinstance(cell, str):
        return _money_text(cell, mapping.decimal_separator, mapping.thousands_separator)
    return _decimal(cell, mapping), None


@lru_cache(maxsize=8)
def _separators(decimal_separator: str | None, thousands: str | None) -> Mapping:
    return Mapping(decimal_separator=decimal_separator, thousands_separator=thousands)


@lru_cache(maxsize=1024)  # a row's amount is read twice when skip_when tests it for zero
def _money_text(cell: str, decimal_separator: str | None, thousands: str | None) -> tuple[str, str | None]:
    mapping = _separators(decimal_separator, thousands)
    text = cell.strip()
    for pattern, amount_group, code_group in ((_CODE_PREFIX, 2, 1), (_CODE_SUFFIX, 1, 2)):
        m = pattern.match(text)
        if m:
            return _decimal(m.group(amount_group), mapping), m.group(code_group)
    return _decimal(cell, mapping), None


def _date(cell: Any, mapping: Mapping) -> date:
    if isinstance(cell, datetime):
        if cell.time() != datetime.min.time():
            raise CellError("must be a calendar date, not a date and time")
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        found = _date_text(cell.strip(), mapping.date_formats)
        if found is not None:
            return found
    formats = ", ".join(f"'{f}'" for f in (*mapping.date_formats, "%Y-%m-%d"))
    raise CellError(f"is not a date in the expected format ({formats})")


@lru_cache(maxsize=1 << 14)  # a file's dates repeat (a few hundred days), strptime is slow
def _date_text(text: str, formats: tuple[str, ...]) -> date | None:
    for fmt in (*formats, "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date: no time to place in a zone
        except ValueError:
            continue
    return None


def _month(cell: Any, mapping: Mapping) -> str:
    if isinstance(cell, str) and re.fullmatch(r"\d{4}-\d{2}", cell.strip()):
        return cell.strip()
    try:
        day = _date(cell, mapping)
    except CellError:
        raise CellError("is not a month (YYYY-MM, or a date in the expected format)") from None
    return f"{day.year:04d}-{day.month:02d}"


def _int(cell: Any, mapping: Mapping) -> int | str:
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell)
        raise CellError("must be a whole number")
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    text = _SPACES.sub("", str(cell))
    if mapping.thousands_separator:
        text = text.replace(mapping.thousands_separator, "")
    return text  # the domain's parse_int names the field if it is not a whole number


def _bool(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = str(cell).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("must be yes or no")

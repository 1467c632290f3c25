"""A mapping's rules for real files: rounding, rows to skip, and ids built from columns.

Kept apart from the reader (``spreadsheet.py``) because they are decisions about meaning, not
about cells: which rows of a download are not pledges at all (zero amounts, no date, another
aid type), how an amount converted to euros with eleven decimals becomes cents, and what tells
two rows apart when the file has no id column.

```yaml
rounding: half_even            # or half_up: amounts to the currency's minor unit
skip_when:
  - {field: amount, is: [zero, empty]}
  - {field: pledged_on, is: empty}
  - {column: Hilfsart, equals: [Humanitär, Finanziell]}
id_from: {prefix: UST, columns: [Geber, Datum, Hilfsart, Betrag]}   # or {prefix: UST, row: true}
```
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from ...domain.money import minor_exponent
from ...domain.names import fold

ROUNDING = {"half_even": ROUND_HALF_EVEN, "half_up": ROUND_HALF_UP}
TESTS = ("empty", "zero")
RULE_KEYS = ("rounding", "skip_when", "id_from")
_ID_PART = re.compile(r"[^A-Za-z0-9.]+")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class SkipRule:
    """Skip a row when a field's (or a column's) cell is empty / zero / one of some words."""

    field: str | None = None
    column: str | None = None
    tests: tuple[str, ...] = ()
    equals: frozenset[str] = frozenset()  # folded words

    def reason(self, cell: Any, number: Callable[[Any], Decimal | None]) -> str | None:
        """Why the row is skipped, or None; ``number`` reads the cell as an amount (None if not one)."""
        name = self.field or self.column
        blank = cell is None or (isinstance(cell, str) and not cell.strip())
        if "empty" in self.tests and blank:
            return f"{name} is empty"
        if "zero" in self.tests and not blank:
            value = number(cell)
            if value is not None and value == 0:
                return f"{name} is zero"
        if self.equals and not blank and fold(str(cell)) in self.equals:
            return f"{name} is {str(cell).strip()}"
        return None


@dataclass(frozen=True)
class IdRule:
    prefix: str
    columns: tuple[str, ...] = ()
    row: bool = False

    def build(self, parts: list[Any], row: int) -> str:
        """An id from the row's cells (and number): readable when short, else the prefix and a digest.

        The same cells always give the same id, so importing a file again finds its rows."""
        words = [_ID_PART.sub("_", fold(_plain(p))).strip("_") or "_" for p in parts]
        if self.row:
            words.append(str(row))
        readable = "-".join([self.prefix, *words])
        if _ID.match(readable):
            return readable
        digest = hashlib.sha256("\x1f".join([_plain(p) for p in parts] + [str(row)] * self.row).encode())
        return f"{self.prefix}-{digest.hexdigest()[:16]}"


def _plain(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


@dataclass(frozen=True)
class Rules:
    rounding: str | None = None  # half_even | half_up; None: more decimals than the currency has are refused
    skip_when: tuple[SkipRule, ...] = ()
    id_from: IdRule | None = None
    columns: tuple[str, ...] = field(default=())  # the user's headers the rules read

    def round(self, amount: str, currency: object) -> tuple[str, str | None]:
        """(amount, original) rounded to ``currency``'s minor unit; original None when unchanged."""
        if self.rounding is None or not isinstance(currency, str):
            return amount, None
        try:
            quantum = Decimal(1).scaleb(-minor_exponent(currency))
            value = Decimal(amount)
        except Exception:  # an unknown currency or a malformed amount is refused later, by name
            return amount, None
        if not value.is_finite() or value == value.quantize(quantum, rounding=ROUNDING[self.rounding]):
            return amount, None
        return str(value.quantize(quantum, rounding=ROUNDING[self.rounding])), amount


def parse_rules(data: dict, fields: set[str]) -> tuple[Rules, list[tuple[str, object]]]:
    """The rules of a mapping file's table, and its problems as (reason, value)."""
    problems: list[tuple[str, object]] = []
    rounding = data.get("rounding")
    if rounding is not None and rounding not in ROUNDING:
        problems.append(("rounding must be half_even or half_up", rounding))
        rounding = None
    skips = [_skip_rule(item, fields, problems) for item in _as_list(data.get("skip_when"))]
    id_rule = _id_rule(data.get("id_from"), problems)
    columns = [s.column for s in skips if s and s.column] + list(id_rule.columns if id_rule else ())
    return Rules(rounding, tuple(s for s in skips if s), id_rule, tuple(columns)), problems


def _as_list(value: object) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def _skip_rule(item: object, fields: set[str], problems: list[tuple[str, object]]) -> SkipRule | None:
    shape = "skip_when entries are {field: F, is: empty|zero} or {column: C, equals: [words]}"
    if not isinstance(item, dict) or set(item) - {"field", "column", "is", "equals"}:
        problems.append((shape, item))
        return None
    name, column = item.get("field"), item.get("column")
    if (name is None) == (column is None):
        problems.append((f"{shape}: name a field or a column", item))
        return None
    if name is not None and name not in fields:
        problems.append((f"skip_when names an unknown field '{name}' (fields: {', '.join(sorted(fields))})", name))
        return None
    tests = tuple(str(t) for t in _as_list(item.get("is")))
    equals = frozenset(fold(_plain(e)) for e in _as_list(item.get("equals")))
    if any(t not in TESTS for t in tests) or not (tests or equals):
        problems.append((f"{shape}: 'is' takes {' or '.join(TESTS)}", item))
        return None
    return SkipRule(name, None if column is None else str(column), tests, equals)


def _id_rule(value: object, problems: list[tuple[str, object]]) -> IdRule | None:
    if value is None:
        return None
    shape = "id_from is {prefix: P, columns: [headers]} and/or row: true"
    if not isinstance(value, dict) or set(value) - {"prefix", "columns", "row"}:
        problems.append((shape, value))
        return None
    prefix = str(value.get("prefix", "ROW"))
    columns = tuple(str(c) for c in _as_list(value.get("columns")))
    row = value.get("row", False)
    if not _ID.match(prefix) or len(prefix) > 24:
        problems.append(("id_from's prefix must be up to 24 letters, digits, '.', '_' or '-'", prefix))
    if not isinstance(row, bool) or not (columns or row):
        problems.append((f"{shape}: name columns, or row: true", value))
        return None
    return IdRule(prefix, columns, row)

"""What an import expects and what it refuses: fields, problems, and the refusal of a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ...domain.errors import Refused

#: The column a reject file adds; imports ignore it, so a fixed reject file re-imports as is.
ERRORS_COLUMN = "supplyline_errors"


@dataclass(frozen=True)
class Field:
    """A field an import expects: its name (the canonical header), kind, and whether required.

    ``money`` is a decimal amount that may carry its currency code in the same cell
    ("EUR 1.500,00"); the code then fills ``currency_field``."""

    name: str
    kind: str = "text"
    required: bool = False
    currency_field: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (sheet, row, column), the value, and why."""

    reason: str
    row: int | None = None
    column: str | None = None
    value: object = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [
            f"sheet '{self.sheet}'" if self.sheet else None,
            f"row {self.row}" if self.row else None,
            f"column '{self.column}'" if self.column else None,
        ]
        place = ", ".join(w for w in where if w)
        shown = "" if self.value in (None, "") else f" (value {_show(self.value)})"
        return f"{place}: {self.reason}{shown}" if place else f"{self.reason}{shown}"

    def to_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "reason": self.reason,
        }


def _show(value: object) -> str:
    return (
        f"'{value}'"
        if isinstance(value, str)
        else repr(value)
        if not isinstance(value, (date, Decimal))
        else str(value)
    )


class FileRefused(Refused):
    """A file with problems: all of them, and nothing was written."""

    kind = "invalid-file"

    def __init__(self, source: str, problems: list[Problem]):
        lines = "\n".join(f"  {source}, {p}" for p in problems)
        super().__init__(
            f"{source}: {len(problems)} problem(s); nothing was written\n{lines}", field="file", value=source
        )
        self.source = source
        self.problems = problems

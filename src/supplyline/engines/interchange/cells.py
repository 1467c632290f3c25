"""Cells written to files people open in Excel or LibreOffice: reports, reject files,
exports. Every CSV row and every XLSX cell supplyline writes passes here, so no text a
party typed (a name, a note, a reason) can be taken for a formula when the file is opened
(OWASP, "CSV Injection").

- CSV: text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written
  with a leading apostrophe, which spreadsheets read as "this is text" and do not show.
  A plain number such as ``-12.50`` is left alone: it is read as a number, never a formula.
  Reading a CSV back (``read_back``) drops that apostrophe, so a corrected reject file
  imports as it was first written.
- XLSX: such text is a string cell with Excel's own quote prefix, its value unchanged.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: what a spreadsheet may read as the start of a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def csv_text(value: str) -> str:
    """A text cell as written to CSV."""
    return "'" + value if looks_like_formula(value) else value


def read_back(text: str) -> str:
    """A CSV cell as read: the apostrophe ``csv_text`` added is not part of the value."""
    return text[1:] if text.startswith("'") and looks_like_formula(text[1:]) else text


def write_csv(out: IO[str], rows: Iterable[Sequence[str]], *, delimiter: str = ",") -> None:
    """Rows of text (already formatted) as CSV, every cell made inert."""
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow([csv_text(cell) for cell in row])


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """One XLSX cell (openpyxl): text is always a string cell, quote-prefixed when it looks
    like a formula (openpyxl would otherwise store "=…" as a formula)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def put_row(ws: Any, row: int, values: Sequence[Any]) -> None:
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)

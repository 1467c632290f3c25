"""Reports written as files people open in a spreadsheet: CSV and XLSX.

XLSX cells are typed: money and counts are number cells, dates are date cells, so a funder's
analyst can sum, filter and chart them without retyping. CSV holds the same values as plain
machine-readable text (decimal point, no thousands separator, ISO dates). A report with
several tables writes one sheet each in XLSX, and one CSV file each beside the first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...domain.errors import InvalidInput
from .cells import put, put_row, write_csv

COLUMN_KINDS = ("text", "int", "money", "rate", "date")
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = "text"


@dataclass(frozen=True)
class Said:
    """A cell that holds words instead of a figure, and says why (``withheld until %(date)s``):
    written as its words, in a text cell, whatever its column's kind."""

    text: str
    params: dict[str, Any] | None = None

    def __str__(self) -> str:
        return self.text % self.params if self.params else self.text


@dataclass(frozen=True)
class ReportSheet:
    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]


def report_format(path: Path | str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidInput("out", str(path), "a report file ends in .csv or .xlsx")
    return suffix


def typed(value: Any, kind: str) -> Any:
    """The cell value of a report field: Decimal for money and rates, date for dates."""
    if value is None or value == "":
        return None
    if isinstance(value, Said):
        return str(value)
    if kind in ("money", "rate"):
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if kind == "int":
        return int(value)
    return value if isinstance(value, str) else str(value)


def write_report(path: Path | str, sheets: list[ReportSheet]) -> list[Path]:
    """Write the sheets; returns the files written."""
    path = Path(path)
    if report_format(path) == "xlsx":
        path.write_bytes(xlsx_bytes(sheets))
        return [path]
    written = []
    for i, sheet in enumerate(sheets):
        target = path if i == 0 else path.with_name(f"{path.stem}.{slug(sheet.name)}.csv")
        target.write_bytes(csv_bytes(sheet))
        written.append(target)
    return written


def slug(name: str) -> str:
    """A sheet's name as it appears in file names (``rates used`` -> ``rates-used``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "sheet"


def csv_bytes(sheet: ReportSheet) -> bytes:
    """One table as a CSV file (UTF-8)."""
    out = io.StringIO(newline="")
    body = ([_csv_text(typed(row.get(c.key), c.kind)) for c in sheet.columns] for row in sheet.rows)
    write_csv(out, [[c.heading for c in sheet.columns], *body])
    return out.getvalue().encode("utf-8")


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number_format(kind: str, value: Any) -> str | None:
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "int":
        return "#,##0"
    if kind == "money" and isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]  # a finite Decimal's exponent is an int
        return "#,##0" + ("." + "0" * places if places else "")
    return None


def xlsx_bytes(sheets: list[ReportSheet]) -> bytes:
    """Every table as one sheet of an XLSX workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        put_row(ws, 1, [c.heading for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row_no, row in enumerate(sheet.rows, start=2):
            for col_no, column in enumerate(sheet.columns, start=1):
                value = typed(row.get(column.key), column.kind)
                cell = put(ws, row_no, col_no, value)
                fmt = _number_format(column.kind, value)
                if fmt and value is not None:
                    cell.number_format = fmt
        for col_no, column in enumerate(sheet.columns, start=1):
            width = max(
                [len(column.heading)] + [len(_csv_text(typed(r.get(column.key), column.kind))) for r in sheet.rows]
            )
            ws.column_dimensions[ws.cell(row=1, column=col_no).column_letter].width = min(60, width + 3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Files of serial numbers: CSV or XLSX with one serial per row, or a barcode scanner's
export (one scanned code per line, optionally with a timestamp column).

A header row is recognised by a cell naming the serial column (``serial``, ``serial_number``,
``barcode``, ``code``); a ``line`` (or ``contract_line``) column says which contract line
each serial belongs to when one file covers several. Without a header the first column is
the serial. Rows are numbered as the user's editor numbers them, so a refusal names the row.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ...domain.errors import InvalidInput
from ...domain.serials import SerialRow, parse_serial
from ...domain.values import parse_int

_SERIAL_HEADERS = ("serial", "serial_number", "serial_no", "serialnumber", "barcode", "code", "data")
_LINE_HEADERS = ("line", "contract_line", "contract_line_no")


def read_serials(path: Path | str) -> list[SerialRow]:
    path = Path(path)
    grid = _grid(path)
    serial_col, line_col, first = 0, None, 0
    if grid:
        names = [str(c).strip().lower().replace(" ", "_") if c is not None else "" for c in grid[0]]
        found = [i for i, n in enumerate(names) if n in _SERIAL_HEADERS]
        if found:
            serial_col, first = found[0], 1
            line_col = next((i for i, n in enumerate(names) if n in _LINE_HEADERS), None)
    out = []
    for number, cells in enumerate(grid[first:], start=first + 1):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        where = f"{path.name}, row {number}"
        serial = parse_serial(where, _cell(cells, serial_col))
        line = None
        if line_col is not None:
            line = parse_int(f"{where}, column line", _cell(cells, line_col), minimum=1)
        out.append(SerialRow(number, serial, line))
    if not out:
        raise InvalidInput("serials", path.name, "the file lists no serial numbers")
    return out


def _cell(cells: list[Any], index: int) -> Any:
    value = cells[index] if index < len(cells) else None
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number-typed serial
        value = int(value)
    return value


def _grid(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            try:
                return [list(r) for r in book[book.sheetnames[0]].iter_rows(values_only=True)]
            finally:
                book.close()
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput("serials", path.name, f"cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput("serials", path.name, f"is not UTF-8 text (byte {exc.start})") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput("serials", path.name, f"is not a readable XLSX workbook ({type(exc).__name__})") from None
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=first.count) if any(d in first for d in ",;\t") else ","
    return [list(row) for row in csv.reader(lines, delimiter=delimiter)]

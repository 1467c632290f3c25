"""Users' spreadsheets (CSV and XLSX) read into typed rows, under their own headers.

A column-mapping file (YAML or TOML) says which of the user's headers holds which field,
how numbers and dates are written, which of the user's words mean which code, and which
columns to ignore. Without one, the headers must be the field names. Every problem is
collected with the sheet, row, column and value it concerns, so that a user fixes a file
in one pass instead of one error at a time.

Values come out as the plain strings and ints the domain's parsers accept (decimal text
with a dot, ISO dates), so a value from a file is accepted or refused exactly as the same
value typed at the CLI.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import put_row, read_back, write_csv
from .fields import ERRORS_COLUMN, Field, FileRefused, Problem
from .mapping import Mapping, load_mapping, mapping_from
from .values import CellError, amount_or_none, blank, normalise, text_of

# the vocabulary of an import, read with the reader
__all__ = [
    "ERRORS_COLUMN",
    "Field",
    "FileRefused",
    "Mapping",
    "Problem",
    "RawRow",
    "Reading",
    "Sheet",
    "TypedRow",
    "load_mapping",
    "mapping_from",
    "read_rows",
    "read_sheet",
    "write_rejects",
]


# --- reading a file --------------------------------------------------------------------------


@dataclass
class RawRow:
    number: int  # as the user's spreadsheet program numbers it (the header row is header_row)
    cells: list[Any]


@dataclass
class Sheet:
    """A file's table as read: the header, the data rows, and what stood above the header."""

    source: str
    name: str | None  # XLSX sheet name; None for CSV
    format: str  # csv | xlsx
    headers: list[str]
    rows: list[RawRow]
    preamble: list[list[Any]] = field(default_factory=list)
    delimiter: str = ","
    encoding: str = "utf-8-sig"


def read_sheet(path: Path | str, mapping: Mapping | None = None) -> Sheet:
    path = Path(path)
    mapping = mapping or Mapping()
    suffix = path.suffix.lower()
    if suffix == ".csv":
        (grid, delimiter), name, fmt = _read_csv(path, mapping), None, "csv"
    elif suffix in (".xlsx", ".xlsm"):
        (name, grid), delimiter, fmt = _read_xlsx(path, mapping), ",", "xlsx"
    else:
        raise FileRefused(path.name, [Problem("reads .csv and .xlsx files", value=path.suffix)])
    if len(grid) < mapping.header_row:
        raise FileRefused(path.name, [Problem(f"has no header row (expected on row {mapping.header_row})", sheet=name)])
    headers = [_header(cell) for cell in grid[mapping.header_row - 1]]
    while headers and headers[-1] == "":
        headers.pop()
    rows = []
    for offset, cells in enumerate(grid[mapping.header_row :], start=mapping.header_row + 1):
        if all(blank(c) for c in cells):
            continue
        rows.append(RawRow(offset, list(cells)))
    return Sheet(
        path.name,
        name,
        fmt,
        headers,
        rows,
        [list(r) for r in grid[: mapping.header_row - 1]],
        delimiter,
        mapping.encoding,
    )


def _header(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _read_csv(path: Path, mapping: Mapping) -> tuple[list[list[Any]], str]:
    try:
        text = path.read_text(encoding=mapping.encoding)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            path.name,
            [
                Problem(
                    f"is not {mapping.encoding} text (byte {exc.start}); set 'encoding' in "
                    "the mapping file, e.g. cp1252"
                )
            ],
        ) from None
    except OSError as exc:
        raise FileRefused(path.name, [Problem(f"cannot be read: {exc.strerror}")]) from None
    delimiter = mapping.delimiter
    if delimiter is None:
        first = text.splitlines()[mapping.header_row - 1] if len(text.splitlines()) >= mapping.header_row else ""
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        rows = csv.reader(text.splitlines(), delimiter=delimiter)
        return [[read_back(cell) for cell in r] for r in rows], delimiter
    except csv.Error as exc:
        raise FileRefused(path.name, [Problem(f"is not readable as CSV ({exc})")]) from None


def _read_xlsx(path: Path, mapping: Mapping) -> tuple[str, list[list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileRefused(path.name, [Problem(f"is not a readable XLSX workbook ({type(exc).__name__})")]) from None
    try:
        if mapping.sheet is not None:
            if mapping.sheet not in book.sheetnames:
                raise FileRefused(
                    path.name, [Problem(f"has no sheet '{mapping.sheet}' (sheets: {', '.join(book.sheetnames)})")]
                )
            sheet = book[mapping.sheet]
        else:
            sheet = book[book.sheetnames[0]]
        # read-only sheets are parsed while iterated: a damaged one fails here, not on opening
        return sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]
    except FileRefused:
        raise
    except Exception as exc:
        raise FileRefused(path.name, [Problem(f"is not a readable XLSX workbook ({type(exc).__name__})")]) from None
    finally:
        book.close()


# --- typed rows -----------------------------------------------------------------------------


@dataclass
class TypedRow:
    number: int
    values: dict[str, Any]  # field -> normalised value (None when empty)
    raw: RawRow
    rounded: dict[str, str] = field(default_factory=dict)  # field -> the amount as the file wrote it


@dataclass
class Reading:
    """A sheet read against the fields: the good rows, and every problem by row."""

    sheet: Sheet
    mapping: Mapping
    rows: list[TypedRow]
    problems: dict[int, list[Problem]]  # row number -> its problems (0: the file as a whole)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) by the mapping's skip_when

    def column_of(self, name: str) -> str | None:
        """The user's header for a field, or None when the value came from the mapping."""
        header = self.mapping.header_of(name)
        return header if header in self.sheet.headers else None

    def problem(self, row: int, name: str | None, reason: str, value: object = None) -> Problem:
        column = self.column_of(name) if name else None
        return Problem(
            reason,
            row=row,
            column=column or (f"{name} (from the mapping)" if name in self.mapping.fixed else None),
            value=value,
            sheet=self.sheet.name,
        )


def read_rows(sheet: Sheet, fields: list[Field], mapping: Mapping | None = None) -> Reading:
    mapping = mapping or Mapping()
    reading = Reading(sheet, mapping, [], {})
    columns = _Columns.of(sheet, fields, mapping)
    if columns.problems:
        reading.problems[0] = columns.problems
        return reading
    rows = _RowReader(reading, fields, columns)
    for raw in sheet.rows:
        skipped = _skipped(raw, mapping, columns.positions, columns.at)
        if skipped:
            reading.skipped.append((raw.number, skipped))
            continue
        values, rounded, problems = rows.read(raw)
        if problems:
            reading.problems[raw.number] = problems
        else:
            reading.rows.append(TypedRow(raw.number, values, raw, rounded))
    return reading


@dataclass
class _Columns:
    """Where each field is in the sheet, and what is wrong with the header as a whole."""

    positions: dict[str, int]  # field -> column index
    at: dict[str, int]  # header -> column index
    from_money: set[str]  # currency fields an amount may fill ('EUR 1500')
    problems: list[Problem]

    @classmethod
    def of(cls, sheet: Sheet, fields: list[Field], mapping: Mapping) -> _Columns:
        from_money = {f.currency_field for f in fields if f.kind == "money" and f.currency_field}
        positions, problems = _positions(sheet, {mapping.header_of(f.name): f.name for f in fields}, mapping)
        for f in fields:
            if f.name in positions and f.name in mapping.fixed:
                problems.append(
                    Problem(
                        f"the file has a column for '{f.name}' and the mapping fixes it too: keep one",
                        column=mapping.header_of(f.name),
                        sheet=sheet.name,
                    )
                )
            elif f.required and f.name not in positions and f.name not in mapping.fixed and f.name not in from_money:
                problems.append(
                    Problem(
                        f"the required column '{mapping.header_of(f.name)}' ({f.name}) is missing", sheet=sheet.name
                    )
                )
        at = {header: index for index, header in enumerate(sheet.headers) if header}
        for header in mapping.rules.columns:
            if header not in at:
                problems.append(Problem("the mapping's rules read this column, which the file lacks", column=header))
        return cls(positions, at, from_money, problems)


def _positions(sheet: Sheet, wanted: dict[str, str], mapping: Mapping) -> tuple[dict[str, int], list[Problem]]:
    """Field -> column index for the headers this import reads; every header it cannot place."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, header in enumerate(sheet.headers):
        if header == "":
            if any(index < len(r.cells) and not blank(r.cells[index]) for r in sheet.rows):
                problems.append(Problem(f"column {index + 1} has values but no header", sheet=sheet.name))
            continue
        if header in seen:
            problems.append(Problem("appears twice in the header", column=header, sheet=sheet.name))
            continue
        seen.add(header)
        if header in wanted:
            positions[wanted[header]] = index
        elif header != ERRORS_COLUMN and header not in mapping.ignore and header not in mapping.rules.columns:
            known = ", ".join(sorted(wanted))
            problems.append(
                Problem(
                    f"is not a column this import reads (it reads: {known}); list it under "
                    "'ignore' in a mapping file to skip it",
                    column=header,
                    sheet=sheet.name,
                )
            )
    return positions, problems


class _RowReader:
    """Reads one row's cells into typed values, or says what is wrong with each."""

    def __init__(self, reading: Reading, fields: list[Field], columns: _Columns) -> None:
        self.reading, self.mapping, self.columns = reading, reading.mapping, columns
        self.by_name = {f.name: f for f in fields}
        # money cells may carry their currency code, so they are read after the currency column
        order = [f for f in fields if f.kind != "money"] + [f for f in fields if f.kind == "money"]
        self.plan = [(f, columns.positions.get(f.name), self.mapping.fixed.get(f.name)) for f in order]
        self.needs_code = [
            f for f in fields if f.kind == "money" and f.currency_field and self.by_name[f.currency_field].required
        ]

    def read(self, raw: RawRow) -> tuple[dict[str, Any], dict[str, str], list[Problem]]:
        """The row's values, the amounts rounded (as the file wrote them), and its problems."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        rounded: dict[str, str] = {}
        from_money = self.columns.from_money
        for f, at_index, fixed in self.plan:
            if at_index is None and fixed is None and not (f.required and f.name not in from_money):
                values[f.name] = None  # neither in the file nor in the mapping: nothing to read
                continue
            cell = _cell(raw, at_index) if at_index is not None else fixed
            try:
                normal = normalise(f, cell, self.mapping)
            except CellError as exc:
                problems.append(self.reading.problem(raw.number, f.name, exc.reason, cell))
                continue
            if f.kind == "money" and normal is not None:
                self._amount(raw, f, cell, normal, values, rounded, problems)
            elif normal is None and f.required and f.name not in from_money:
                problems.append(self.reading.problem(raw.number, f.name, "is required", cell))
            else:
                values[f.name] = normal
        problems += self._without_currency(raw, values, problems)
        rules = self.mapping.rules
        if rules.id_from is not None and "id" in self.by_name and "id" not in self.columns.positions:
            at = self.columns.at
            values["id"] = rules.id_from.build([_cell(raw, at[c]) for c in rules.id_from.columns], raw.number)
        return values, rounded, problems

    def _amount(
        self,
        raw: RawRow,
        f: Field,
        cell: Any,
        normal: tuple[str, str | None],
        values: dict[str, Any],
        rounded: dict[str, str],
        problems: list[Problem],
    ) -> None:
        """An amount, the currency code written with it checked against the currency column."""
        values[f.name], code = normal
        if code is not None and f.currency_field:
            given = values.get(f.currency_field)
            if given not in (None, code):
                problems.append(
                    self.reading.problem(raw.number, f.name, f"says {code}, the currency column says {given}", cell)
                )
            values[f.currency_field] = code
        values[f.name], original = self.mapping.rules.round(values[f.name], values.get(f.currency_field or ""))
        if original is not None:
            rounded[f.name] = original

    def _without_currency(self, raw: RawRow, values: dict[str, Any], problems: list[Problem]) -> list[Problem]:
        """Amounts whose currency neither their column nor the amount itself gives."""
        found = []
        for f in self.needs_code:
            code_field = f.currency_field or ""
            if (
                f.name in values
                and values.get(code_field) is None
                and not any(p.column and p.column == self.reading.column_of(code_field) for p in problems)
            ):
                positions = self.columns.positions
                found.append(
                    self.reading.problem(
                        raw.number,
                        f.name,
                        f"has no currency: fill the '{self.mapping.header_of(code_field)}' column or "
                        "write the code with the amount (e.g. 'EUR 1500')",
                        _cell(raw, positions[f.name]) if f.name in positions else None,
                    )
                )
        return found


def _skipped(raw: RawRow, mapping: Mapping, positions: dict[str, int], at: dict[str, int]) -> str | None:
    """Why the mapping's skip_when leaves this row out (the first rule that applies), or None."""
    for rule in mapping.rules.skip_when:
        if rule.column is not None:
            cell = _cell(raw, at[rule.column])
        elif rule.field in positions:
            cell = _cell(raw, positions[rule.field])
        else:
            cell = mapping.fixed.get(rule.field or "")
        reason = rule.reason(cell, lambda c: amount_or_none(c, mapping))
        if reason:
            return reason
    return None


def _cell(raw: RawRow, index: int) -> Any:
    return raw.cells[index] if index < len(raw.cells) else None


# --- reject files --------------------------------------------------------------------------


def write_rejects(sheet: Sheet, rejected: list[tuple[RawRow, list[Problem]]], path: Path | str) -> Path:
    """Write the rejected rows as they were read, in the file's own format and layout, with a
    last column saying what is wrong: fix the rows and import the file again."""
    path = Path(path)
    headers = [*sheet.headers, ERRORS_COLUMN] if ERRORS_COLUMN not in sheet.headers else list(sheet.headers)
    err_at = headers.index(ERRORS_COLUMN)
    body = []
    for raw, problems in rejected:
        cells = list(raw.cells[: len(sheet.headers)]) + [None] * max(0, len(sheet.headers) - len(raw.cells))
        cells += [None] * (len(headers) - len(cells))
        cells[err_at] = "; ".join(f"{p.column or 'row'}: {p.reason}" for p in problems)
        body.append(cells)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        ws = book.active
        ws.title = sheet.name or "rejects"
        for number, row in enumerate([*sheet.preamble, headers, *body], start=1):
            put_row(ws, number, row)
        book.save(path)
    else:
        with path.open("w", encoding=sheet.encoding if sheet.format == "csv" else "utf-8-sig", newline="") as out:
            rows = [*sheet.preamble, headers, *body]
            texts = (["" if c is None else text_of(c) if not isinstance(c, str) else c for c in row] for row in rows)
            write_csv(out, texts, delimiter=sheet.delimiter)
    return path

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

import codecs
import csv
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ...domain.errors import Refused
from ...domain.names import fold
from .cells import put_row, read_back, write_csv
from .rules import RULE_KEYS, Rules, parse_rules

#: The column a reject file adds; imports ignore it, so a fixed reject file re-imports as is.
ERRORS_COLUMN = "supplyline_errors"

KINDS = ("text", "code", "decimal", "money", "date", "month", "int", "bool", "list")

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CODE_PREFIX = re.compile(r"^([A-Z]{3})\s*(.+)$")
_CODE_SUFFIX = re.compile(r"^(.+?)\s*([A-Z]{3})$")
_TRUE = {"yes", "true", "1", "y", "x"}
_FALSE = {"no", "false", "0", "n"}


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


# --- the mapping file ------------------------------------------------------------------------

_MAPPING_KEYS = {
    "columns",
    "sheet",
    "header_row",
    "decimal_separator",
    "thousands_separator",
    "date_formats",
    "values",
    "fixed",
    "ignore",
    "list_separator",
    "encoding",
    "delimiter",
    *RULE_KEYS,
}


@dataclass(frozen=True)
class Mapping:
    """How to read one user's file (every key optional; the defaults read a canonical file)."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> the user's header
    sheet: str | None = None  # XLSX sheet (default: the first)
    header_row: int = 1
    decimal_separator: str | None = None  # None: told from each cell where unambiguous
    thousands_separator: str | None = None
    date_formats: tuple[str, ...] = ()
    #: field -> {user's word: code, or several codes (a list), or none (an empty list)}
    values: dict[str, dict[str, str | tuple[str, ...]]] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)  # field -> the value of every row
    ignore: tuple[str, ...] = ()
    list_separator: str = ";"
    encoding: str = "utf-8-sig"
    delimiter: str | None = None  # CSV (default: sniffed among , ; tab)
    rules: Rules = field(default_factory=Rules)

    def header_of(self, name: str) -> str:
        return self.columns.get(name, name)


def load_mapping(path: Path | str, fields: Iterable[Field]) -> Mapping:
    """Read a YAML (.yaml, .yml) or TOML (.toml) mapping file and check it against ``fields``."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FileRefused(source, [Problem(f"cannot read the mapping file: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise FileRefused(source, [Problem(f"is not UTF-8 text (byte {exc.start})")]) from None
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        else:
            raise FileRefused(source, [Problem("a mapping file ends in .yaml, .yml or .toml", value=path.suffix)])
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:  # YAML builds dates and tagged values too
        raise FileRefused(source, [Problem(f"is not valid {path.suffix[1:].upper()}: {exc}")]) from None
    except RecursionError:
        raise FileRefused(source, [Problem("is nested too deeply to be a mapping file")]) from None
    return mapping_from(data, fields, source)


def mapping_from(data: object, fields: Iterable[Field], source: str = "mapping") -> Mapping:
    names = {f.name for f in fields}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise FileRefused(source, [Problem("must be a table of settings (columns, values, fixed…)")])
    for key in sorted(set(data) - _MAPPING_KEYS):
        problems.append(Problem(f"unknown setting '{key}' (known: {', '.join(sorted(_MAPPING_KEYS))})"))

    def table(key: str) -> dict:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            problems.append(Problem(f"'{key}' must be a table"))
            return {}
        for name in value:
            if name not in names:
                problems.append(
                    Problem(f"'{key}' names an unknown field '{name}' (fields: {', '.join(sorted(names))})")
                )
        return value

    columns = {k: str(v) for k, v in table("columns").items()}
    values = {k: _words(v) for k, v in table("values").items()}
    fixed = table("fixed")
    formats = data.get("date_formats", [])
    formats = [formats] if isinstance(formats, str) else formats
    decimal_sep = None if data.get("decimal_separator") is None else str(data["decimal_separator"])
    thousands = data.get("thousands_separator")
    header_row = data.get("header_row", 1)
    ignore = data.get("ignore", [])
    delimiter = data.get("delimiter")
    encoding = str(data.get("encoding", "utf-8-sig"))
    problems += _text_problems(formats, decimal_sep, thousands)
    problems += _layout_problems(header_row, ignore, delimiter, encoding)
    rules, rule_problems = parse_rules(data, names)
    problems += [Problem(reason, value=value) for reason, value in rule_problems]
    if problems:
        raise FileRefused(source, problems)
    return Mapping(
        columns=columns,
        sheet=data.get("sheet"),
        header_row=header_row,
        decimal_separator=decimal_sep,
        thousands_separator=None if thousands is None else str(thousands),
        date_formats=tuple(formats),
        values=values,
        fixed=dict(fixed),
        ignore=tuple(str(i) for i in ([ignore] if isinstance(ignore, str) else ignore)),
        list_separator=str(data.get("list_separator", ";")),
        encoding=encoding,
        delimiter=delimiter,
        rules=rules,
    )


def _text_problems(formats: list, decimal_sep: str | None, thousands: object) -> list[Problem]:
    """What is wrong with a mapping's date formats and number separators."""
    problems = [
        Problem("date_formats are strftime patterns such as '%d.%m.%Y'", value=fmt)
        for fmt in formats
        if not isinstance(fmt, str) or "%" not in fmt
    ]
    if decimal_sep not in (None, ".", ","):
        problems.append(Problem("decimal_separator must be '.' or ','", value=decimal_sep))
    if thousands is not None and str(thousands) == decimal_sep:
        problems.append(Problem("thousands_separator must differ from decimal_separator", value=thousands))
    return problems


def _layout_problems(header_row: object, ignore: object, delimiter: object, encoding: str) -> list[Problem]:
    """What is wrong with a mapping's header row, ignored columns, delimiter and encoding."""
    problems = []
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        problems.append(Problem("header_row must be a row number (1 or more)", value=header_row))
    if not isinstance(ignore, (str, list)) or (
        isinstance(ignore, list) and not all(isinstance(i, str) for i in ignore)
    ):
        problems.append(Problem("ignore must be a column header or a list of them", value=ignore))
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"'"):
        problems.append(Problem("delimiter must be one character, e.g. ';'", value=delimiter))
    try:
        codecs.lookup(encoding)
    except LookupError:
        problems.append(Problem("encoding is not a known text encoding (e.g. utf-8, cp1252)", value=encoding))
    return problems


def _words(table: object) -> dict[str, str | tuple[str, ...]]:
    if not isinstance(table, dict):
        return {}
    return {
        str(word): tuple(str(c) for c in code) if isinstance(code, list) else "" if code is None else str(code)
        for word, code in table.items()
    }


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
        if all(_blank(c) for c in cells):
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


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


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
            if any(index < len(r.cells) and not _blank(r.cells[index]) for r in sheet.rows):
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
                normal = _normalise(f, cell, self.mapping)
            except _CellError as exc:
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
        reason = rule.reason(cell, lambda c: _amount_or_none(c, mapping))
        if reason:
            return reason
    return None


def _amount_or_none(cell: Any, mapping: Mapping) -> Decimal | None:
    try:
        return Decimal(_money(cell, mapping)[0])
    except _CellError:
        return None


def _cell(raw: RawRow, index: int) -> Any:
    return raw.cells[index] if index < len(raw.cells) else None


class _CellError(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _normalise(f: Field, cell: Any, mapping: Mapping) -> Any:
    if _blank(cell):
        return None
    words = mapping.values.get(f.name, {})
    if f.kind in ("text", "code"):
        text = _text(cell)
        word = _word(words, text) if words else text
        if isinstance(word, tuple):
            raise _CellError("is mapped to a list of values; this column takes one")
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
        return _bool(str(_word(words, _text(cell))) if isinstance(cell, str) and words else cell)
    if f.kind == "list":
        if not isinstance(cell, str):
            return (_text(cell),)
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


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def _decimal(cell: Any, mapping: Mapping) -> str:
    if isinstance(cell, bool):
        raise _CellError("is not a number")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        # A spreadsheet keeps numbers as binary doubles; the shortest text that reads back to
        # the same double is what the user typed (and saw). Money checks its decimals after.
        return str(Decimal(repr(cell)))
    if isinstance(cell, Decimal):
        return str(cell)
    if not isinstance(cell, str):
        raise _CellError("is not a number")
    text = _SPACES.sub("", cell)
    if mapping.decimal_separator is None and not mapping.thousands_separator:
        return _told_apart(text)
    if mapping.thousands_separator:
        text = text.replace(mapping.thousands_separator, "")
    if mapping.decimal_separator == ",":
        if "." in text and not mapping.thousands_separator:
            raise _CellError("is not a number written with a decimal comma")
        text = text.replace(",", ".")
    if not _PLAIN_DECIMAL.match(text):
        sep = "decimal comma" if mapping.decimal_separator == "," else "decimal point"
        raise _CellError(
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
        raise _CellError("is not a number")
    last = max(body.rfind(","), body.rfind("."))
    if "," in body and "." in body:
        whole, fraction, group = body[:last], body[last + 1 :], "." if body[last] == "," else ","
    elif body.count(",") + body.count(".") > 1:
        whole, fraction, group = body, "", body[last]
    elif "," in body and len(body) - last - 1 != 3:
        whole, fraction, group = body[:last], body[last + 1 :], ""
    elif "," in body:
        raise _CellError("could be a thousands separator or a decimal comma: set decimal_separator in the mapping file")
    else:
        raise _CellError("is not a number")
    if (group and not _GROUPED.match(whole.replace(group, "X"))) or not (fraction.isdigit() or fraction == ""):
        raise _CellError("is not a number (its thousands groups or decimals are not where they belong)")
    if not group and not whole.isdigit():
        raise _CellError("is not a number")
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
            raise _CellError("must be a calendar date, not a date and time")
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        found = _date_text(cell.strip(), mapping.date_formats)
        if found is not None:
            return found
    formats = ", ".join(f"'{f}'" for f in (*mapping.date_formats, "%Y-%m-%d"))
    raise _CellError(f"is not a date in the expected format ({formats})")


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
    except _CellError:
        raise _CellError("is not a month (YYYY-MM, or a date in the expected format)") from None
    return f"{day.year:04d}-{day.month:02d}"


def _int(cell: Any, mapping: Mapping) -> int | str:
    if isinstance(cell, float):
        if cell.is_integer():
            return int(cell)
        raise _CellError("must be a whole number")
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
    raise _CellError("must be yes or no")


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
            texts = (["" if c is None else _text(c) if not isinstance(c, str) else c for c in row] for row in rows)
            write_csv(out, texts, delimiter=sheet.delimiter)
    return path

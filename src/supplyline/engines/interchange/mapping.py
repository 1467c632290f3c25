"""The column-mapping file (YAML or TOML): which of the user's headers holds which field, how
numbers and dates are written, which of the user's words mean which code, which columns to
ignore. Every setting is checked when the file is loaded, all problems at once."""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .fields import Field, FileRefused, Problem
from .rules import RULE_KEYS, Rules, parse_rules

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


#: a mapping file names columns, formats and words: a few KB; anything near this is not one
MAX_MAPPING_BYTES = 256 * 1024
#: columns → field → words → codes is the deepest a mapping goes
MAX_MAPPING_DEPTH = 8


class _NoAliases(yaml.SafeLoader):
    """The safe loader without aliases: ``*name`` lets a few hundred bytes expand to gigabytes
    (nested aliases, "billion laughs"), and a mapping file never needs one."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a mapping file: write the value out", mark
            )
        return super().compose_node(parent, index)


def _depth(value: object, limit: int) -> int:
    """How deeply ``value`` nests (lists and tables), counting no further than ``limit`` + 1."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    inner = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in inner), default=0)


def load_mapping(path: Path | str, fields: Iterable[Field]) -> Mapping:
    """Read a YAML (.yaml, .yml) or TOML (.toml) mapping file and check it against ``fields``.

    Bounded before it is parsed: at most ``MAX_MAPPING_BYTES``, no YAML aliases, at most
    ``MAX_MAPPING_DEPTH`` levels deep (issue 13 item 6)."""
    path = Path(path)
    source = path.name
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)
        if len(raw) > MAX_MAPPING_BYTES:
            raise FileRefused(source, [Problem(f"is larger than {MAX_MAPPING_BYTES // 1024} KB: not a mapping file")])
        text = raw.decode("utf-8")
    except OSError as exc:
        raise FileRefused(source, [Problem(f"cannot read the mapping file: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise FileRefused(source, [Problem(f"is not UTF-8 text (byte {exc.start})")]) from None
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_NoAliases) or {}  # _NoAliases is the safe loader, stricter
        else:
            raise FileRefused(source, [Problem("a mapping file ends in .yaml, .yml or .toml", value=path.suffix)])
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:  # YAML builds dates and tagged values too
        raise FileRefused(source, [Problem(f"is not valid {path.suffix[1:].upper()}: {exc}")]) from None
    except RecursionError:
        raise FileRefused(source, [Problem("is nested too deeply to be a mapping file")]) from None
    if _depth(data, MAX_MAPPING_DEPTH) > MAX_MAPPING_DEPTH:
        raise FileRefused(source, [Problem(f"is nested more than {MAX_MAPPING_DEPTH} levels deep: not a mapping file")])
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

"""Output for people (Rich tables) and for scripts (--json), and the exit-code contract.

Exit codes: 0 success, 1 a check failed, 2 bad input (nothing was written).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from ..domain.errors import InvalidInput

console = Console()
if not console.is_terminal:  # logs and pipes: wide enough that money never wraps
    console.width = 160
errors = Console(stderr=True)
if not errors.is_terminal:
    errors.width = 160

CHECK_FAILED = 1
BAD_INPUT = 2


def emit_json(data: Any) -> None:
    sys.stdout.write(_indented(data) + "\n")


def _indented(data: Any) -> str:
    """JSON indented by orjson, in C; the standard library indents in Python, ~20x slower (a plan's
    14 MB). It answers when orjson refuses (an integer beyond 64 bits) or is not installed (an
    environment set up before orjson was a dependency)."""
    try:
        import orjson
    except ImportError:
        return json.dumps(data, indent=2, ensure_ascii=False, default=_default)
    try:
        return orjson.dumps(data, default=_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def money(amount: str | None, currency: str | None = None) -> str:
    if amount is None:
        return "—"
    text = (
        f"{Decimal(amount):,.2f}"
        if Decimal(amount) == Decimal(amount).quantize(Decimal("0.01"))
        else f"{Decimal(amount):,}"
    )
    return f"{currency} {text}" if currency else text


def table(
    title: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]], *, numeric: Sequence[str] = ()
) -> None:
    """Print rows as a table; ``columns`` are (key, heading) pairs."""
    out = Table(title=title, title_justify="left", header_style="bold")
    for key, heading in columns:
        out.add_column(heading, justify="right" if key in numeric else "left", overflow="fold")
    count = 0
    for row in rows:
        out.add_row(*[_cell(row.get(key)) for key, _ in columns])
        count += 1
    if count == 0:
        console.print(f"{title}: none")
        return
    console.print(out)


def show(
    data: Mapping[str, Any], *, as_json: bool, title: str, columns: Sequence[tuple[str, str]] | None = None
) -> None:
    if as_json:
        emit_json(data)
        return
    keys = columns or [(k, k.replace("_", " ")) for k, v in data.items() if not isinstance(v, list)]
    table(title, [{"field": heading, "value": data.get(key)} for key, heading in keys], [("field", ""), ("value", "")])


def outcome(result, *, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_json())
        return
    if not result.events:
        console.print(f"{result.id}: nothing to record (already so)")
        return
    first, last = result.events[0].seq, result.events[-1].seq
    kinds = ", ".join(dict.fromkeys(e.type for e in result.events))
    span = f"#{first}" if first == last else f"#{first}–#{last}"
    console.print(f"[green]recorded[/] {result.id}: {kinds} (event {span})")


def fail(message: str, code: int) -> None:
    errors.print(message, markup=False, highlight=False, soft_wrap=True)  # whole lines: grep finds them
    raise typer.Exit(code)


def split_spec(field: str, text: str, parts: int, optional: int = 0, sep: str = ":") -> list[str]:
    """Split a compact option value such as '1:100:4000000' into its parts."""
    pieces = text.split(sep)
    if not parts - optional <= len(pieces) <= parts:
        raise InvalidInput(
            field, text, f"expected {parts - optional}{'' if not optional else f'-{parts}'} parts separated by '{sep}'"
        )
    return pieces + [""] * (parts - len(pieces))

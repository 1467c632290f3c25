"""Text options read as the text given, without Typer's pydantic adapter.

Typer (0.29) coerces each option's value through a pydantic ``TypeAdapter`` built at the
first value it reads, so a command loads pydantic for ``--db`` alone. An option declared as
text (``str``, ``str | None``, ``list[str]``) with no parser of its own is already what the
command line gave: it is taken as is, and a command whose options are text and flags starts
without pydantic. Every other option (numbers, paths, choices…) keeps Typer's coercion.
Where Typer's internals are not as expected, nothing is changed: only slower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_TEXT = (str, str | None, list[str])
_FLAG = (bool, bool | None)


def install() -> None:
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - another Typer
        return
    typed = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if typed is None or base is None or getattr(typed, "plain_text", False):
        return
    typers_own: Callable[[Any], Any] = typed

    class _AsGiven(base):  # type: ignore[misc, valid-type]  # base is Typer's class, known only at run time
        """Text as given; a flag's True or False as given; anything else as Typer reads it."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.annotation in _FLAG:
                given = isinstance(value, bool)
            else:
                given = isinstance(value, str) or (isinstance(value, tuple) and all(isinstance(v, str) for v in value))
            if not given:
                return typers_own(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)
            return list(value) if isinstance(value, tuple) else value

    def build(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        plain = (
            descriptor.annotation in (*_TEXT, *_FLAG)
            and descriptor.file_annotation is None
            and getattr(info, "parser", None) is None
            and getattr(info, "click_type", None) is None
        )
        if plain:
            return _AsGiven(parameter_info=info, annotation=descriptor.annotation)
        return typers_own(descriptor)

    build.plain_text = True  # type: ignore[attr-defined]  # a marker on the function, read back by the tests
    core.build_runtime_param = build

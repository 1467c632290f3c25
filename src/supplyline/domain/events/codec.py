"""Between a typed event field and its JSON form in the ledger, driven by the annotations.

Each field's annotation decides its stored form, so an event class is only its declaration:
``Money`` ↔ ``{"amount": "12.50", "currency": "EUR"}``, ``date`` ↔ ISO text, ``Decimal`` ↔
decimal text, tuples ↔ lists, mappings ↔ objects, nested dataclasses ↔ objects, ``X | None``
↔ the value or null. A field whose stored key is not a Python name says so with
``field(metadata={"key": "from"})``. Reading is strict (a missing or unknown key, or a value
of the wrong JSON type, is an ``EventShapeError``), so a shape that drifts is caught where it
is read instead of defaulting silently.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from ..money import Money

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


class EventShapeError(ValueError):
    """A stored payload that does not have the shape its event type and version declare."""

    def __init__(self, problem: str, path: str = ""):
        super().__init__(f"{path}: {problem}" if path else problem)
        self.problem, self.path = problem, path

    def within(self, outer: str) -> EventShapeError:
        """The same problem, its place named from ``outer`` down (messages are built only on failure)."""
        return EventShapeError(self.problem, f"{outer}{self.path}")


def _same(value: Any) -> Any:
    return value


def _scalar(kind: type) -> tuple[Encode, Decode]:
    def decode(value: Any) -> Any:
        # bool is an int in Python, never in the ledger
        if type(value) is not kind and (not isinstance(value, kind) or isinstance(value, bool)):
            raise EventShapeError(f"expected {kind.__name__}, got {value!r}")
        return value

    return _same, decode


def _text_of(parse: Callable[[str], Any], name: str) -> Decode:
    def decode(value: Any) -> Any:
        if not isinstance(value, str):
            raise EventShapeError(f"expected {name} text, got {value!r}")
        try:
            return parse(value)
        except ValueError as exc:
            raise EventShapeError(str(exc)) from None

    return decode


def _money(value: Any) -> Money:
    if not isinstance(value, dict) or value.keys() != {"amount", "currency"}:
        raise EventShapeError(f"expected {{amount, currency}}, got {value!r}")
    return Money.from_json(value)


def _optional(inner: tuple[Encode, Decode]) -> tuple[Encode, Decode]:
    enc, dec = inner
    return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))


def _sequence(inner: tuple[Encode, Decode]) -> tuple[Encode, Decode]:
    enc, dec = inner

    def decode(value: Any) -> tuple:
        if not isinstance(value, list):
            raise EventShapeError(f"expected a list, got {value!r}")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(dec(item))
            except EventShapeError as exc:
                raise exc.within(f"[{i}]") from None
        return tuple(out)

    return (lambda v: [enc(item) for item in v]), decode


def _mapping(inner: tuple[Encode, Decode]) -> tuple[Encode, Decode]:
    enc, dec = inner

    def decode(value: Any) -> dict:
        if not isinstance(value, dict):
            raise EventShapeError(f"expected an object, got {value!r}")
        out = {}
        for key, item in value.items():
            try:
                out[key] = dec(item)
            except EventShapeError as exc:
                raise exc.within(f".{key}") from None
        return out

    return (lambda v: {key: enc(item) for key, item in v.items()}), decode


def _codec(hint: Any) -> tuple[Encode, Decode]:
    """The (encode, decode) pair of one annotation."""
    origin, args = get_origin(hint), get_args(hint)
    if hint in (str, int, bool):
        return _scalar(hint)
    if hint is Money:
        return Money.to_json, _money
    if hint is date:
        return date.isoformat, _text_of(date.fromisoformat, "ISO date")
    if hint is Decimal:
        return str, _text_of(_decimal, "decimal")
    if origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return _optional(_codec(next(a for a in args if a is not type(None))))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence(_codec(args[0]))
    if origin in (dict, Mapping) and args and args[0] is str:
        return _mapping(_codec(args[1]))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return to_data, lambda v: _build(hint, v)
    raise TypeError(f"no stored form for the annotation {hint!r}")


def _decimal(text: str) -> Decimal:
    value = Decimal(text)  # InvalidOperation is a ValueError
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a finite number")
    return value


@dataclasses.dataclass(frozen=True)
class _Shape:
    """A dataclass's fields as stored, worked out once per class."""

    keys: frozenset[str]
    fields: tuple[tuple[str, str, Encode, Decode], ...]  # attribute, stored key, encode, decode


@cache
def _shape(cls: type) -> _Shape:
    hints = get_type_hints(cls)
    fields = tuple(
        (f.name, f.metadata.get("key", f.name), *_codec(hints[f.name])) for f in dataclasses.fields(cls) if f.init
    )
    return _Shape(frozenset(key for _, key, _, _ in fields), fields)


def to_data(value: Any) -> dict[str, Any]:
    """The JSON-ready payload of a dataclass value."""
    cls: type = type(value)
    return {key: encode(getattr(value, name)) for name, key, encode, _ in _shape(cls).fields}


def _build(cls: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise EventShapeError(f"expected an object, got {data!r}")
    shape = _shape(cls)
    if data.keys() != shape.keys:
        missing, extra = sorted(shape.keys - data.keys()), sorted(data.keys() - shape.keys)
        raise EventShapeError(f"field '{missing[0]}' is missing" if missing else f"unknown field(s) {', '.join(extra)}")
    values = {}
    for name, key, _, decode in shape.fields:
        try:
            values[name] = decode(data[key])
        except EventShapeError as exc:
            raise exc.within(f".{key}") from None
    return cls(**values)


def from_data(cls: type, data: Any, where: str) -> Any:
    """The dataclass value stored as ``data``; refuses a missing, extra or mistyped field,
    naming it from ``where`` down."""
    try:
        return _build(cls, data)
    except EventShapeError as exc:
        raise exc.within(where) from None

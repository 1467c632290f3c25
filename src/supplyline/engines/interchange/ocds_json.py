"""JSON with exact numbers: Decimals written as the numbers they are, never via float."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def dumps(data: Any, indent: int = 2) -> str:
    """JSON text in which Decimals are written as the exact numbers they are (never via float)."""
    return _encode(data, indent, 0) + "\n"


def _encode(value: Any, indent: int, level: int) -> str:
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, indent, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_encode(v, indent, level + 1)}" for v in value) + "\n" + pad + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not written: money and rates are Decimals")
    return json.dumps(value, ensure_ascii=False)

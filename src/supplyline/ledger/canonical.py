"""Canonical JSON (RFC 8785, JCS): one byte string per value, so hashes are reproducible
by anyone with any JSON library that implements the RFC."""

from __future__ import annotations

import json
from typing import Any

import rfc8785


def _check(value: Any, path: str) -> None:
    # Floats are refused outright: money and rates travel as decimal strings.
    if isinstance(value, float):
        raise TypeError(f"{path}: floats are not allowed in ledger payloads (use a decimal string)")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            _check(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
    elif not (value is None or isinstance(value, str | int | bool)):
        raise TypeError(f"{path}: {type(value).__name__} is not a JSON value")


def canonical(value: Any) -> str:
    _check(value, "payload")
    return rfc8785.dumps(value).decode("utf-8")


def parse(text: str) -> Any:
    return json.loads(text)

"""Cursor pagination: a page of a sorted list, and an opaque cursor to the next one.

A cursor is the sort key of the last item returned, as its reader saw it (null for a value
withheld from it): the next page starts after it, so no item is returned twice when records
are added between requests.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from .problems import ApiProblem


def _sortable(value: Any) -> tuple:
    # ints and strings never meet in one comparison, whatever a cursor holds; a value withheld
    # from the reader (null) sorts first, so that its place tells nothing of it
    if value is None:
        return (0, 0)
    return (2 if isinstance(value, str) else 1, value)


def encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raw = None
    if not isinstance(raw, list) or not all(
        v is None or (isinstance(v, (str, int)) and not isinstance(v, bool)) for v in raw
    ):
        raise ApiProblem(422, "invalid-input", "cursor: is not a cursor this API returned", field="cursor")
    return tuple(raw)


def paginate(items: list[dict], key: Callable[[dict], tuple], cursor: str | None, limit: int) -> dict:
    ordered = sorted(items, key=lambda item: tuple(map(_sortable, key(item))))
    if cursor:
        after = tuple(map(_sortable, decode_cursor(cursor)))
        ordered = [item for item in ordered if tuple(map(_sortable, key(item))) > after]
    page = ordered[:limit]
    more = len(ordered) > limit
    return {"items": page, "next_cursor": encode_cursor(key(page[-1])) if more else None}

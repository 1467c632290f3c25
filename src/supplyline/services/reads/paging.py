"""A page of a list, read by the database: the rows after a key, in key order, no more than
the page holds (keyset pagination), among those a condition admits (what the reader may see).

``WHERE (key) > :after ORDER BY key LIMIT :n + 1``: the extra row says whether a next page
exists. Its cost follows the page, not the list, given an index on the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, tuple_

from ...domain.errors import InvalidInput


@dataclass(frozen=True)
class Page:
    """Which rows a list answers: those ``where`` admits (None: all), after the sort key
    ``after`` (None: from the first), at most ``limit`` of them and one more (None: all)."""

    limit: int | None
    after: tuple | None = None
    where: ColumnElement[bool] | None = None


def keyset(query: Select, key: Sequence[ColumnElement], page: Page | None) -> Select:
    """``query`` ordered by ``key``; with a page, only that page's rows (and one more)."""
    query = query.order_by(*key)
    if page is None:
        return query
    if page.where is not None:
        query = query.where(page.where)
    if page.after is not None:
        query = query.where(tuple_(*key) > tuple_(*typed(key, page.after)))
    return query if page.limit is None else query.limit(page.limit + 1)


def typed(key: Sequence[ColumnElement], after: tuple) -> tuple:
    """A cursor's values as the key's columns hold them (a date travels as ISO text)."""
    if len(after) != len(key):
        raise InvalidInput("cursor", None, "is not a cursor this list returned")
    out: list[Any] = []
    for column, value in zip(key, after, strict=True):
        python = date if isinstance(column.type, Date) else column.type.python_type
        if python is date and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise InvalidInput("cursor", None, "is not a cursor this list returned") from None
        if not isinstance(value, python) or isinstance(value, bool):
            raise InvalidInput("cursor", None, "is not a cursor this list returned")
        out.append(value)
    return tuple(out)

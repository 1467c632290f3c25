"""Parameters shared by the routes: path ids, list filters, pagination; read models as the
plain dicts the gate trims."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import Path, Query

from ..schemas.common import ID_PATTERN

PathId = Annotated[str, Path(pattern=ID_PATTERN, description="the record's id")]
LotPathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$", description="the lot's id")]
FilterId = Annotated[str | None, Query(pattern=ID_PATTERN)]
Cursor = Annotated[
    str | None,
    Query(max_length=400, pattern=r"^[A-Za-z0-9_-]*$", description="the next_cursor of the previous page"),
]
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many items")]


def plain(record: Mapping[str, Any]) -> dict:
    """A read model (``services/reads/read_models.py``) as the dict the gate trims for its caller."""
    return dict(record)


def plain_rows(records: Iterable[Mapping[str, Any]]) -> list[dict]:
    return [dict(record) for record in records]

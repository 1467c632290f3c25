"""Reports as files: ``?format=csv|xlsx`` (or an ``Accept`` header) on the report endpoints
the CLI can write with ``--out``. The same tables as the CLI's files (services/reads/report_sheets.py):
XLSX holds every table as a sheet with number and date cells; CSV holds one table, the
first unless ``table`` names another (the CLI writes the others beside it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from ..engines.interchange.report_files import ReportSheet, csv_bytes, slug, xlsx_bytes
from .problems import ApiProblem
from .uploads import MEDIA_TYPES

ReportFormat = Annotated[
    Literal["json", "csv", "xlsx"] | None,
    Query(
        alias="format", description="json (default), csv or xlsx; or ask with Accept: text/csv or the XLSX media type"
    ),
]
Table = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9-]{1,60}$",
        description="with format=csv: the table to give (default: the first), e.g. rates-used",
    ),
]

#: the other answers of a report endpoint, for the OpenAPI document
FILES: dict[int | str, dict] = {
    200: {
        "content": {
            MEDIA_TYPES["csv"]: {"schema": {"type": "string"}},
            MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}

_BY_MEDIA_TYPE = {"application/json": "json", **{media: fmt for fmt, media in MEDIA_TYPES.items()}}


def requested_format(request: Request, given: str | None) -> str:
    """``format`` when given, else the first media type of ``Accept`` this API writes."""
    if given:
        return given
    for part in request.headers.get("accept", "").split(","):
        found = _BY_MEDIA_TYPE.get(part.split(";")[0].strip().lower())
        if found:
            return found
    return "json"


def report_answer(
    request: Request,
    data: Any,
    sheets: Callable[[Any], list[ReportSheet]],
    name: str,
    given: str | None,
    table: str | None,
) -> Any:
    """The report as JSON (returned as is, for its response model) or as a file."""
    fmt = requested_format(request, given)
    if table is not None and fmt != "csv":
        raise ApiProblem(422, "invalid-input", "table: names a table of a CSV answer (format=csv)", field="table")
    if fmt == "json":
        return data
    tables = sheets(data)
    if fmt == "xlsx":
        return _file(xlsx_bytes(tables), f"{name}.xlsx", "xlsx")
    by_slug = {slug(sheet.name): sheet for sheet in tables}
    if table is not None and table not in by_slug:
        raise ApiProblem(
            422, "invalid-input", f"table: this report's tables are {', '.join(by_slug)} (got '{table}')", field="table"
        )
    chosen = by_slug[table] if table else tables[0]
    return _file(csv_bytes(chosen), f"{name}.{slug(chosen.name)}.csv" if table else f"{name}.csv", "csv")


def _file(body: bytes, filename: str, fmt: str) -> Response:
    return Response(
        body, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )

"""A table on a page and the same table as a file (issue 21 item 2): one declaration, shown
as HTML and downloaded as CSV or XLSX from the page's own address (``?format=csv|xlsx&table=…``),
so a download holds exactly the figures the table shows.

A table is a ``ReportSheet`` (the report files' machinery, ``engines/interchange/report_files.py``):
headings are English source strings the page translates; a cell that holds no figure because
its value is withheld holds a ``Said`` and shows its words (in the file too) instead of a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from ..engines.interchange.report_files import Column, ReportSheet, Said, csv_bytes, slug, xlsx_bytes
from ..services.reads.public_packages import Figure
from .i18n import N_

__all__ = ["Column", "ReportSheet", "Said", "figure_cell", "file_answer", "links"]

MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: what a cell says when the figure rests on a withheld value (English source; the page translates it)
WITHHELD_UNTIL = N_("withheld until %(date)s")
WITHHELD = N_("withheld (no release date set)")


@dataclass(frozen=True)
class WithheldCell(Said):
    """A withheld figure's words, linking on the page to the event that withheld it."""

    href: str | None = None


def figure_cell(figure: Figure) -> object:
    """A figure's cell: its amount, what it is withheld until, or nothing."""
    if figure.withheld:
        href = f"/ledger/events/{figure.event}" if figure.event else None
        if figure.until:
            return WithheldCell(WITHHELD_UNTIL, {"date": figure.until}, href)
        return WithheldCell(WITHHELD, None, href)
    return figure.amount


def links(request: Request, sheet: ReportSheet) -> dict[str, str]:
    """The page's own address asking for ``sheet`` as each kind of file."""
    kept = {k: v for k, v in request.query_params.items() if k not in ("format", "table")}
    return {
        fmt: f"{request.url.path}?{urlencode({**kept, 'format': fmt, 'table': slug(sheet.name)})}"
        for fmt in MEDIA_TYPES
    }


def file_answer(request: Request, sheets: Sequence[ReportSheet], name: str) -> Response | None:
    """The table the request asks for as a file, or None when it asks for the page. An
    unknown format or table is answered with 404 and the names there are."""
    fmt = request.query_params.get("format")
    if fmt is None:
        return None
    by_slug = {slug(sheet.name): sheet for sheet in sheets}
    wanted = request.query_params.get("table") or (next(iter(by_slug), ""))
    if fmt not in MEDIA_TYPES or wanted not in by_slug:
        return Response(
            f"format: csv or xlsx; table: one of {', '.join(by_slug) or '(none on this page)'}\n",
            status_code=404,
            media_type="text/plain",
        )
    sheet = by_slug[wanted]
    body = csv_bytes(sheet) if fmt == "csv" else xlsx_bytes([sheet])
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{wanted}.{fmt}"'},
    )

"""The public view (issue 21 item 2): package summaries and pages for a signed-out reader,
the open data (OCDS) download and the methodology page.

What the public sees of a package is read through the same withholding index as the OCDS
export (``services/reads/public_packages.py``): a withheld figure says until when; every
table can be downloaded as CSV or XLSX from the page's own address (``tables.py``).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from ..services.interchange import kiel as kiel_service
from ..services.interchange import opendata
from ..services.reads import queries
from ..services.reads.public_packages import (
    Figure,
    PackageSummary,
    package_summaries,
    public_package,
    withheld_schedule,
)
from . import session
from .i18n import N_
from .pages import router
from .rendering import page as _page
from .rendering import store as _store
from .tables import Column, ReportSheet, Said, figure_cell, file_answer, links

#: the open data's address on the dashboard (the API answers the same at /api/v1/exports/ocds)
OCDS_PATH = "/open-data/ocds.json"


def _cells(row: dict) -> dict:
    """A row's figures as table cells (a withheld one says until when)."""
    return {k: figure_cell(v) if isinstance(v, Figure) else v for k, v in row.items()}


def _summary_row(p: PackageSummary) -> dict:
    return _cells(
        {
            "id": p.id,
            "href": f"/packages/{p.id}",
            "title": p.title,
            "state": p.state.replace("_", " "),
            "funders": "; ".join(p.funders),
            "recipient": p.recipient,
            "currency": p.currency,
            "value": p.value,
            "funded": p.funded,
            "contracted": p.contracted,
            "delivered": p.delivered,
            "share_delivered": p.share_delivered,
        }
    )


SUMMARY_COLUMNS = [
    Column("id", N_("Package")),
    Column("title", N_("Title")),
    Column("state", N_("State")),
    Column("funders", N_("Funders")),
    Column("recipient", N_("Recipient")),
    Column("currency", N_("Currency")),
    Column("value", N_("Value"), "money"),
    Column("funded", N_("Funded"), "money"),
    Column("contracted", N_("Contracted"), "money"),
    Column("delivered", N_("Delivered"), "money"),
    Column("share_delivered", N_("Share delivered (%)"), "rate"),
]


def _rests_on_withheld(summaries: list[PackageSummary]) -> int:
    fields = ("value", "funded", "contracted", "delivered", "share_delivered")
    return sum(1 for p in summaries if any(getattr(p, f).withheld for f in fields))


def packages_page(request: Request, conn: Connection, who: session.PageViewer) -> Response:
    """``/packages`` for the public: every package's summary, with the counts per state."""
    summaries = package_summaries(conn)
    sheet = ReportSheet("packages", SUMMARY_COLUMNS, [_summary_row(p) for p in summaries])
    as_file = file_answer(request, [sheet], "packages")
    if as_file is not None:
        return as_file
    states: dict[str, int] = {}
    for p in summaries:
        states[p.state] = states.get(p.state, 0) + 1
    return _page(
        request,
        "public_packages.html",
        who,
        title=N_("Packages"),
        tables=[(sheet, links(request, sheet))],
        states=states,
        withheld_packages=_rests_on_withheld(summaries),
        ocds_path=OCDS_PATH,
    )


LINE_COLUMNS = [
    Column("line_no", N_("Line"), "int"),
    Column("item", N_("Item")),
    Column("category", N_("Category")),
    Column("quantity", N_("Quantity"), "int"),
    Column("unit_price", N_("Unit price"), "money"),
    Column("value", N_("Value"), "money"),
    Column("cancelled_on", N_("Cancelled on"), "date"),
]
FUNDING_COLUMNS = [Column("funder", N_("Funder")), Column("amount", N_("Given to this package"), "money")]
DELIVERY_COLUMNS = [
    Column("shipment", N_("Shipment")),
    Column("contract", N_("Contract")),
    Column("item", N_("Item")),
    Column("state", N_("State")),
    Column("shipped_on", N_("Shipped on"), "date"),
    Column("received_on", N_("Received on"), "date"),
    Column("shipped", N_("Shipped"), "int"),
    Column("received", N_("Received"), "int"),
]


def package_page(request: Request, conn: Connection, who: session.PageViewer, package_id: str) -> Response:
    """``/packages/{id}`` for the public: its summary, lines, funders and deliveries."""
    found = public_package(conn, package_id)
    if found is None:
        return _page(
            request,
            "error.html",
            who,
            status_code=404,
            title=N_("Not found"),
            message=f"package '{package_id}' does not exist",
        )
    sheets = [
        ReportSheet("lines", LINE_COLUMNS, [_cells(row) for row in found.lines]),
        ReportSheet("funders", FUNDING_COLUMNS, [_cells(row) for row in found.funding]),
        ReportSheet("deliveries", DELIVERY_COLUMNS, [_cells(row) for row in found.deliveries]),
    ]
    as_file = file_answer(request, sheets, package_id)
    if as_file is not None:
        return as_file
    summary = found.summary
    return _page(
        request,
        "public_package.html",
        who,
        title=summary.id,
        package=summary,
        figures=[
            (N_("Value"), figure_cell(summary.value), summary.currency),
            (N_("Funded"), figure_cell(summary.funded), summary.currency),
            (N_("Contracted"), figure_cell(summary.contracted), summary.contracted.currency),
            (N_("Delivered"), figure_cell(summary.delivered), summary.delivered.currency),
        ],
        share=figure_cell(summary.share_delivered),
        tables=[(sheet, links(request, sheet)) for sheet in sheets],
        ocds_path=OCDS_PATH,
    )


def by_month_sheet(months: list[dict], show_need: bool, currency: str) -> ReportSheet:
    """The overview's money by month, as the table shows it (the need only to those who see it)."""
    stages = ["pledged", "allocated", "contracted", "delivered"] + (["need"] if show_need else [])
    columns = [Column("month", N_("Month")), *(Column(s, f"{s} ({currency})", "money") for s in stages)]
    columns.append(Column("allocated_to_date", f"allocated to date ({currency})", "money"))
    if show_need:
        columns.append(Column("need_to_date", f"need to date ({currency})", "money"))
    return ReportSheet("money-by-month", columns, months)


@router.get(OCDS_PATH)
def open_data(request: Request) -> Response:
    """The ledger as OCDS, exactly what the public may see: the export the API answers with
    (``GET /api/v1/exports/ocds``), published under the ledger's log name."""
    settings = request.app.state.settings
    exported = opendata.export_ocds(
        _store(request),
        "",
        opendata.OcdsRequest(uri=str(request.url_for("open_data"))),
        settings,
    )
    return Response(
        exported.text,
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="supplyline-ocds.json"'},
    )


@router.get("/methodology", response_class=HTMLResponse)
def methodology(request: Request):
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        summary = queries.ledger_summary(conn)
        releases = kiel_service.releases(conn)
        rates = queries.currencies_with_rates(conn)
        schedule = [
            {**row, "release": row["release"] or Said(N_("no release date set"))} for row in withheld_schedule(conn)
        ]
    sheet = ReportSheet("withheld", SCHEDULE_COLUMNS, schedule)
    as_file = file_answer(request, [sheet], "withheld")
    if as_file is not None:
        return as_file
    return _page(
        request,
        "methodology.html",
        who,
        title=N_("How these figures are made"),
        summary=summary,
        kiel_releases=releases,
        currencies=rates,
        tables=[(sheet, links(request, sheet))],
        ocds_path=OCDS_PATH,
    )


SCHEDULE_COLUMNS = [
    Column("level", N_("Disclosure level")),
    Column("release", N_("Public from"), "date"),
    Column("fields", N_("Fields withheld"), "int"),
    Column("records", N_("Records"), "int"),
]

"""The reports as tables for files: one ReportSheet per table a spreadsheet user wants.

The service reports (funnel, trace, Kiel comparison) are nested JSON-ready dicts; a file
needs flat rows. Each function here flattens one report without dropping anything the
report says: every figure and every rate used appears in some sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ...engines.interchange.report_files import Column, ReportSheet

FUNNEL_FIGURES = ("pledged", "allocated", "contracted", "delivered")


def _rates(data: Mapping[str, Any]) -> ReportSheet:
    columns = [
        Column("date", "rate date", "date"),
        Column("from", "from"),
        Column("to", "to"),
        Column("rate", "rate", "rate"),
    ]
    return ReportSheet("rates used", columns, list(data.get("rates_used", [])))


def _unconverted(data: Mapping[str, Any]) -> list[ReportSheet]:
    """Figures no recorded rate converts, as they stand (only when there are any)."""
    rows = list(data.get("unconverted", []))
    if not rows:
        return []
    columns = [
        Column("what", "figure"),
        Column("funder", "funder"),
        Column("amount", "amount", "money"),
        Column("currency", "currency"),
        Column("on", "on", "date"),
        Column("missing_rate", "missing rate"),
    ]
    return [ReportSheet("not converted", columns, [{"funder": "", **row} for row in rows])]


def funnel_sheets(data: dict) -> list[ReportSheet]:
    currency = data["currency"]
    columns = [
        Column("funder", "funder"),
        Column("name", "name"),
        *[Column(k, f"{k} ({currency})", "money") for k in FUNNEL_FIGURES],
        Column("withheld_note", "withheld"),
    ]
    rows = [
        *(_funnel_row(row) for row in data["funders"]),
        {"funder": "TOTAL", "name": "", **data["total"], "withheld_note": _undisclosed_note(data["undisclosed"])},
    ]
    sheets = [ReportSheet("funnel", columns, rows), *_unconverted(data), _rates(data)]
    if "kiel" in data:
        sheets[1:1] = kiel_sheets(data["kiel"])[:-1]
    return sheets


def _funnel_row(row: dict) -> dict:
    """A funder's row, a figure resting only on withheld values left blank rather than 0.00."""
    withheld = row.get("withheld", {})
    out = {**row, "withheld_note": "; ".join(_withheld_words(stage, cell) for stage, cell in withheld.items())}
    for stage in withheld:
        if Decimal(row[stage]) == 0:
            out[stage] = None
    return out


def _withheld_words(stage: str, cell: dict) -> str:
    until = f"until {cell['until']}" if cell["until"] else "without an end date"
    return f"{stage}: {cell['figures']} withheld {until} (event {cell['event']})"


def _undisclosed_note(undisclosed: dict[str, int]) -> str:
    return "; ".join(f"{stage}: {n} figure(s) withheld and not counted" for stage, n in undisclosed.items() if n)


def kiel_sheets(data: Mapping[str, Any]) -> list[ReportSheet]:
    currency = data["currency"]
    figures = [
        Column("pledged", f"supplyline pledged ({currency})", "money"),
        Column("kiel_military", f"Kiel military allocations ({currency})", "money"),
    ]
    by_donor = ReportSheet(
        f"kiel release {data['release']}",
        [
            Column("donor", "donor"),
            Column("name", "name"),
            Column("funders", "supplyline funders"),
            *figures,
        ],
        [{**d, "funders": ", ".join(d["funders"])} for d in data["donors"]]
        + [{"donor": "TOTAL", "name": f"{data['since']} to {data['until']}", **data["total"]}],
    )
    by_month = ReportSheet(
        "kiel by month",
        [Column("donor", "donor"), Column("month", "month"), *figures],
        [{"donor": d["donor"], **m} for d in data["donors"] for m in d["months"]],
    )
    purl = data.get("purl")
    if purl is None:
        return [by_donor, by_month, _rates(data)]
    by_purl = ReportSheet(
        "kiel purl",
        [
            Column("month", "month"),
            Column("pledged_purl", f"supplyline PURL pledged ({currency})", "money"),
            Column("kiel_purl", f"Kiel NATO PURL ({currency})", "money"),
            Column("difference", f"difference ({currency})", "money"),
        ],
        [*purl["months"], {"month": "TOTAL", **purl["total"]}],
    )
    return [by_donor, by_month, by_purl, _rates(data)]


def trace_sheets(data: Mapping[str, Any]) -> list[ReportSheet]:
    currency = data["package"]["currency"]
    return [_delivered_sheet(data, currency), _funding_sheet(data, currency), _contracts_sheet(data, currency)]


def _delivered_sheet(data: Mapping[str, Any], currency: str) -> ReportSheet:
    """One row per confirmed receipt and pledge that paid for it."""
    return ReportSheet(
        "delivered",
        [
            Column("shipment_id", "shipment"),
            Column("shipped_on", "shipped on", "date"),
            Column("received_on", "received on", "date"),
            Column("item", "item"),
            Column("shipped", "shipped", "int"),
            Column("received", "received", "int"),
            Column("discrepancy", "short", "int"),
            Column("note", "note"),
            Column("contract", "contract"),
            Column("contract_line", "contract line", "int"),
            Column("package_line", "package line", "int"),
            Column("requirement", "requirement"),
            Column("value", f"value received ({currency})", "money"),
            Column("pledge_id", "paid by pledge"),
            Column("funder", "funder"),
            Column("amount", f"paid ({currency})", "money"),
            Column("pledge_amount", "paid in the pledge's currency", "money"),
            Column("pledge_currency", "pledge currency"),
        ],
        [
            {
                **{
                    k: d[k]
                    for k in (
                        "shipment_id",
                        "shipped_on",
                        "received_on",
                        "item",
                        "shipped",
                        "received",
                        "discrepancy",
                        "note",
                        "value",
                    )
                },
                "contract": d["contract"]["id"],
                "contract_line": d["contract"]["line_no"],
                "package_line": d["package_line"]["line_no"],
                "requirement": d["package_line"]["requirement_id"],
                **share,
            }
            for d in data["delivered"]
            for share in d["paid_by"] or [{}]
        ],
    )


def _funding_sheet(data: Mapping[str, Any], currency: str) -> ReportSheet:
    """One row per package line and allocation that funds it."""
    return ReportSheet(
        "funding",
        [
            Column("line_no", "package line", "int"),
            Column("item", "item"),
            Column("quantity", "quantity", "int"),
            Column("unit_price", f"unit price ({currency})", "money"),
            Column("allocation_id", "allocation"),
            Column("pledge_id", "pledge"),
            Column("funder", "funder"),
            Column("amount", "allocated", "money"),
            Column("currency", "pledge currency"),
            Column("line_amount", f"allocated ({currency})", "money"),
            Column("fx_rate", "rate", "rate"),
            Column("fx_date", "rate date", "date"),
            Column("allocated_on", "allocated on", "date"),
        ],
        [
            {**{k: line[k] for k in ("line_no", "item", "quantity", "unit_price")}, **alloc}
            for line in data["lines"]
            for alloc in line["funded_by"] or [{}]
        ],
    )


def _contracts_sheet(data: Mapping[str, Any], currency: str) -> ReportSheet:
    """One row per contract line."""
    return ReportSheet(
        "contracts",
        [
            Column("id", "contract"),
            Column("supplier", "supplier"),
            Column("kind", "kind"),
            Column("signed_on", "signed on", "date"),
            Column("line_no", "line", "int"),
            Column("package_line_no", "package line", "int"),
            Column("item", "item"),
            Column("quantity", "quantity", "int"),
            Column("unit_price", f"unit price ({currency})", "money"),
        ],
        data["contracts"],
    )

"""Reports: the funnel per funder and the trace of a package to the pledges that paid."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text
from rich.tree import Tree

from ..domain.values import parse_date, today_utc
from .app import JSON, app, state
from .lazy import lazy
from .render import console, emit_json, money, table

if TYPE_CHECKING:
    from ..engines.interchange import report_files
    from ..services.interchange import kiel
    from ..services.reads import lateness, report_sheets, reports
else:
    report_files = lazy("supplyline.engines.interchange.report_files")
    report_sheets = lazy("supplyline.services.reads.report_sheets")
    kiel = lazy("supplyline.services.interchange.kiel")
    lateness = lazy("supplyline.services.reads.lateness")
    reports = lazy("supplyline.services.reads.reports")

report = typer.Typer(no_args_is_help=True, help="Reports on where the money went.")
app.add_typer(report, name="report")


def print_funnel(data: Mapping[str, Any]) -> None:
    cur = data["currency"]
    rows = [*data["funders"], {"name": "TOTAL", **data["total"]}]
    table(
        f"funnel per funder ({cur}, converted at dated rates)",
        [{**r, **{k: money(r[k]) for k in ("pledged", "allocated", "contracted", "delivered")}} for r in rows],
        [
            ("name", "funder"),
            ("pledged", "pledged"),
            ("allocated", "allocated"),
            ("contracted", "contracted"),
            ("delivered", "delivered"),
        ],
        numeric=("pledged", "allocated", "contracted", "delivered"),
    )
    if data["rates_used"]:
        console.print(
            "rates used: " + "; ".join(f"{r['date']} {r['from']}→{r['to']} {r['rate']}" for r in data["rates_used"])
        )
    print_unconverted(data)


def print_unconverted(data: Mapping[str, Any]) -> None:
    """Figures left out of the totals because no recorded rate converts them."""
    for u in data.get("unconverted", []):
        who = u.get("funder") or u.get("donor") or ""
        console.print(
            f"not converted: {u['what']} {who} {money(u['amount'], u['currency'])} on {u['on']} "
            f"(no rate {u['missing_rate']})",
            markup=False,
        )


def print_trace(data: Mapping[str, Any]) -> None:
    pkg = data["package"]
    root = Tree(f"[bold]package {pkg['id']}[/] — {pkg['title']} ({pkg['mechanism']}, {pkg['state']})")
    for flag in data.get("open_findings", ()):
        root.add(f"[red]open audit findings[/]: {flag['open']} on {flag['record']} (`report findings --open`)")
    for step in data.get("approvals", ()):
        root.add(Text(f"{step['on']}: {step['step']} — {step['party']} {step['verdict']}"))
    if not data["delivered"]:
        root.add("nothing delivered yet")
    for d in data["delivered"]:
        node = root.add(
            f"[bold]{d['received']}[/] × {d['item']} received {d['received_on']} (shipment {d['shipment_id']}, "
            f"shipped {d['shipped']}{', ' + str(d['discrepancy']) + ' short: ' + d['note'] if d['discrepancy'] else ''}) "
            f"= {money(d['value'], d['currency'])}"
        )
        for lot in d["lots"]:
            q = lot["quality"]
            node.add(
                f"lot {lot['lot_id']}: {lot['quantity']} from facility {lot['facility_id']} (order {lot['order_id']}, "
                f"produced {lot['produced_on']}; quality control {q['inspected_on']}: {q['accepted']} accepted, "
                f"{q['rejected']} rejected{': ' + q['reason'] if q['rejected'] else ''})"
            )
        if d.get("serials"):
            s = d["serials"]
            node.add(
                f"serial-numbered (end-use monitoring): manifest {s['manifest']}, root {s['root'][:16]}… in the log"
            )
        c = d["contract"]
        contract = node.add(
            f"contract {c['id']} line {c['line_no']} at {money(c['unit_price'], d['currency'])} per unit"
        )
        _print_changes(contract, c.get("amendments", ()), d["currency"])
        line = d["package_line"]
        pline = contract.add(f"package {pkg['id']} line {line['line_no']} (requirement {line['requirement_id']})")
        for share in d["paid_by"]:
            pline.add(
                f"pledge {share['pledge_id']} of {share['funder']}: {money(share['amount'], share['currency'])}"
                + (
                    f" = {money(share['pledge_amount'], share['pledge_currency'])}"
                    if share["pledge_currency"] != share["currency"]
                    else ""
                )
            )
        for paid in d.get("payments", ()):
            seller = (
                f" ({money(paid['seller_amount'], paid['seller_currency'])})"
                if paid["seller_currency"] and paid["seller_currency"] != paid["currency"]
                else ""
            )
            node.add(
                f"{PAYMENT_WORDS[paid['stage']]} {paid['on']}: {money(paid['amount'], paid['currency'])}{seller} "
                f"of {paid['funder']}" + (f", {paid['reference']}" if paid["reference"] else "")
            )
    console.print(root)


def _print_changes(node: Tree, changes: Any, currency: str) -> None:
    """Each change to the contract line, the signed terms first (issue 15 item 4)."""
    for a in changes:
        price = (
            f"{money(a['old_unit_price'], currency)} → {money(a['new_unit_price'], currency)}"
            if a["old_unit_price"] != a["new_unit_price"]
            else ""
        )
        quantity = f"{a['old_quantity']} → {a['new_quantity']} units" if a["old_quantity"] != a["new_quantity"] else ""
        terms = ", ".join(x for x in (price, quantity) if x) or "terms withheld"
        said = f" — {a['description']}" if a["description"] else ""
        # plain text: a description is the parties' words, never rich markup
        node.add(
            Text(f"{a['kind']} {a['amendment_id']} ({a['rationale']}, {a['state']}, {a['proposed_on']}): {terms}{said}")
        )


PAYMENT_WORDS = {
    "paid_in": "paid in to the account",
    "transferred": "transferred to the seller",
    "expended": "paid to the supplier",
}

OUT = typer.Option(
    None, "--out", help="also write the report to this file: .csv or .xlsx (typed number and date cells)"
)


def write_out(out: Path | None, sheets: list) -> None:
    if out is None:
        return
    for written in report_files.write_report(out, sheets):
        console.print(f"written: {written}")


@report.command("funnel")
def funnel(
    ctx: typer.Context,
    currency: str = typer.Option("EUR", "--currency", help="reporting currency"),
    compare_kiel: bool = typer.Option(
        False, "--compare-kiel", help="add the Kiel tracker's military allocations per donor"
    ),
    kiel_release: str | None = typer.Option(
        None, "--kiel-release", help="Kiel release to compare with (default: latest)"
    ),
    out: Path | None = OUT,
    as_json: bool = JSON,
) -> None:
    """Per funder: pledged, allocated, contracted, delivered."""
    if out is not None:
        report_files.report_format(out)
    with state(ctx).reader().read() as conn:
        data = kiel.funnel_compared(conn, currency, compare=compare_kiel, release=kiel_release)
    emit_json(data) if as_json else print_funnel(data)
    if compare_kiel and not as_json:
        print_kiel(data["kiel"])
    write_out(out, report_sheets.funnel_sheets(data))


@report.command("trace")
def trace(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    out: Path | None = OUT,
    as_json: bool = JSON,
) -> None:
    """Every delivered line → contract → package → the pledges that paid for it."""
    if out is not None:
        report_files.report_format(out)
    with state(ctx).reader().read() as conn:
        data = reports.trace(conn, package_id)
    emit_json(data) if as_json else print_trace(data)
    write_out(out, report_sheets.trace_sheets(data))


def print_kiel(data: Mapping[str, Any]) -> None:
    cur = data["currency"]
    purl = data.get("purl")
    if purl is None:
        console.print(f"Kiel release {data['release']} has no PURL series (import it with procurement_trends.csv)")
    else:
        figures = ("pledged_purl", "kiel_purl", "difference")
        table(
            f"PURL: supplyline's PURL pledges and the tracker's NATO PURL series, {data['since']} to "
            f"{data['until']} ({cur})",
            [
                {**r, **{k: money(r[k]) for k in figures}}
                for r in [*purl["months"], {"month": "TOTAL", **purl["total"]}]
            ],
            [
                ("month", "month"),
                ("pledged_purl", "PURL pledged (supplyline)"),
                ("kiel_purl", "PURL (Kiel)"),
                ("difference", "difference"),
            ],
            numeric=figures,
        )
        console.print(f"source: {purl['source']}", markup=False)
    rows = [*data["donors"], {"donor": "TOTAL", "name": "", **data["total"]}]
    table(
        f"Context: all supplyline pledges and Kiel release {data['release']} military allocations, {data['since']} to "
        f"{data['until']} ({cur})",
        [{**r, **{k: money(r[k]) for k in ("pledged", "kiel_military")}} for r in rows],
        [
            ("donor", "donor"),
            ("name", "name"),
            ("pledged", "pledged, all mechanisms (supplyline)"),
            ("kiel_military", "military allocations (Kiel)"),
        ],
        numeric=("pledged", "kiel_military"),
    )
    console.print(data["context"], markup=False)
    if data["funders_without_country"]:
        console.print("funders without a country (not compared): " + ", ".join(data["funders_without_country"]))


def _who(row: dict) -> str:
    must = row["must_act"]
    return f"{must['role']}: {', '.join(must['parties'])}" if must["parties"] else must["role"]


def print_late(data: Mapping[str, Any]) -> None:
    for key, title, ident in [
        ("schedule_entries", "Late deliveries (contract schedule)", "contract_id"),
        ("orders", "Late production orders", "order_id"),
        ("requirements", "Requirements past their needed-by date", "requirement_id"),
    ]:
        rows = [{**r, "who": _who(r), "id": r[ident] + (f" #{r['entry']}" if "entry" in r else "")} for r in data[key]]
        table(
            f"{title} as of {data['as_of']}",
            rows,
            [
                ("id", "record"),
                ("item", "item"),
                ("due" if key != "requirements" else "needed_by", "due"),
                ("short", "short"),
                ("months_late", "months late"),
                ("days_late", "days late"),
                ("who", "must act"),
            ],
            numeric=("short", "months_late", "days_late"),
        )
    table(
        f"Shipments past their expected arrival as of {data['as_of']}",
        [{**r, "who": _who(r)} for r in data["shipments"]],
        [
            ("shipment_id", "shipment"),
            ("contract_id", "contract"),
            ("shipped_on", "shipped"),
            ("expected_arrival", "expected"),
            ("months_late", "months late"),
            ("days_late", "days late"),
            ("who", "must act"),
        ],
        numeric=("months_late", "days_late"),
    )
    rows = [{**r, "who": _who(r)} for r in data["packages"]]
    table(
        f"Packages waiting on a decision as of {data['as_of']}",
        rows,
        [
            ("package_id", "package"),
            ("waiting_since", "since"),
            ("months_waiting", "months"),
            ("days_waiting", "days"),
            ("who", "must act"),
        ],
        numeric=("months_waiting", "days_waiting"),
    )


@report.command("late")
def late(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="the day to measure against (default: today, UTC)"),
    as_json: bool = JSON,
) -> None:
    """What is late or waiting on a decision, how late, and who must act."""
    day = parse_date("as_of", as_of) if as_of else today_utc()
    with state(ctx).reader().read() as conn:
        data = lateness.late(conn, day)
    emit_json(data) if as_json else print_late(data)

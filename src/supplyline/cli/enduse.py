"""End-use monitoring: serial rules, sites, checks, dispositions, the compliance report,
one serial's history and its inclusion proof (issue 16; docs/end-use.md)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..domain.access import Principal, parse_role
from ..domain.values import parse_date, today_utc
from .app import JSON, state
from .common import DISCLOSE, send, show_record, sub_app
from .lazy import lazy
from .render import console, emit_json, table
from .reports import report

if TYPE_CHECKING:
    from ..engines.interchange import serial_files
    from ..services.end_use import enduse, enduse_report, enduse_views, serial_history
else:
    serial_files = lazy("supplyline.engines.interchange.serial_files")
    enduse_report = lazy("supplyline.services.end_use.enduse_report")
    enduse_views = lazy("supplyline.services.end_use.enduse_views")
    enduse = lazy("supplyline.services.end_use.enduse")
    serial_history = lazy("supplyline.services.end_use.serial_history")

serials = sub_app("serials", "Which lines carry serial numbers, and the inventory deadlines.")
site = sub_app("site", "The recipient's sites: its own codes for depots and stores, never coordinates.")
check = sub_app("check", "Checks: end-use checks of serials (record), and of the ledger's figures (money).")
disposal = sub_app("disposition", "Final dispositions of serial-numbered items, with their evidence.")
serial = sub_app("serial", "One serial's history, and the proof that the signed log lists it.")


@serials.command("require")
def serials_require(
    ctx: typer.Context,
    category: str | None = typer.Option(None, "--category"),
    requirement: str | None = typer.Option(None, "--requirement", help="one requirement line"),
    lift: bool = typer.Option(False, "--not", help="no longer require them"),
    as_json: bool = JSON,
) -> None:
    send(ctx, enduse.RequireSerials(category=category, requirement=requirement, required=not lift), as_json=as_json)


@serials.command("deadlines")
def serials_deadlines(
    ctx: typer.Context,
    initial_days: str = typer.Option("90", "--initial-days", help="initial inventory within N days of receipt"),
    interval_days: str = typer.Option("365", "--interval-days", help="then at most N days between inventories"),
    as_json: bool = JSON,
) -> None:
    send(ctx, enduse.SetInventoryRules(initial_days=initial_days, interval_days=interval_days), as_json=as_json)


@site.command("register")
def site_register(
    ctx: typer.Context,
    code: str = typer.Option(..., "--code", help="your own code for the site (never coordinates)"),
    name: str = typer.Option(..., "--name"),
    party: str | None = typer.Option(None, "--party", help="default: the acting party"),
    site_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    cmd = enduse.RegisterSite(code=code, name=name, party=party, id=site_id, disclosure=tuple(disclose))
    send(ctx, cmd, as_json=as_json)


@check.command("record")
def check_record(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--kind", help="initial | annual | physical_security"),
    checked_on: str = typer.Option(..., "--on"),
    site_code: str = typer.Option(..., "--site", help="the site's code or id"),
    serial_file: Path = typer.Option(..., "--serials", help="CSV/XLSX/scanner export of the serials sighted"),
    check_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    serials = tuple(serial_files.read_serials(serial_file))
    cmd = enduse.RecordCheck(kind=kind, checked_on=checked_on, site=site_code, serials=serials, id=check_id)
    send(ctx, cmd, as_json=as_json)


_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


@disposal.command("record")
def disposition_record(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--kind", help="expended | destroyed | lost | stolen | transferred"),
    disposed_on: str = typer.Option(..., "--on"),
    serial_file: Path = typer.Option(..., "--serials"),
    evidence: str = typer.Option(
        ..., "--evidence", help="the evidence document (its SHA-256 is recorded) or its SHA-256"
    ),
    authorisation: str = typer.Option("", "--authorisation", help="the authorisation reference (transfers)"),
    note: str = typer.Option("", "--note"),
    disposition_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    digest = evidence if _HEX.match(evidence) else _sha256_of(Path(evidence))
    cmd = enduse.RecordDisposition(
        kind=kind,
        disposed_on=disposed_on,
        serials=tuple(serial_files.read_serials(serial_file)),
        evidence_sha256=digest,
        authorisation=authorisation,
        note=note,
        id=disposition_id,
    )
    send(ctx, cmd, as_json=as_json)


def _sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        from ..domain.errors import InvalidInput

        raise InvalidInput(
            "evidence", str(path), f"is neither a SHA-256 nor a readable file ({exc.strerror})"
        ) from None


@report.command("end-use")
def report_end_use(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="default: today (UTC)"),
    category: str | None = typer.Option(None, "--category"),
    site_code: str | None = typer.Option(None, "--site", help="a site's code or id"),
    package: str | None = typer.Option(None, "--package"),
    party: str | None = typer.Option(None, "--for", help="show what this party sees (with --role)"),
    role: str = typer.Option("auditor", "--role", help="the role to show it for (default: auditor, everything)"),
    as_json: bool = JSON,
) -> None:
    day = parse_date("as_of", as_of) if as_of else today_utc()
    viewer = (
        Principal(party, "public") if role == "public" else Principal(party or "operator", parse_role("role", role))
    )
    with state(ctx).reader().read() as conn:
        site_id = enduse.find_site(conn, site_code) if site_code else None
        data = enduse_views.end_use_report(conn, viewer, day, enduse_report.Filters(category, site_id, package))
    if as_json:
        emit_json(data)
        return
    print_end_use(data)


def print_end_use(data: Mapping[str, Any]) -> None:
    if "public" in data:
        table(
            f"end-use compliance as of {data['as_of']} (share not delinquent)",
            data["public"],
            [("month", "month"), ("category", "category"), ("compliant_pct", "compliant %")],
        )
        return
    o = data["overall"]
    console.print(
        f"end-use compliance as of {data['as_of']}: {o['total']} items, {o['items']['overdue']} overdue "
        f"({o['delinquent_pct'] or '0'} % delinquent), {o['items']['done']} inventoried, {o['items']['due']} due, "
        f"{o['items']['disposed']} disposed",
        markup=False,
    )
    for dimension in ("category", "site", "package", "funder"):
        rows = data.get(f"by_{dimension}")
        if rows:
            table(
                f"by {dimension}",
                [{**r, **{s: r["items"][s] for s in r["items"]}} for r in rows],
                [
                    (dimension, dimension),
                    ("total", "items"),
                    ("due", "due"),
                    ("done", "done"),
                    ("overdue", "overdue"),
                    ("disposed", "disposed"),
                    ("delinquent_pct", "delinquent %"),
                ],
                numeric=("total", "due", "done", "overdue", "disposed", "delinquent_pct"),
            )
    if data.get("overdue_serials"):
        table(
            "overdue serials",
            data["overdue_serials"],
            [
                ("serial", "serial"),
                ("package_id", "package"),
                ("category", "category"),
                ("site_id", "site"),
                ("received_on", "received"),
                ("inventoried_on", "last inventory"),
            ],
        )


@serial.command("show")
def serial_show(ctx: typer.Context, number: str = typer.Argument(..., metavar="SERIAL"), as_json: bool = JSON) -> None:
    data = show_record(ctx, lambda c: serial_history.history(c, number), as_json, f"serial {number}")
    if not as_json:
        table("history", data["history"], [("on", "on"), ("what", "what"), ("record", "record"), ("site_id", "site")])


@serial.command("prove")
def serial_prove(
    ctx: typer.Context,
    number: str = typer.Argument(..., metavar="SERIAL"),
    manifest: str | None = typer.Option(None, "--manifest", help="default: the shipment line that carried it"),
    out: Path | None = typer.Option(None, "--out", help="write the proof here (default: print it)"),
) -> None:
    """The serial's audit path to its manifest's root, with the inclusion proof of the event
    that states the root: `supplyline audit serial FILE` checks it without the database."""
    proof = serial_history.proof_file(state(ctx).store(), number, manifest)
    if out is None:
        emit_json(proof)
    else:
        out.write_text(json.dumps(proof, indent=2) + "\n")
        console.print(f"wrote {out}", markup=False)

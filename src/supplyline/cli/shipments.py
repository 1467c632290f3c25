"""Shipments against contract lines and their receipt."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..domain.schedule import RESCHEDULE_REASONS
from ..domain.values import parse_int
from .app import JSON
from .common import DISCLOSE, list_rows, send, sub_app
from .lazy import lazy
from .render import split_spec

if TYPE_CHECKING:
    from ..domain import shipment as shipped
    from ..engines.interchange import serial_files
    from ..services.reads import queries
    from ..services.records import shipments
else:
    shipped = lazy("supplyline.domain.shipment")
    serial_files = lazy("supplyline.engines.interchange.serial_files")
    queries = lazy("supplyline.services.reads.queries")
    shipments = lazy("supplyline.services.records.shipments")

shipment = sub_app("shipment", "Shipments against contract lines and their receipt.")


@shipment.command("send")
def shipment_send(
    ctx: typer.Context,
    contract_id: str = typer.Option(..., "--contract"),
    shipped_on: str = typer.Option(..., "--shipped-on"),
    line: list[str] = typer.Option(..., "--line", help="CONTRACT_LINE:QUANTITY[@LOT=QTY,LOT=QTY] (repeatable)"),
    shipment_id: str | None = typer.Option(None, "--id"),
    serial_file: Path | None = typer.Option(
        None, "--serials", help="CSV/XLSX/scanner export: one serial per unit of the lines that require them"
    ),
    expected_arrival: str | None = typer.Option(None, "--expected-arrival", help="the day it should arrive"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    lines = []
    for i, text in enumerate(line, 1):
        head, _, lot_text = text.partition("@")
        line_no, quantity = split_spec(f"line[{i}]", head, 2)
        lots = tuple(tuple(split_spec(f"line[{i}].lots", part, 2, sep="=")) for part in lot_text.split(",") if part)
        lines.append(shipped.ShippedLine(line_no, quantity, lots))  # type: ignore[arg-type]  # the domain parses the text
    serials = tuple(serial_files.read_serials(serial_file)) if serial_file else ()
    cmd = shipments.Dispatch(
        contract_id=contract_id,
        shipped_on=shipped_on,
        lines=tuple(lines),
        id=shipment_id,
        disclosure=tuple(disclose),
        serials=serials,
        expected_arrival=expected_arrival,
    )
    send(ctx, cmd, as_json=as_json)


@shipment.command("receive")
def shipment_receive(
    ctx: typer.Context,
    shipment_id: str = typer.Argument(..., metavar="SHIPMENT"),
    received_on: str = typer.Option(..., "--received-on"),
    line: list[str] = typer.Option([], "--line", help="CONTRACT_LINE:QUANTITY_RECEIVED (default: all shipped)"),
    note: str = typer.Option("", "--note", help="discrepancy note (required when fewer arrived)"),
    missing: Path | None = typer.Option(None, "--missing", help="serials that did not arrive (serialised lines)"),
    damaged: Path | None = typer.Option(None, "--damaged", help="serials that arrived damaged"),
    site_code: str | None = typer.Option(None, "--site", help="the site that took serialised items in"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    quantities = {}
    for i, text in enumerate(line, 1):
        line_no, quantity = split_spec(f"line[{i}]", text, 2)
        quantities[parse_int(f"line[{i}]", line_no, minimum=1)] = quantity
    cmd = shipments.Receive(
        shipment_id=shipment_id,
        received_on=received_on,
        quantities=quantities or None,
        note=note,
        disclosure=tuple(disclose),
        missing=tuple(serial_files.read_serials(missing)) if missing else (),
        damaged=tuple(serial_files.read_serials(damaged)) if damaged else (),
        site=site_code,
    )
    send(ctx, cmd, as_json=as_json)


@shipment.command("lost")
def shipment_lost(
    ctx: typer.Context,
    shipment_id: str = typer.Argument(..., metavar="SHIPMENT"),
    reason: str = typer.Option(..., "--reason"),
    on: str = typer.Option(..., "--on"),
    as_json: bool = JSON,
) -> None:
    send(ctx, shipments.ReportLost(shipment_id=shipment_id, reason=reason, on=on), as_json=as_json)


@shipment.command("expect")
def shipment_expect(
    ctx: typer.Context,
    shipment_id: str = typer.Argument(..., metavar="SHIPMENT"),
    arrival: str = typer.Option(..., "--arrival", help="the new day it should arrive"),
    reason: str = typer.Option(..., "--reason", help=f"one of: {', '.join(RESCHEDULE_REASONS)}"),
    on: str | None = typer.Option(None, "--on", help="when it was decided (default: today)"),
    as_json: bool = JSON,
) -> None:
    """Move the day a shipment on its way should arrive (the old day stays in its history)."""
    cmd = shipments.ExpectArrival(shipment_id=shipment_id, expected_arrival=arrival, reason=reason, on=on)
    send(ctx, cmd, as_json=as_json)


@shipment.command("list")
def shipmentlist_rows(
    ctx: typer.Context, contract_id: str | None = typer.Option(None, "--contract"), as_json: bool = JSON
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_shipments(c, contract_id=contract_id),
        as_json,
        "shipments",
        [
            ("id", "id"),
            ("contract_id", "contract"),
            ("shipped_on", "shipped"),
            ("expected_arrival", "expected"),
            ("received_on", "received"),
            ("lines", "lines"),
            ("state", "state"),
            ("note", "note"),
        ],
    )

"""Custody legs: hand serials over from one site to another, and confirm what arrived
(issue 16 item 2; docs/end-use.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import send, sub_app
from .lazy import lazy

if TYPE_CHECKING:
    from ..engines.interchange import serial_files
    from ..services.end_use import custody as service
else:
    serial_files = lazy("supplyline.engines.interchange.serial_files")
    service = lazy("supplyline.services.end_use.custody")

custody = sub_app("custody", "Custody legs: site to site, confirmed by the receiving party with its discrepancies.")


@custody.command("hand-over")
def custody_hand_over(
    ctx: typer.Context,
    from_site: str | None = typer.Option(
        None, "--from-site", help="your site's code or id; none: the serials of your dispatch, still in transit"
    ),
    to_site: str = typer.Option(..., "--to-site"),
    handed_on: str = typer.Option(..., "--on"),
    serial_file: Path = typer.Option(..., "--serials", help="CSV/XLSX/scanner export of the serials handed over"),
    handover_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    cmd = service.HandOver(
        from_site=from_site,
        to_site=to_site,
        handed_on=handed_on,
        serials=tuple(serial_files.read_serials(serial_file)),
        id=handover_id,
    )
    send(ctx, cmd, as_json=as_json)


@custody.command("confirm")
def custody_confirm(
    ctx: typer.Context,
    handover_id: str = typer.Argument(..., metavar="HANDOVER"),
    confirmed_on: str = typer.Option(..., "--on"),
    missing: Path | None = typer.Option(None, "--missing", help="listed serials that did not arrive"),
    damaged: Path | None = typer.Option(None, "--damaged", help="listed serials that arrived damaged"),
    extra: Path | None = typer.Option(None, "--extra", help="serials that arrived without being listed"),
    as_json: bool = JSON,
) -> None:
    def rows(path: Path | None) -> tuple:
        return tuple(serial_files.read_serials(path)) if path else ()

    cmd = service.ConfirmHandover(
        handover_id=handover_id,
        confirmed_on=confirmed_on,
        missing=rows(missing),
        damaged=rows(damaged),
        extra=rows(extra),
    )
    send(ctx, cmd, as_json=as_json)

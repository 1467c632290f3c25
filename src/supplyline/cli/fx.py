"""Dated FX reference rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import list_rows, send, sub_app
from .lazy import lazy
from .render import split_spec

if TYPE_CHECKING:
    from ..services.reads import queries
    from ..services.records import parties
else:
    queries = lazy("supplyline.services.reads.queries")
    parties = lazy("supplyline.services.records.parties")

fx = sub_app("fx", "Dated FX reference rates (units per EUR, as the ECB publishes them).")


@fx.command("add")
def fx_add(
    ctx: typer.Context,
    day: str = typer.Argument(..., metavar="DATE"),
    rate: list[str] = typer.Option(..., "--rate", help="CUR=units per EUR, e.g. USD=1.1568 (repeatable)"),
    source: str = typer.Option("ECB", "--source"),
    as_json: bool = JSON,
) -> None:
    """Record the reference rates of one day."""
    rates = {}
    for text in rate:
        code, value = split_spec("rate", text, 2, sep="=")
        rates[code.strip()] = value.strip()
    send(ctx, parties.RecordRates(day=day, rates=rates, source=source), as_json=as_json)


@fx.command("list")
def fxlist_rows(
    ctx: typer.Context, currency: str | None = typer.Option(None, "--currency"), as_json: bool = JSON
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_fx(c, currency=currency),
        as_json,
        "FX rates (units per EUR)",
        [("day", "date"), ("currency", "currency"), ("per_eur", "per EUR"), ("source", "source")],
        numeric=("per_eur",),
    )

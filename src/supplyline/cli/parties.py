"""Parties: governments, organisations and companies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import list_rows, send, sub_app
from .lazy import lazy

if TYPE_CHECKING:
    from ..services.reads import queries
    from ..services.records import parties
else:
    queries = lazy("supplyline.services.reads.queries")
    parties = lazy("supplyline.services.records.parties")

party = sub_app("party", "Governments, organisations and companies.")


@party.command("add")
def party_add(
    ctx: typer.Context,
    party_id: str = typer.Argument(..., metavar="ID"),
    name: str = typer.Option(..., "--name"),
    kind: str = typer.Option(..., "--kind", help="government | organisation | company"),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 code (UA, US, NLD…)"),
    as_json: bool = JSON,
) -> None:
    """Register a party."""
    cmd = parties.RegisterParty(id=party_id, name=name, kind=kind, country=country)
    send(ctx, cmd, as_json=as_json)


@party.command("list")
def partylist_rows(ctx: typer.Context, as_json: bool = JSON) -> None:
    list_rows(
        ctx,
        queries.list_parties,
        as_json,
        "parties",
        [("id", "id"), ("name", "name"), ("kind", "kind"), ("country", "country")],
    )

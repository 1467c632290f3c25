"""Pledges of money and their allocation to package lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import DISCLOSE, list_rows, send, show_record, sub_app
from .lazy import lazy
from .render import table

if TYPE_CHECKING:
    from ..services.reads import queries
    from ..services.records import funding
else:
    queries = lazy("supplyline.services.reads.queries")
    funding = lazy("supplyline.services.records.funding")

pledge = sub_app("pledge", "Pledges of money, and their allocation to package lines.")


@pledge.command("announce")
def pledge_announce(
    ctx: typer.Context,
    funder: str = typer.Option(..., "--funder"),
    amount: str = typer.Option(..., "--amount"),
    currency: str = typer.Option(..., "--currency"),
    pledged_on: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    mechanism: str = typer.Option(..., "--mechanism", help="purl | drone_deal | bilateral"),
    category: list[str] = typer.Option([], "--category", help="earmark: only this category (repeatable)"),
    origin: list[str] = typer.Option([], "--origin", help="earmark: only equipment made here (repeatable)"),
    valid_from: str | None = typer.Option(None, "--valid-from"),
    valid_until: str | None = typer.Option(None, "--valid-until"),
    note: str = typer.Option("", "--note"),
    commit: bool = typer.Option(False, "--commit", help="also record it as committed"),
    pledge_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Announce a pledge."""
    cmd = funding.AnnouncePledge(
        funder=funder,
        amount=amount,
        currency=currency,
        pledged_on=pledged_on,
        mechanism=mechanism,
        categories=tuple(category),
        origins=tuple(origin),
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        id=pledge_id,
        commit=commit,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@pledge.command("commit")
def pledge_commit(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="ID"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    send(ctx, funding.CommitPledge(pledge_id=pledge_id, on=on), as_json=as_json)


@pledge.command("expire")
def pledge_expire(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="ID"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    """Expire a pledge whose validity window has closed."""
    send(ctx, funding.ExpirePledge(pledge_id=pledge_id, on=on), as_json=as_json)


@pledge.command("allocate")
def pledge_allocate(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="PLEDGE"),
    package_id: str = typer.Option(..., "--package"),
    line: str = typer.Option(..., "--line"),
    amount: str = typer.Option(..., "--amount"),
    currency: str | None = typer.Option(None, "--currency", help="the pledge's (default) or the package's currency"),
    on: str | None = typer.Option(None, "--on", help="allocation date (default today, UTC)"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Assign part of a pledge to a package line."""
    cmd = funding.Allocate(
        pledge_id=pledge_id,
        package_id=package_id,
        line_no=line,
        amount=amount,
        currency=currency,
        on=on,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@pledge.command("list")
def pledgelist_rows(
    ctx: typer.Context,
    funder: str | None = typer.Option(None, "--funder"),
    state_: str | None = typer.Option(None, "--state"),
    as_json: bool = JSON,
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_pledges(c, funder=funder, state=state_),
        as_json,
        "pledges",
        [
            ("id", "id"),
            ("funder", "funder"),
            ("pledged_on", "date"),
            ("mechanism", "mechanism"),
            ("amount", "amount"),
            ("allocated", "allocated"),
            ("remaining", "remaining"),
            ("amount_currency", "cur"),
            ("categories", "earmarks"),
            ("state", "state"),
        ],
        numeric=("amount", "allocated", "remaining"),
    )


@pledge.command("show")
def pledgeshow_record(
    ctx: typer.Context, pledge_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    data = show_record(ctx, lambda c: queries.pledge(c, pledge_id), as_json, f"pledge {pledge_id}")
    if not as_json:
        table(
            "allocations",
            data["allocations"],
            [
                ("id", "id"),
                ("package_id", "package"),
                ("line_no", "line"),
                ("amount", "amount"),
                ("amount_currency", "cur"),
                ("line_amount", "line amount"),
                ("line_amount_currency", "cur"),
                ("fx_rate", "rate"),
                ("fx_date", "rate date"),
                ("allocated_on", "on"),
            ],
            numeric=("amount", "line_amount"),
        )

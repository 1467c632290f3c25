"""The recipient's prioritised requirements list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import list_rows, send, show_record, sub_app
from .lazy import lazy

if TYPE_CHECKING:
    from ..services.reads import queries
    from ..services.records import requirements
else:
    queries = lazy("supplyline.services.reads.queries")
    requirements = lazy("supplyline.services.records.requirements")

requirement = sub_app("requirement", "The recipient's prioritised requirements list.")


@requirement.command("add")
def requirement_add(
    ctx: typer.Context,
    recipient: str = typer.Option(..., "--recipient"),
    month: str = typer.Option(..., "--month", help="list version, YYYY-MM"),
    priority: str = typer.Option(..., "--priority", help="tier 1 (most urgent) to 5"),
    rank: str = typer.Option(..., "--rank", help="position in the list"),
    item: str = typer.Option(..., "--item"),
    category: str = typer.Option(..., "--category"),
    quantity: str = typer.Option(..., "--quantity"),
    unit: str = typer.Option(..., "--unit"),
    unit_price: str = typer.Option(..., "--unit-price", help="estimated unit price"),
    currency: str = typer.Option(..., "--currency"),
    origin: str = typer.Option("any", "--origin", help="allowed origin: any, EU or a country code"),
    min_lot: str = typer.Option("1", "--min-lot"),
    whole_only: bool = typer.Option(False, "--whole-only", help="useful only if the whole quantity is funded"),
    needed_by: str | None = typer.Option(None, "--needed-by"),
    note: str = typer.Option("", "--note"),
    requirement_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    """Draft a requirement line."""
    cmd = requirements.DraftRequirement(
        recipient=recipient,
        list_month=month,
        priority=priority,
        rank=rank,
        item=item,
        category=category,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        currency=currency,
        origin=origin,
        min_lot=min_lot,
        whole_only=whole_only,
        needed_by=needed_by,
        note=note,
        id=requirement_id,
    )
    send(ctx, cmd, as_json=as_json)


@requirement.command("submit")
def requirement_submit(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    send(ctx, requirements.SubmitRequirement(requirement_id=requirement_id), as_json=as_json)


@requirement.command("validate")
def requirement_validate(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    send(ctx, requirements.ValidateRequirement(requirement_id=requirement_id), as_json=as_json)


@requirement.command("withdraw")
def requirement_withdraw(
    ctx: typer.Context,
    requirement_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on", help="the day its packages' money goes back (default: today)"),
    as_json: bool = JSON,
) -> None:
    send(ctx, requirements.WithdrawRequirement(requirement_id=requirement_id, reason=reason, on=on), as_json=as_json)


@requirement.command("reprioritise")
def requirement_reprioritise(
    ctx: typer.Context,
    requirement_id: str = typer.Argument(..., metavar="ID"),
    month: str = typer.Option(..., "--month"),
    priority: str = typer.Option(..., "--priority"),
    rank: str = typer.Option(..., "--rank"),
    as_json: bool = JSON,
) -> None:
    """Re-rank a line in a new monthly version of the list."""
    cmd = requirements.Reprioritise(requirement_id=requirement_id, list_month=month, priority=priority, rank=rank)
    send(ctx, cmd, as_json=as_json)


@requirement.command("list")
def requirementlist_rows(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="the list as ranked in this month (YYYY-MM)"),
    state_: str | None = typer.Option(None, "--state"),
    category: str | None = typer.Option(None, "--category"),
    as_json: bool = JSON,
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_requirements(c, month=month, state=state_, category=category),
        as_json,
        "prioritised requirements",
        [
            ("priority", "tier"),
            ("rank", "rank"),
            ("id", "id"),
            ("item", "item"),
            ("category", "category"),
            ("quantity", "qty"),
            ("funded_quantity", "funded"),
            ("delivered_quantity", "delivered"),
            ("unit_price", "unit price"),
            ("unit_price_currency", "cur"),
            ("origin", "origin"),
            ("state", "state"),
        ],
        numeric=("quantity", "funded_quantity", "delivered_quantity", "unit_price"),
    )


@requirement.command("show")
def requirementshow_record(
    ctx: typer.Context, requirement_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    show_record(ctx, lambda c: queries.requirement(c, requirement_id), as_json, f"requirement {requirement_id}")

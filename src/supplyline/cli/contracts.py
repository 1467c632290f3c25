"""Contracts with suppliers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..domain.schedule import RESCHEDULE_REASONS
from .app import JSON
from .common import DISCLOSE, list_rows, send, show_record, sub_app
from .lazy import lazy
from .render import split_spec, table

if TYPE_CHECKING:
    from ..domain import contract as contract_terms
    from ..services.reads import queries
    from ..services.records import contracts
else:
    contract_terms = lazy("supplyline.domain.contract")
    queries = lazy("supplyline.services.reads.queries")
    contracts = lazy("supplyline.services.records.contracts")

contract = sub_app("contract", "Contracts with suppliers (the Drone Deal's purchase agreement is one).")


@contract.command("sign")
def contract_sign(
    ctx: typer.Context,
    package_id: str = typer.Option(..., "--package"),
    buyer: str = typer.Option(..., "--buyer"),
    supplier: str = typer.Option(..., "--supplier"),
    kind: str = typer.Option("purchase", "--kind", help="purchase | stock_draw | purchase_agreement"),
    signed_on: str = typer.Option(..., "--signed-on"),
    line: list[str] = typer.Option(..., "--line", help="PACKAGE_LINE:QUANTITY[:UNIT_PRICE] (repeatable)"),
    due: list[str] = typer.Option([], "--due", help="CONTRACT_LINE:DATE:QUANTITY delivery schedule (repeatable)"),
    contract_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    lines = tuple(
        contract_terms.LineTerms(*split_spec(f"line[{i}]", text, 3, optional=1)) for i, text in enumerate(line, 1)
    )
    schedule = tuple(contract_terms.DeliveryTerms(*split_spec(f"due[{i}]", text, 3)) for i, text in enumerate(due, 1))
    cmd = contracts.SignContract(
        package_id=package_id,
        buyer=buyer,
        supplier=supplier,
        kind=kind,
        signed_on=signed_on,
        lines=lines,
        schedule=schedule,
        id=contract_id,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@contract.command("list")
def contractlist_rows(
    ctx: typer.Context, package_id: str | None = typer.Option(None, "--package"), as_json: bool = JSON
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_contracts(c, package_id=package_id),
        as_json,
        "contracts",
        [
            ("id", "id"),
            ("package_id", "package"),
            ("buyer", "buyer"),
            ("supplier", "supplier"),
            ("kind", "kind"),
            ("signed_on", "signed"),
            ("currency", "cur"),
        ],
    )


@contract.command("show")
def contractshow_record(
    ctx: typer.Context, contract_id: str = typer.Argument(..., metavar="ID"), as_json: bool = JSON
) -> None:
    data = show_record(ctx, lambda c: queries.contract(c, contract_id), as_json, f"contract {contract_id}")
    if not as_json:
        table(
            "lines",
            data["lines"],
            [
                ("line_no", "line"),
                ("package_line_no", "package line"),
                ("item", "item"),
                ("quantity", "qty"),
                ("unit_price", "unit price"),
            ],
            numeric=("quantity", "unit_price"),
        )
        table("delivery schedule", data["schedule"], [("line_no", "line"), ("due", "due"), ("quantity", "qty")])
        table(
            "changes (issue 15: modifications and amendments)",
            data.get("amendments", []),
            [
                ("amendment_id", "change"),
                ("kind", "kind"),
                ("rationale", "rationale"),
                ("state", "state"),
                ("effective_on", "in force"),
                ("awaiting", "asked"),
                ("accepted", "accepted"),
            ],
        )


@contract.command("reschedule")
def contract_reschedule(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    entry: int = typer.Option(..., "--entry", help="the schedule entry's number, in signing order"),
    due: str = typer.Option(..., "--due", help="the new due date"),
    reason: str = typer.Option(..., "--reason", help=f"one of: {', '.join(RESCHEDULE_REASONS)}"),
    on: str | None = typer.Option(None, "--on", help="when it was decided (default: today)"),
    as_json: bool = JSON,
) -> None:
    """Move one delivery of the schedule, as the seller or supplier (the old date stays in its history)."""
    move = contracts.RescheduleDelivery(contract_id=contract_id, entry=entry, due=due, reason=reason, on=on)
    send(ctx, move, as_json=as_json)

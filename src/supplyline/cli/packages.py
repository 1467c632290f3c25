"""Packages of requirement lines: draft, propose, approve, close."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import DISCLOSE, list_rows, send, show_record, sub_app
from .lazy import lazy
from .render import table

if TYPE_CHECKING:
    from ..services.reads import queries
    from ..services.records import packages
else:
    queries = lazy("supplyline.services.reads.queries")
    packages = lazy("supplyline.services.records.packages")

package = sub_app("package", "Packages of requirement lines: draft, propose, approve, close.")


@package.command("draft")
def package_draft(
    ctx: typer.Context,
    title: str = typer.Option(..., "--title"),
    mechanism: str = typer.Option(..., "--mechanism"),
    seller: str = typer.Option(..., "--seller"),
    recipient: str = typer.Option(..., "--recipient"),
    currency: str = typer.Option(..., "--currency"),
    approver: list[str] = typer.Option([], "--approver", help="party whose approval is needed (default: the seller)"),
    package_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    cmd = packages.DraftPackage(
        title=title,
        mechanism=mechanism,
        seller=seller,
        recipient=recipient,
        currency=currency,
        approvers=tuple(approver),
        id=package_id,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@package.command("add-line")
def package_add_line(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    requirement_id: str = typer.Option(..., "--requirement"),
    quantity: str = typer.Option(..., "--quantity"),
    unit_price: str | None = typer.Option(None, "--unit-price", help="default: the requirement's estimate"),
    origin: str | None = typer.Option(
        None, "--origin", help="where it is made (default: US for PURL, UA for Drone Deal)"
    ),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    cmd = packages.AddLine(
        package_id=package_id,
        requirement_id=requirement_id,
        quantity=quantity,
        unit_price=unit_price,
        origin=origin,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@package.command("propose")
def package_propose(
    ctx: typer.Context, package_id: str = typer.Argument(..., metavar="PACKAGE"), as_json: bool = JSON
) -> None:
    send(ctx, packages.ProposePackage(package_id=package_id), as_json=as_json)


@package.command("approve")
def package_approve(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    by: str = typer.Option(..., "--by", help="the approving party"),
    reason: str = typer.Option("", "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    cmd = packages.Decide(package_id=package_id, party=by, decision="approve", reason=reason, on=on)
    send(ctx, cmd, as_json=as_json)


@package.command("reject")
def package_reject(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    by: str = typer.Option(..., "--by"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    cmd = packages.Decide(package_id=package_id, party=by, decision="reject", reason=reason, on=on)
    send(ctx, cmd, as_json=as_json)


@package.command("close")
def package_close(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    send(ctx, packages.ClosePackage(package_id=package_id, on=on), as_json=as_json)


@package.command("cancel-line")
def package_cancel_line(
    ctx: typer.Context,
    package_id: str = typer.Argument(..., metavar="PACKAGE"),
    line: str = typer.Option(..., "--line"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    """Take a line out of a package not yet contracted: its money goes back to its pledges."""
    send(ctx, packages.CancelLine(package_id=package_id, line_no=line, reason=reason, on=on), as_json=as_json)


@package.command("list")
def packagelist_rows(
    ctx: typer.Context, state_: str | None = typer.Option(None, "--state"), as_json: bool = JSON
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_packages(c, state=state_),
        as_json,
        "packages",
        [
            ("id", "id"),
            ("title", "title"),
            ("mechanism", "mechanism"),
            ("seller", "seller"),
            ("value", "value"),
            ("funded", "funded"),
            ("currency", "cur"),
            ("state", "state"),
        ],
        numeric=("value", "funded"),
    )


@package.command("show")
def packageshow_record(
    ctx: typer.Context, package_id: str = typer.Argument(..., metavar="PACKAGE"), as_json: bool = JSON
) -> None:
    data = show_record(ctx, lambda c: queries.package(c, package_id), as_json, f"package {package_id}")
    if not as_json:
        table(
            "lines",
            data["lines"],
            [
                ("line_no", "line"),
                ("requirement_id", "requirement"),
                ("item", "item"),
                ("quantity", "qty"),
                ("unit_price", "unit price"),
                ("value", "value"),
                ("funded", "funded"),
                ("origin", "origin"),
            ],
            numeric=("quantity", "unit_price", "value", "funded"),
        )
        table(
            "decisions",
            data["decisions"],
            [("party", "party"), ("decision", "decision"), ("reason", "reason"), ("decided_on", "on")],
        )
        table(  # what its mechanism asks before approval (issue 17): who did what when
            "checklist",
            data["checklist"],
            [("step", "step"), ("party", "party"), ("verdict", "done"), ("done_on", "on")],
        )
        table(
            "steps",
            data["steps"],
            [("step", "step"), ("party", "party"), ("verdict", "done"), ("reason", "reason"), ("done_on", "on")],
        )

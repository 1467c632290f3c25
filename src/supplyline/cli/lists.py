"""The prioritised list's monthly versions (issue 17, item 1): proposed, approved by the
recipient, the coordinator and the seller, compared; a submitted line returned to draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import list_rows, send, show_record, sub_app
from .lazy import lazy
from .render import table
from .reports import report
from .requirements import requirement

if TYPE_CHECKING:
    from ..services.reads import lists as reads
    from ..services.records import lists
else:
    lists = lazy("supplyline.services.records.lists")
    reads = lazy("supplyline.services.reads.lists")

listing = sub_app("list", "The prioritised list's monthly versions.")
version = typer.Typer(no_args_is_help=True, help="A month's version of the list: propose, approve, show.")
listing.add_typer(version, name="version")
ON = typer.Option(None, "--on")
LINES = [("requirement_id", "requirement"), ("priority", "priority"), ("rank", "rank")]


@version.command("propose")
def version_propose(
    ctx: typer.Context,
    month: str = typer.Argument(..., metavar="YYYY-MM"),
    recipient: str = typer.Option(..., "--recipient"),
    coordinator: str = typer.Option(..., "--coordinator", help="the coordinator who approves it"),
    seller: str = typer.Option(..., "--seller", help="the seller who approves it"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Publish the recipient's list as ranked today as the month's version, for approval."""
    cmd = lists.ProposeListVersion(recipient=recipient, month=month, coordinator=coordinator, seller=seller, on=on)
    send(ctx, cmd, as_json=as_json)


@version.command("approve")
def version_approve(
    ctx: typer.Context,
    version_id: str = typer.Argument(..., metavar="VERSION"),
    by: str | None = typer.Option(None, "--by", help="the approving party (default: the acting party)"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Approve a list version as one of its approvers; the last approval puts it in force."""
    send(ctx, lists.ApproveListVersion(version_id=version_id, party=by, on=on), as_json=as_json)


@version.command("show")
def version_show(ctx: typer.Context, version_id: str = typer.Argument(..., metavar="VERSION"), as_json: bool = JSON):
    """One version: its state, approvals and lines as it ranks them."""
    data = show_record(ctx, lambda c: reads.list_version(c, version_id), as_json, f"list version {version_id}")
    if not as_json:
        table("lines", data["lines"], [*LINES, ("item", "item"), ("quantity", "quantity")])


@listing.command("versions")
def list_versions(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Every list version; the latest approved one of each recipient is in force for allocation."""
    columns = [("id", "version"), ("recipient", "recipient"), ("month", "month"), ("state", "state")]
    list_rows(ctx, reads.list_versions, as_json, "list versions", [*columns, ("approved_on", "approved")])


@report.command("list-diff")
def report_list_diff(
    ctx: typer.Context,
    older: str = typer.Argument(..., metavar="V1"),
    newer: str = typer.Argument(..., metavar="V2"),
    as_json: bool = JSON,
) -> None:
    """What changed between two versions of the list: lines added, removed, re-ranked."""
    title = f"list {older} → {newer}"
    data = show_record(ctx, lambda c: reads.list_diff(c, older, newer), as_json, title)
    if not as_json:
        reranked = [{**r, "from": _at(r["from"]), "to": _at(r["to"])} for r in data["reranked"]]
        table("added", data["added"], [*LINES, ("item", "item")])
        table("removed", data["removed"], [*LINES, ("item", "item")])
        table(
            "re-ranked", reranked, [("requirement_id", "requirement"), ("item", "item"), ("from", "from"), ("to", "to")]
        )


def _at(line: dict) -> str:
    return f"priority {line['priority']}, rank {line['rank']}"


@requirement.command("return")
def requirement_return(
    ctx: typer.Context,
    requirement_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason"),
    by: str | None = typer.Option(None, "--by", help="the coordinator returning it (default: the acting party)"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Return a submitted line to its recipient's draft, saying why."""
    cmd = lists.ReturnRequirement(requirement_id=requirement_id, reason=reason, by=by, on=on)
    send(ctx, cmd, as_json=as_json)

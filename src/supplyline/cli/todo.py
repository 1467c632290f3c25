"""``todo``: what waits on a party (issue 17, item 4), oldest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..domain.access import parse_role
from ..domain.values import parse_date, today_utc
from .app import JSON, app, state
from .lazy import lazy
from .render import emit_json, table

if TYPE_CHECKING:
    from ..services.reads import lateness, todo
else:
    lateness = lazy("supplyline.services.reads.lateness")
    todo = lazy("supplyline.services.reads.todo")


@app.command("todo")
def todo_list(
    ctx: typer.Context,
    party: str | None = typer.Option(None, "--as", help="the party (default: the global --as)"),
    role: str | None = typer.Option(None, "--role", help="its role (default: that of its API tokens)"),
    as_of: str | None = typer.Option(None, "--as-of", help="default: today (UTC)"),
    as_json: bool = JSON,
) -> None:
    """What waits on a party: decisions, receipts, inventories, late deliveries; oldest first."""
    cli = state(ctx)
    day = parse_date("as_of", as_of) if as_of else today_utc()
    who = party or cli.actor
    with cli.reader().read() as conn:
        principal = todo.principal_of(conn, who, parse_role("role", role) if role else None)
        data = todo.needs_action(conn, principal, day, lateness.everything)
    if as_json:
        emit_json(data)
        return
    rows = [{**i, "record": f"{i['kind']} {i['id']}"} for i in data["items"]]
    table(
        f"What waits on {data['party']} ({data['role']}) as of {data['as_of']}, oldest first",
        rows,
        [("since", "since"), ("days", "days"), ("action", "to do"), ("record", "record")],
        numeric=("days",),
    )

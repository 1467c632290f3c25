"""What the record commands (cli/<area>.py) share: a sub-app per kind of record, listing,
showing, writing, and the --disclose option.

Each command turns its options into a service command (``services.bus.Command``) and sends
it through the bus to the one handler the API's endpoint runs too; parsing happens when the
command is built, and every rule lives below this layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import app, state
from .lazy import lazy
from .render import emit_json, outcome, show, table

if TYPE_CHECKING:
    from ..services import bus
else:
    bus = lazy("supplyline.services.bus")
    bus = lazy("supplyline.services.bus")

DISCLOSE = typer.Option(
    [],
    "--disclose",
    metavar="FIELD=LEVEL[@EMBARGO]",
    help="withhold a field: parties | confidential, public from the embargo date (repeatable)",
)


def sub_app(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(no_args_is_help=True, help=help)
    app.add_typer(sub, name=name)
    return sub


def list_rows(ctx: typer.Context, fetch, as_json: bool, title: str, columns, numeric=()) -> None:
    with state(ctx).reader().read() as conn:
        rows = fetch(conn)
    if as_json:
        emit_json(rows)
    else:
        table(title, rows, columns, numeric=numeric)


def show_record(ctx: typer.Context, fetch, as_json: bool, title: str) -> dict:
    with state(ctx).reader().read() as conn:
        data = fetch(conn)
    show(data, as_json=as_json, title=title)
    return data


def send(ctx: typer.Context, cmd: bus.Command, *, as_json: bool = False) -> None:
    """Run one command through the bus (the handler the API's endpoint runs too)."""
    st = state(ctx)
    outcome(bus.handle(st.store(), st.acting, cmd), as_json=as_json)

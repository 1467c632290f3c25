"""Production facilities, their capacity, production orders and lots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..domain.schedule import RESCHEDULE_REASONS
from .app import JSON
from .common import list_rows, send, sub_app
from .lazy import lazy
from .render import split_spec

if TYPE_CHECKING:
    from ..engines.interchange import serial_files
    from ..services.reads import queries
    from ..services.records import production
else:
    serial_files = lazy("supplyline.engines.interchange.serial_files")
    queries = lazy("supplyline.services.reads.queries")
    production = lazy("supplyline.services.records.production")

facility = sub_app("facility", "Production facilities, their owners and monthly capacity.")


@facility.command("add")
def facility_add(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name"),
    country: str = typer.Option(..., "--country"),
    owner: list[str] = typer.Option(..., "--owner", help="PARTY:SHARE_PERCENT (repeatable)"),
    facility_id: str | None = typer.Option(None, "--id"),
    as_json: bool = JSON,
) -> None:
    owners = tuple(_owner_share(f"owner[{i}]", text) for i, text in enumerate(owner, 1))
    cmd = production.RegisterFacility(name=name, country=country, owners=owners, id=facility_id)
    send(ctx, cmd, as_json=as_json)


def _owner_share(field: str, text: str) -> tuple[str, object]:
    party, share = split_spec(field, text, 2)
    return party, share


@facility.command("capacity")
def facility_capacity(
    ctx: typer.Context,
    facility_id: str = typer.Argument(..., metavar="FACILITY"),
    item: str = typer.Option(..., "--item"),
    from_month: str = typer.Option(..., "--from", help="YYYY-MM"),
    monthly: str = typer.Option(..., "--monthly", help="units per month from then on"),
    as_json: bool = JSON,
) -> None:
    cmd = production.SetCapacity(facility_id=facility_id, item=item, from_month=from_month, monthly_quantity=monthly)
    send(ctx, cmd, as_json=as_json)


@facility.command("list")
def facilitylist_rows(ctx: typer.Context, as_json: bool = JSON) -> None:
    list_rows(
        ctx,
        queries.list_facilities,
        as_json,
        "facilities",
        [("id", "id"), ("name", "name"), ("country", "country"), ("owners", "owners"), ("capacity", "capacity")],
    )


order = sub_app("order", "Production orders and their lots.")


@order.command("place")
def order_place(
    ctx: typer.Context,
    facility_id: str = typer.Option(..., "--facility"),
    contract_id: str = typer.Option(..., "--contract"),
    line: str = typer.Option(..., "--line", help="contract line"),
    quantity: str = typer.Option(..., "--quantity"),
    due: str = typer.Option(..., "--due"),
    order_id: str | None = typer.Option(None, "--id"),
    priority: str = typer.Option("1", "--priority", help="weight of its lateness in planning, 1-100"),
    as_json: bool = JSON,
) -> None:
    cmd = production.PlaceOrder(
        facility_id=facility_id,
        contract_id=contract_id,
        contract_line_no=line,
        quantity=quantity,
        due=due,
        id=order_id,
        priority=priority,
    )
    send(ctx, cmd, as_json=as_json)


@order.command("start")
def order_start(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    send(ctx, production.StartOrder(order_id=order_id, on=on), as_json=as_json)


@order.command("lot")
def order_lot(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    quantity: str = typer.Option(..., "--quantity"),
    produced_on: str = typer.Option(..., "--produced-on"),
    serial_file: Path | None = typer.Option(
        None,
        "--serials",
        help="CSV/XLSX/scanner export: the lot's serial numbers, one per unit (its shipments take them on)",
    ),
    as_json: bool = JSON,
) -> None:
    """Record a lot produced for the order."""
    serials = tuple(serial_files.read_serials(serial_file)) if serial_file else ()
    cmd = production.RecordLot(order_id=order_id, quantity=quantity, produced_on=produced_on, serials=serials)
    send(ctx, cmd, as_json=as_json)


@order.command("inspect")
def order_inspect(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    lot_id: str = typer.Argument(..., metavar="LOT"),
    accepted: str = typer.Option(..., "--accepted"),
    rejected: str = typer.Option("0", "--rejected"),
    reason: str = typer.Option("", "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    """Record quality control of a lot: accepted and rejected units."""
    cmd = production.InspectLot(
        order_id=order_id, lot_id=lot_id, accepted=accepted, rejected=rejected, reason=reason, on=on
    )
    send(ctx, cmd, as_json=as_json)


@order.command("cancel")
def order_cancel(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on"),
    as_json: bool = JSON,
) -> None:
    send(ctx, production.CancelOrder(order_id=order_id, reason=reason, on=on), as_json=as_json)


@order.command("reschedule")
def order_reschedule(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    due: str = typer.Option(..., "--due", help="the new due date"),
    reason: str = typer.Option(..., "--reason", help=f"one of: {', '.join(RESCHEDULE_REASONS)}"),
    on: str | None = typer.Option(None, "--on", help="when it was decided (default: today)"),
    as_json: bool = JSON,
) -> None:
    """Move an open order's due date (the old one stays in its history)."""
    send(ctx, production.RescheduleOrder(order_id=order_id, due=due, reason=reason, on=on), as_json=as_json)


@order.command("list")
def orderlist_rows(
    ctx: typer.Context, facility_id: str | None = typer.Option(None, "--facility"), as_json: bool = JSON
) -> None:
    list_rows(
        ctx,
        lambda c: queries.list_orders(c, facility_id=facility_id),
        as_json,
        "production orders",
        [
            ("id", "id"),
            ("facility_id", "facility"),
            ("contract_id", "contract"),
            ("contract_line_no", "line"),
            ("item", "item"),
            ("quantity", "qty"),
            ("accepted", "accepted"),
            ("due", "due"),
            ("state", "state"),
        ],
        numeric=("quantity", "accepted"),
    )

"""`supplyline plan …`: production planning for the co-production facilities, plus the
facility and order settings the planner weighs (item terms, order priority)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from .app import JSON, app, state
from .common import send
from .lazy import lazy
from .production import facility, order
from .render import console, emit_json, money, outcome, show, table

if TYPE_CHECKING:
    from ..services.plans import planning
    from ..services.records import production
else:
    planning = lazy("supplyline.services.plans.planning")
    production = lazy("supplyline.services.records.production")

plan = typer.Typer(no_args_is_help=True, help="Production planning: who builds what, where and when.")
app.add_typer(plan, name="plan")


@plan.command("production")
def plan_production(
    ctx: typer.Context,
    horizon: str = typer.Option("24", "--horizon", help="months to plan"),
    first_month: str | None = typer.Option(None, "--from", help="first month to plan, YYYY-MM (default: this month)"),
    capacity: list[str] = typer.Option([], "--capacity", help="what-if: FACILITY[:ITEM]=-30%[@YYYY-MM] (repeatable)"),
    new_facility: list[str] = typer.Option(
        [], "--new-facility", help="what-if: FACILITY:ITEM=MONTHLY[@YYYY-MM] (repeatable)"
    ),
    currency: str = typer.Option("USD", "--currency", help="currency in which costs are compared"),
    time_limit: float = typer.Option(10.0, "--time-limit", help="seconds the solver may take", min=0.1, max=600),
    accept: bool = typer.Option(False, "--accept", help="record this plan as the accepted one (never with a what-if)"),
    as_json: bool = JSON,
) -> None:
    """Assign open order quantities to facilities and months, least weighted lateness first, then least cost."""
    request = planning.PlanRequest(
        horizon=horizon,
        first_month=first_month,
        currency=currency,
        capacity=tuple(capacity),
        new_facility=tuple(new_facility),
        time_limit=time_limit,
    )
    st = state(ctx)
    if accept:
        result, report = planning.accept_plan(st.store(), st.acting, request)
        if as_json:
            emit_json({**report, "recorded": result.to_json()})
            return
        print_report(report)
        outcome(result, as_json=False)
        return
    with st.reader().read() as conn:
        report = planning.plan_production_report(conn, request)
    emit_json(report) if as_json else print_report(report)


@plan.command("list")
def plan_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Accepted production plans, the current one and those it superseded."""
    with state(ctx).reader().read() as conn:
        rows = planning.list_plans(conn)
    if as_json:
        emit_json(rows)
        return
    table(
        "production plans",
        [{**r, "cost": money(r["cost"], r["currency"])} for r in rows],
        [
            ("id", "id"),
            ("state", "state"),
            ("accepted_on", "accepted"),
            ("first_month", "from"),
            ("horizon", "months"),
            ("status", "status"),
            ("weighted_lateness", "w. lateness"),
            ("cost", "cost"),
            ("superseded_by", "superseded by"),
        ],
        numeric=("horizon", "weighted_lateness", "cost"),
    )


@plan.command("show")
def plan_show(ctx: typer.Context, plan_id: str = typer.Argument(..., metavar="PLAN"), as_json: bool = JSON) -> None:
    """One accepted plan: every part (order, facility, month, units)."""
    with state(ctx).reader().read() as conn:
        data = planning.show_plan(conn, plan_id)
    show(data, as_json=as_json, title=f"production plan {plan_id}")
    if not as_json:
        table(
            "parts",
            data["parts"],
            [("order_id", "order"), ("facility_id", "facility"), ("month", "month"), ("quantity", "units")],
            numeric=("quantity",),
        )
        table("not planned within the horizon", data["unplanned"], [("order_id", "order"), ("quantity", "units")])


@facility.command("terms")
def facility_terms(
    ctx: typer.Context,
    facility_id: str = typer.Argument(..., metavar="FACILITY"),
    item: str = typer.Option(..., "--item"),
    min_batch: str = typer.Option("1", "--min-batch", help="fewest units worth a month's run"),
    unit_cost: str = typer.Option(..., "--unit-cost", help="cost of one unit there"),
    currency: str = typer.Option(..., "--currency"),
    as_json: bool = JSON,
) -> None:
    """Set the minimum batch and unit cost of an item the facility builds."""
    cmd = production.SetItemTerms(
        facility_id=facility_id, item=item, min_batch=min_batch, unit_cost=unit_cost, currency=currency
    )
    send(ctx, cmd, as_json=as_json)


@order.command("prioritise")
def order_prioritise(
    ctx: typer.Context,
    order_id: str = typer.Argument(..., metavar="ORDER"),
    priority: str = typer.Option(..., "--priority", help="1-100: weight of its lateness"),
    as_json: bool = JSON,
) -> None:
    """Change the weight of an open order's lateness in planning."""
    send(ctx, production.ReprioritiseOrder(order_id=order_id, priority=priority), as_json=as_json)


# --- rendering --------------------------------------------------------------------------------------
def _parts(entry: dict) -> str:
    text = "; ".join(f"{p['quantity']} {p['facility']} {p['month']}" for p in entry["parts"])
    if entry["unplanned"]:
        text += ("; " if text else "") + f"{entry['unplanned']} not within the horizon"
    return text or "—"


def print_plan(title: str, data: dict) -> None:
    gap = "" if data["status"] == "optimal" else f", gap {data['gap']:.2%}"
    console.print(
        f"[bold]{title}[/]: {data['status']} ({data['method']}, {data['seconds']:.2f} s{gap}); weighted lateness "
        f"{data['weighted_lateness']:,}; cost {money(data['cost'], data['currency'])}; {data['late_orders']} late "
        f"order(s); {data['unplanned_units']:,} unit(s) not within the horizon"
    )
    table(
        "orders",
        [{**e, "made": _parts(e)} for e in data["orders"]],
        [
            ("order", "order"),
            ("item", "item"),
            ("quantity", "units"),
            ("priority", "prio"),
            ("due", "due"),
            ("made", "made (units facility month)"),
            ("months_late", "months late"),
            ("weighted_lateness", "w. lateness"),
        ],
        numeric=("quantity", "priority", "months_late", "weighted_lateness"),
    )
    for e in data["orders"]:
        if e["bottleneck"]:
            b = e["bottleneck"]
            console.print(f"  {e['order']} late: {b['reason']}")
            for f in b["facilities"]:
                bits = [
                    f"full {', '.join(f['full'])}" if f["full"] else "",
                    f"no capacity {', '.join(f['no_capacity'])}" if f["no_capacity"] else "",
                    "room left "
                    + ", ".join(f"{r['units']} in {r['month']} (min batch {r['min_batch']})" for r in f["room_left"])
                    if f["room_left"]
                    else "",
                ]
                console.print(f"    {f['facility']}: " + "; ".join(b for b in bits if b))
    for note in data["notes"]:
        console.print(f"  note: {note}")


def _moves(title: str, moved: list[dict]) -> None:
    if not moved:
        console.print(f"{title}: nothing moved")
        return
    table(
        title,
        moved,
        [
            ("order", "order"),
            ("facility", "facility"),
            ("month", "month"),
            ("before", "before"),
            ("after", "after"),
            ("change", "change"),
        ],
        numeric=("before", "after", "change"),
    )


def print_report(report: Mapping[str, Any]) -> None:
    months = f"{report['first_month']}, {report['horizon']} months"
    print_plan(f"production plan from {months}", report["plan"])
    if report["accepted"]:
        a = report["accepted"]
        console.print(
            f"versus accepted plan {a['id']}: weighted lateness {a['weighted_lateness']:,} → "
            f"{report['plan']['weighted_lateness']:,}{'' if a['same_input'] else ' (orders or capacity changed since)'}"
        )
        _moves(f"moved versus {a['id']}", a["moved"])
    s = report["scenario"]
    if s:
        what = ", ".join(
            [*(f"--capacity {c}" for c in s["capacity"]), *(f"--new-facility {n}" for n in s["new_facility"])]
        )
        print_plan(f"what-if ({what}) — nothing recorded", s["plan"])
        console.print(
            f"[bold]lateness change[/]: {s['lateness_change']:+,} (weighted); cost change "
            f"{money(s['cost_change'], s['plan']['currency'])}"
        )
        table(
            "orders whose lateness changes",
            s["orders_changed"],
            [
                ("order", "order"),
                ("months_late_before", "months late before"),
                ("months_late_after", "after"),
                ("weighted_lateness_change", "w. lateness change"),
            ],
            numeric=("months_late_before", "months_late_after", "weighted_lateness_change"),
        )
        _moves("moved by the scenario", s["moved"])

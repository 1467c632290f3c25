"""Production planning on a real ledger: facility item terms and order priorities as
events, plans accepted as events that verify and rebuild, re-planning after a capacity
drop showing what moved, what-if scenarios that never write, and the CLI around it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import event_count
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput, RuleViolation
from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.demo_ledger import demo
from supplyline.services.log import checks
from supplyline.services.plans import planning
from supplyline.services.reads import queries, reports
from supplyline.services.records import production
from supplyline.store import schema as t

JV = Actor("UA-US-JV", via="test")
DAY = date(2026, 1, 5)
JAN: dict[str, Any] = {"first_month": "2026-01", "horizon": 12, "time_limit": 5}


def with_terms(store) -> None:
    """The demo's joint facility with terms, and a second (US-based) joint line from March."""
    bus.handle(
        store,
        JV,
        production.SetItemTerms(
            facility_id="FAC-JV-1", item="Interceptor drone", min_batch=500, unit_cost="3400", currency="USD"
        ),
    )
    bus.handle(
        store,
        JV,
        production.SetItemTerms(
            facility_id="FAC-JV-1", item="Naval surface drone", min_batch=1, unit_cost="250000", currency="EUR"
        ),
    )
    bus.handle(
        store,
        JV,
        production.RegisterFacility(
            name="Second joint line", country="US", owners=(("US-DRONE-CO", "60"), ("UA-DRONE-CO", "40")), id="FAC-JV-2"
        ),
    )
    bus.handle(
        store,
        JV,
        production.SetCapacity(
            facility_id="FAC-JV-2", item="Interceptor drone", from_month="2026-03", monthly_quantity=800
        ),
    )
    bus.handle(
        store,
        JV,
        production.SetItemTerms(
            facility_id="FAC-JV-2", item="Interceptor drone", min_batch=200, unit_cost="3900", currency="USD"
        ),
    )


def report(store, **changes) -> Any:
    with store.read() as conn:
        return planning.plan_production_report(conn, planning.PlanRequest(**{**JAN, **changes}), today=DAY)


def test_plan_for_the_demo_orders_is_explained_per_order(demo_store):
    with_terms(demo_store)
    data = report(demo_store)
    plan = data["plan"]
    assert (plan["status"], plan["weighted_lateness"], plan["late_orders"], plan["unplanned_units"]) == (
        "optimal",
        0,
        0,
        0,
    )
    orders = {o["order"]: o for o in plan["orders"]}
    # 6000 ordered, 3000 accepted by quality control: 3000 left, due April, all at the cheaper FAC-JV-1
    assert orders["PO-DD-1"]["quantity"] == 3000 and orders["PO-DD-1"]["due"] == "2026-04"
    assert {p["facility"] for p in orders["PO-DD-1"]["parts"]} == {"FAC-JV-1"}
    assert sum(p["quantity"] for p in orders["PO-DD-2"]["parts"]) == 20
    # 3000 × USD 3,400 + 20 × EUR 250,000 at the 2 January rate 1.1720 (USD 293,000 each)
    assert plan["cost"] == "16060000.00" and plan["currency"] == "USD"
    assert data["rates_used"] == [{"from": "EUR", "to": "USD", "rate": "1.1720", "date": "2026-01-02"}]


def test_what_if_reports_the_change_in_lateness_and_writes_nothing(demo_store):
    with_terms(demo_store)
    before = event_count(demo_store)
    data = report(demo_store, capacity=("FAC-JV-1=-30%",))
    assert event_count(demo_store) == before
    s = data["scenario"]
    # naval drones: 4 a month become 2; 20 due in June: 12 by June, then 2 in each of July…October
    assert s["lateness_change"] == 2 * (1 + 2 + 3 + 4)
    assert s["orders_changed"] == [
        {"order": "PO-DD-2", "months_late_before": 0, "months_late_after": 4, "weighted_lateness_change": 20}
    ]
    late = {o["order"]: o for o in s["plan"]["orders"]}["PO-DD-2"]
    assert late["bottleneck"]["facilities"] == [
        {"facility": "FAC-JV-1", "full": ["2026-01…2026-06"], "no_capacity": [], "room_left": []}
    ]


def test_a_new_facility_in_a_what_if_cuts_lateness(demo_store):
    with_terms(demo_store)
    s = report(
        demo_store, capacity=("FAC-JV-1:Naval surface drone=-50%",), new_facility=("FAC-NEW:Naval surface drone=2",)
    )["scenario"]
    assert s["lateness_change"] == 0  # the new facility makes up exactly the 2 a month lost
    assert {p["facility"] for o in s["plan"]["orders"] for p in o["parts"] if o["order"] == "PO-DD-2"} <= {
        "FAC-JV-1",
        "FAC-NEW",
    }


@pytest.mark.parametrize(
    "spec, field",
    [
        ({"capacity": ("FAC-XX=-30%",)}, "capacity[1]"),
        ({"capacity": ("FAC-JV-1=30",)}, "capacity[1]"),
        ({"capacity": ("FAC-JV-1=-130%",)}, "capacity[1]"),
        ({"capacity": ("FAC-JV-1:Tank=-10%",)}, "capacity[1]"),
        ({"new_facility": ("FAC-NEW:Naval surface drone",)}, "new_facility[1]"),
        ({"horizon": "0"}, "horizon"),
        ({"first_month": "2026-13"}, "from"),
        ({"currency": "usd"}, "currency"),
    ],
)
def test_bad_plan_requests_are_refused_naming_the_field(demo_store, spec, field):
    with pytest.raises(InvalidInput) as refused:
        report(demo_store, **spec)
    assert refused.value.field == field


def test_accepting_a_what_if_is_refused_and_writes_nothing(demo_store):
    before = event_count(demo_store)
    with pytest.raises(RuleViolation, match="never recorded"):
        planning.accept_plan(demo_store, JV, planning.PlanRequest(**JAN, capacity=("FAC-JV-1=-30%",)), on=DAY)
    assert event_count(demo_store) == before


def test_accepted_plans_are_events_that_verify_and_rebuild_and_replanning_shows_what_moved(store):
    demo.load(store)
    with_terms(store)
    first, _ = planning.accept_plan(store, JV, planning.PlanRequest(**JAN), on=DAY)
    assert [e.type for e in first.events] == ["ProductionPlanAccepted"]
    assert first.id == "PLAN-0001"

    # the joint facility loses capacity: 500 interceptors a month from January instead of 3000
    bus.handle(
        store,
        JV,
        production.SetCapacity(
            facility_id="FAC-JV-1", item="Interceptor drone", from_month="2026-01", monthly_quantity=500
        ),
    )
    data = report(store)
    assert data["accepted"]["id"] == "PLAN-0001" and data["accepted"]["same_input"] is False
    moved = {
        (m["order"], m["facility"], m["month"]): m["change"]
        for m in data["accepted"]["moved"]
        if m["order"] == "PO-DD-1"
    }
    assert sum(moved.values()) == 0  # the same 3000 units, made elsewhere or later
    assert all(month <= "2026-04" for (_, _, month) in moved)  # and still on time
    assert data["plan"]["weighted_lateness"] == 0

    second, _ = planning.accept_plan(store, JV, planning.PlanRequest(**JAN), on=DAY)
    assert [(e.stream_id, e.type) for e in second.events] == [
        ("plan:PLAN-0002", "ProductionPlanAccepted"),
        ("plan:PLAN-0001", "ProductionPlanSuperseded"),
    ]
    with store.read() as conn:
        plans = planning.list_plans(conn)
        shown = planning.show_plan(conn, "PLAN-0002")
        stored_parts = conn.execute(
            select(t.production_plan_parts).where(t.production_plan_parts.c.plan_id == "PLAN-0002")
        ).all()
    assert [(p["id"], p["state"], p["superseded_by"]) for p in plans] == [
        ("PLAN-0001", "superseded", "PLAN-0002"),
        ("PLAN-0002", "accepted", None),
    ]
    made: dict[str, int] = {}
    for part in shown["parts"]:
        made[part["order_id"]] = made.get(part["order_id"], 0) + part["quantity"]
    assert made == {"PO-DD-1": 3000, "PO-DD-2": 20} and shown["unplanned"] == []
    assert len(stored_parts) == len(shown["parts"])
    # FAC-JV-1 makes 4 × 500 by April; the dearer FAC-JV-2 (from March) the remaining 1000
    assert sum(p["quantity"] for p in shown["parts"] if p["facility_id"] == "FAC-JV-2") == 1000

    assert checks.verify_ledger(store).ok
    assert checks.check_projections(store) == []


def test_item_terms_are_refused_for_items_the_facility_does_not_build(demo_store):
    with pytest.raises(RuleViolation) as refused:
        bus.handle(
            demo_store,
            JV,
            production.SetItemTerms(facility_id="FAC-JV-1", item="Tank", min_batch=1, unit_cost="10", currency="USD"),
        )
    assert refused.value.field == "item" and "does not build 'Tank'" in refused.value.message


@pytest.mark.parametrize(
    "min_batch, cost, currency, field",
    [
        ("0", "10", "USD", "min_batch"),
        ("5", "-1", "USD", "unit_cost"),
        ("5", "10.001", "USD", "unit_cost"),
        ("5", "10", "XYZ", "unit_cost.currency"),
    ],
)
def test_item_terms_refuse_bad_values_naming_the_field(demo_store, min_batch, cost, currency, field):
    before = event_count(demo_store)
    with pytest.raises(InvalidInput) as refused:
        bus.handle(
            demo_store,
            JV,
            production.SetItemTerms(
                facility_id="FAC-JV-1", item="Interceptor drone", min_batch=min_batch, unit_cost=cost, currency=currency
            ),
        )
    assert refused.value.field == field
    assert event_count(demo_store) == before


def test_order_priority_weighs_lateness_and_is_validated(demo_store):
    with pytest.raises(InvalidInput) as refused:
        bus.handle(demo_store, JV, production.ReprioritiseOrder(order_id="PO-DD-2", priority="0"))
    assert refused.value.field == "priority"
    bus.handle(demo_store, JV, production.ReprioritiseOrder(order_id="PO-DD-2", priority="3"))
    with demo_store.read() as conn:
        assert {o["id"]: o["priority"] for o in queries.list_orders(conn)} == {"PO-DD-1": 1, "PO-DD-2": 3}
    s = report(demo_store, capacity=("FAC-JV-1=-30%",))["scenario"]
    assert s["lateness_change"] == 3 * 20  # the same 20 unit-months late, three times the weight
    bus.handle(demo_store, JV, production.CancelOrder(order_id="PO-DD-2", reason="test", on="2026-01-02"))
    with pytest.raises(RuleViolation, match="only open orders"):
        bus.handle(demo_store, JV, production.ReprioritiseOrder(order_id="PO-DD-2", priority="2"))


def test_trace_reaches_down_to_the_lot_its_facility_and_quality_control(demo_store):
    with demo_store.read() as conn:
        data = reports.trace(conn, "PKG-DD-1")
        sl, lot, o = t.shipment_lots, t.lots, t.production_orders
        recorded = conn.execute(
            select(sl.c.lot_id, sl.c.quantity, o.c.facility_id, o.c.id, lot.c.accepted, lot.c.rejected, lot.c.reason)
            .select_from(sl.join(lot, lot.c.lot_id == sl.c.lot_id).join(o, o.c.id == lot.c.order_id))
            .where(sl.c.shipment_id == "SH-DD-1")
            .order_by(sl.c.lot_id)
        ).all()
    [delivered] = data["delivered"]
    traced = [
        (
            x["lot_id"],
            x["quantity"],
            x["facility_id"],
            x["order_id"],
            x["quality"]["accepted"],
            x["quality"]["rejected"],
            x["quality"]["reason"],
        )
        for x in delivered["lots"]
    ]
    assert traced == [tuple(r) for r in recorded]
    assert sum(x["quantity"] for x in delivered["lots"]) == delivered["received"] == 3000
    assert traced[0] == ("PO-DD-1-L001", 1460, "FAC-JV-1", "PO-DD-1", 1460, 40, "seeker calibration out of tolerance")
    assert delivered["lots"][0]["quality"]["inspected_on"] == "2025-11-04"


# --- the CLI -------------------------------------------------------------------------------------
def cli(url: str, *args: str):
    return CliRunner().invoke(app, ["--db", url, "--as", "UA-US-JV", *args])


def test_cli_plans_accepts_and_refuses(demo_sqlite_url):
    args = ["plan", "production", "--from", "2026-01", "--horizon", "12", "--time-limit", "5"]
    result = cli(demo_sqlite_url, *args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["plan"]["weighted_lateness"] == 0 and data["accepted"] is None

    result = cli(demo_sqlite_url, *args, "--capacity", "FAC-JV-1=-30%")
    assert result.exit_code == 0, result.output
    assert "lateness change: +20 (weighted)" in result.stdout and "nothing recorded" in result.stdout

    result = cli(demo_sqlite_url, *args, "--capacity", "FAC-JV-1=-30%", "--accept")
    assert result.exit_code == 2 and "a what-if scenario is never recorded" in result.output

    result = cli(demo_sqlite_url, *args, "--capacity", "FAC-JV-1")
    assert result.exit_code == 2 and "capacity[1]: write FACILITY=-30%" in result.output

    result = cli(demo_sqlite_url, *args, "--accept")
    assert result.exit_code == 0 and "recorded PLAN-0001: ProductionPlanAccepted" in result.stdout
    result = cli(demo_sqlite_url, "plan", "show", "PLAN-0001", "--json")
    assert json.loads(result.stdout)["state"] == "accepted"
    assert cli(demo_sqlite_url, "rebuild", "--check").exit_code == 0
    assert cli(demo_sqlite_url, "verify").exit_code == 0


def test_json_output_is_pure_json_even_with_the_solver_loaded(demo_sqlite_url):
    """HiGHS writes its banner straight to the process's stdout unless silenced first; a
    script reading `--json` must get JSON only (the in-process runner cannot see that)."""
    import subprocess
    import sys

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "supplyline.cli.main",
            "--db",
            demo_sqlite_url,
            "plan",
            "production",
            "--from",
            "2026-01",
            "--horizon",
            "6",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["horizon"] == 6


def test_a_plan_is_superseded_once_and_never_accepted_twice():
    from supplyline.domain import plan as plan_domain
    from supplyline.domain.errors import AlreadyExists, TransitionRefused
    from supplyline.domain.money import Money

    p = plan_domain.ProductionPlan("PLAN-1")
    terms: dict[str, Any] = {
        "first_month": "2026-01",
        "horizon": 3,
        "status": "optimal",
        "weighted_lateness": 0,
        "cost": Money.zero("USD"),
        "input_digest": "0" * 64,
        "parts": [plan_domain.PlannedPart("PO-1", "FAC-1", "2026-02", 5)],
        "unplanned": {},
        "on": DAY,
    }
    for event in plan_domain.accept(p, **terms):
        p.apply(event)
    with pytest.raises(AlreadyExists):
        plan_domain.accept(p, **terms)
    for event in plan_domain.supersede(p, by="PLAN-2", on=DAY):
        p.apply(event)
    assert (p.state, p.superseded_by) == ("superseded", "PLAN-2")
    with pytest.raises(TransitionRefused, match="production plan 'PLAN-1' is superseded: cannot supersede"):
        plan_domain.supersede(p, by="PLAN-3", on=DAY)
    with pytest.raises(InvalidInput) as refused:
        plan_domain.accept(
            plan_domain.ProductionPlan("PLAN-9"),
            **{**terms, "parts": [plan_domain.PlannedPart("PO-1", "FAC-1", "2025-12", 5)]},
        )
    assert refused.value.field == "parts[1].month"


@pytest.mark.parametrize(
    ("fields", "field", "value"),
    [
        ({"horizon": 0}, "horizon", 0),
        ({"horizon": "two years"}, "horizon", "two years"),
        ({"first_month": "2026-13"}, "from", "2026-13"),
        ({"currency": "dollars"}, "currency", "dollars"),
        ({"time_limit": -1}, "time_limit", -1),
    ],
)
def test_a_plan_request_is_parsed_when_built_and_a_bad_field_is_named(fields, field, value) -> None:
    with pytest.raises(InvalidInput) as refused:
        planning.PlanRequest(**fields)
    assert (refused.value.field, refused.value.value) == (field, value)

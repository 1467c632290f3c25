"""Production planning: build the planner's input from the ledger, run it, explain it,
compare it with the accepted plan, evaluate what-if scenarios, and accept a plan.

Only ``accept_plan`` writes. It recomputes the planner's input inside the write lock and
refuses when it differs from the input the plan was computed from, so an accepted plan is
always a plan for the orders and capacity the ledger held when it was recorded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain import plan as plan_domain
from ...domain.errors import InputChanged, InvalidInput, NotFound, RuleViolation
from ...domain.facility import Capacity, capacity_in
from ...domain.fx import convert
from ...domain.lifecycle import PRODUCTION_ORDER
from ...domain.money import Money
from ...domain.plan import PlannedPart, ProductionPlan, month_at, months_between
from ...domain.values import month_of, parse_int, parse_month, parse_text
from ...engines.planner.explain import Placed, explain, moves, placed
from ...engines.planner.model import Demand, Line, Plan, Problem, violations
from ...engines.planner.scenario import CapacityChange, ExtraLine, apply
from ...engines.planner.solve import plan_production
from ...ledger.canonical import canonical
from ...store import schema as t
from ...store.eventstore import Store
from .. import facts
from ..context import Actor, Outcome, business_day, on_or_today
from ..fields import Currency, optional, parse_seconds, parsed
from ..reads.read_models import PlanDetail, PlanPartRecord, PlanSummaryRecord, UnplannedRecord
from ..reads.report_models import RateUsed
from .plan_models import ComputedPlan, Moved, PlannedOrder, PlanReport


class PlanRequest(BaseModel):
    """What to plan, every field parsed when it is built (the CLI's options or the API's
    query or body); a request with capacity changes or new facilities is a what-if."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    horizon: Annotated[int, parsed(parse_int, minimum=1, maximum=120)] = 24
    #: the first month planned; the current UTC month when None
    first_month: Annotated[str | None, parsed(optional(parse_month), "from")] = None
    currency: Currency = "USD"
    #: what-if: "FACILITY[:ITEM]=-30%[@YYYY-MM]"
    capacity: tuple[str, ...] = ()
    #: what-if: "FACILITY:ITEM=MONTHLY[@YYYY-MM]"
    new_facility: tuple[str, ...] = ()
    time_limit: Annotated[float, parsed(parse_seconds, maximum=600)] = 10.0

    @property
    def is_scenario(self) -> bool:
        return bool(self.capacity or self.new_facility)


@dataclass
class PlanningInput:
    problem: Problem
    currency: str
    orders: dict[str, dict]  # order id -> facts shown beside the plan
    rates_used: list[RateUsed]
    notes: list[str]

    @property
    def digest(self) -> str:
        """Fingerprint of exactly what the planner was given."""
        data = {
            "months": list(self.problem.months),
            "currency": self.currency,
            "lines": [asdict(line) for line in self.problem.lines],
            "demands": [asdict(d) for d in self.problem.demands],
        }
        return hashlib.sha256(canonical(data).encode()).hexdigest()


def planning_input(conn: Connection, request: PlanRequest, *, today: date) -> PlanningInput:
    horizon = request.horizon
    first = request.first_month or month_of(today)
    currency = request.currency
    months = tuple(month_at(first, k) for k in range(horizon))
    notes: list[str] = []

    o, lot = t.production_orders, t.lots
    waiting = dict(
        conn.execute(
            select(lot.c.order_id, func.sum(lot.c.quantity)).where(lot.c.accepted.is_(None)).group_by(lot.c.order_id)
        ).all()
    )
    demands, orders = [], {}
    for row in conn.execute(select(o).where(o.c.state.in_(PRODUCTION_ORDER.group("open"))).order_by(o.c.id)).mappings():
        left = row["quantity"] - row["accepted"] - int(waiting.get(row["id"], 0))
        if left <= 0:
            continue
        due = months_between(first, month_of(row["due"]))
        demands.append(Demand(row["id"], row["item"], left, due, row["priority"]))
        orders[row["id"]] = {
            "facility_id": row["facility_id"],
            "contract_id": row["contract_id"],
            "contract_line_no": row["contract_line_no"],
            "due_date": row["due"].isoformat(),
        }

    entries: dict[str, list[Capacity]] = {}
    for row in conn.execute(select(t.facility_capacity)).mappings():
        entries.setdefault(row["facility_id"], []).append(
            Capacity(row["item"], row["from_month"], row["monthly_quantity"])
        )
    terms = {(r["facility_id"], r["item"]): r for r in conn.execute(select(t.facility_item_terms)).mappings()}
    days = facts.fx_days(conn, today, {r["unit_cost_currency"] for r in terms.values()} | {currency})
    rates: dict[tuple, RateUsed] = {}
    lines = []
    for facility_id in sorted(entries):
        for item in sorted({e.item for e in entries[facility_id]}):
            capacity = tuple(capacity_in(entries[facility_id], item, m) for m in months)
            term = terms.get((facility_id, item))
            unit_cost = 0
            if term is None:
                notes.append(f"{facility_id} has no unit cost for {item}: counted as 0 when comparing cost")
            else:
                conversion = convert(
                    Money.from_minor(term["unit_cost_minor"], term["unit_cost_currency"]), currency, today, days
                )
                unit_cost = conversion.result.minor
                if conversion.rate_day is not None:
                    rates[(conversion.source.currency, conversion.rate_day)] = {
                        "from": conversion.source.currency,
                        "to": currency,
                        "rate": str(conversion.rate),
                        "date": conversion.rate_day.isoformat(),
                    }
            lines.append(Line(facility_id, item, capacity, term["min_batch"] if term else 1, unit_cost))
    return PlanningInput(Problem(months, tuple(lines), tuple(demands)), currency, orders, list(rates.values()), notes)


# --- what-if --------------------------------------------------------------------------------
_CHANGE = re.compile(r"^(?P<who>[^=]+)=(?P<pct>[+-]?\d+(?:\.\d+)?)%(?:@(?P<since>\d{4}-\d{2}))?$")
_EXTRA = re.compile(r"^(?P<facility>[^:=]+):(?P<item>[^=]+)=(?P<qty>\d+)(?:@(?P<since>\d{4}-\d{2}))?$")


def parse_scenario(problem: Problem, request: PlanRequest) -> tuple[list[CapacityChange], list[ExtraLine]]:
    first = problem.months[0]
    facilities = {line.facility for line in problem.lines}
    changes = []
    for i, text in enumerate(request.capacity, start=1):
        m = _CHANGE.match(text.strip())
        if not m:
            raise InvalidInput(f"capacity[{i}]", text, "write FACILITY=-30% (or FACILITY:ITEM=+10%@YYYY-MM)")
        facility, _, item = m["who"].partition(":")
        if facility not in facilities:
            raise InvalidInput(
                f"capacity[{i}]",
                facility,
                f"no facility with capacity is called so (known: {', '.join(sorted(facilities)) or 'none'})",
            )
        if item and (facility, item) not in {(ln.facility, ln.item) for ln in problem.lines}:
            raise InvalidInput(f"capacity[{i}]", item, f"facility {facility} does not build this item")
        percent = Decimal(m["pct"])
        if not Decimal(-100) <= percent <= Decimal(1000):
            raise InvalidInput(f"capacity[{i}]", text, "the change must be between -100% and +1000%")
        since = max(months_between(first, parse_month(f"capacity[{i}]", m["since"])), 0) if m["since"] else 0
        changes.append(CapacityChange(facility, percent, item or None, since))
    extra = []
    for i, text in enumerate(request.new_facility, start=1):
        m = _EXTRA.match(text.strip())
        if not m:
            raise InvalidInput(f"new_facility[{i}]", text, "write FACILITY:ITEM=MONTHLY_UNITS[@YYYY-MM]")
        since = max(months_between(first, parse_month(f"new_facility[{i}]", m["since"])), 0) if m["since"] else 0
        extra.append(
            ExtraLine(
                parse_text(f"new_facility[{i}]", m["facility"]),
                parse_text(f"new_facility[{i}]", m["item"]),
                parse_int(f"new_facility[{i}]", m["qty"], minimum=1),
                since,
            )
        )
    return changes, extra


# --- running and explaining -------------------------------------------------------------------
def _solve(problem: Problem, time_limit: float) -> Plan:
    plan = plan_production(problem, time_limit=time_limit)
    broken = violations(problem, plan.parts, plan.unplanned)
    if broken:  # the engine's own guarantee; never record or show a plan that breaks it
        raise RuleViolation("the planner produced an invalid plan: " + "; ".join(broken[:3]), field="plan")
    return plan


def plan_json(data: PlanningInput, problem: Problem, plan: Plan) -> ComputedPlan:
    orders = cast(list[PlannedOrder], explain(problem, plan))
    for entry in orders:
        entry.update(data.orders.get(entry["order"], {}))  # type: ignore[typeddict-item]  # its contract and facility
    return {
        "status": plan.status,
        "method": plan.method,
        "seconds": round(plan.seconds, 3),
        "gap": round(plan.gap, 6),
        "weighted_lateness": plan.weighted_lateness,
        "lateness_bound": plan.lateness_bound,
        "cost": str(Money.from_minor(plan.cost, data.currency).amount),
        "currency": data.currency,
        "late_orders": sum(1 for e in orders if e["months_late"]),
        "unplanned_units": sum(plan.unplanned.values()),
        "notes": data.notes + plan.notes,
        "orders": orders,
    }


def current_plan(conn: Connection) -> dict | None:
    p = t.production_plans
    row = (
        conn.execute(select(p).where(p.c.state == "accepted").order_by(p.c.accepted_on.desc(), p.c.id.desc()))
        .mappings()
        .first()
    )
    if row is None:
        return None
    pp = t.production_plan_parts
    parts = [
        Placed(r.order_id, r.facility_id, r.month, r.quantity)
        for r in conn.execute(select(pp).where(pp.c.plan_id == row["id"]).order_by(pp.c.position))
    ]
    return {
        "id": row["id"],
        "first_month": row["first_month"],
        "weighted_lateness": row["weighted_lateness"],
        "input_digest": row["input_digest"],
        "parts": parts,
    }


def _report(data: PlanningInput, plan: Plan, accepted: dict | None) -> PlanReport:
    problem = data.problem
    out: PlanReport = {
        "first_month": problem.months[0],
        "horizon": problem.horizon,
        "input_digest": data.digest,
        "rates_used": data.rates_used,
        "plan": plan_json(data, problem, plan),
        "scenario": None,
        "accepted": None,
    }
    if accepted:
        out["accepted"] = {
            "id": accepted["id"],
            "weighted_lateness": accepted["weighted_lateness"],
            "same_input": accepted["input_digest"] == data.digest,
            "moved": cast(
                list[Moved], moves(accepted["parts"], placed(problem, plan.parts), from_month=problem.months[0])
            ),
        }
    return out


def plan_production_report(conn: Connection, request: PlanRequest, *, today: date | None = None) -> PlanReport:
    """The plan for the open orders (read only): explained, compared with the accepted
    plan, and with a what-if scenario beside it when one is given."""
    data = planning_input(conn, request, today=on_or_today(today))
    problem = data.problem
    scenario = parse_scenario(problem, request) if request.is_scenario else None
    share = 0.5 if scenario else 1.0
    plan = _solve(problem, request.time_limit * share)
    out = _report(data, plan, current_plan(conn))
    if scenario:
        changed = apply(problem, *scenario)
        what_if = _solve(changed, request.time_limit * share)
        before = {e["order"]: e for e in out["plan"]["orders"]}
        after = plan_json(data, changed, what_if)
        out["scenario"] = {
            "capacity": list(request.capacity),
            "new_facility": list(request.new_facility),
            "plan": after,
            "lateness_change": what_if.weighted_lateness - plan.weighted_lateness,
            "cost_change": str(Money.from_minor(what_if.cost - plan.cost, data.currency).amount),
            "orders_changed": [
                {
                    "order": e["order"],
                    "months_late_before": before[e["order"]]["months_late"],
                    "months_late_after": e["months_late"],
                    "weighted_lateness_change": e["weighted_lateness"] - before[e["order"]]["weighted_lateness"],
                }
                for e in after["orders"]
                if (e["months_late"], e["weighted_lateness"])
                != (before[e["order"]]["months_late"], before[e["order"]]["weighted_lateness"])
            ],
            "moved": cast(
                list[Moved],
                moves(placed(problem, plan.parts), placed(changed, what_if.parts), from_month=problem.months[0]),
            ),
        }
    return out


# --- accepting --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PreparedPlan:
    """A plan computed for acceptance, with the input it was computed from."""

    request: PlanRequest
    day: date
    data: PlanningInput
    plan: Plan


def prepare_plan(store: Store, request: PlanRequest, *, on: object = None) -> PreparedPlan:
    """Compute the plan to accept (reads, solves; holds no lock). ``on``: the day it is
    accepted (default: today, UTC)."""
    if request.is_scenario:
        raise RuleViolation(
            "a what-if scenario is never recorded: accept a plan without --capacity or --new-facility", field="accept"
        )
    day = business_day("on", on)
    with store.read() as conn:
        data = planning_input(conn, request, today=day)
    return PreparedPlan(request, day, data, _solve(data.problem, request.time_limit))


def record_plan(
    store: Store, actor: Actor, prepared: PreparedPlan, *, plan_id: str | None = None, input_digest: str | None = None
) -> tuple[Outcome, PlanReport]:
    """Record a prepared plan as the accepted one (superseding the previous), refusing if the
    orders or capacity changed since it was computed, or since the plan whose
    ``input_digest`` the caller reviewed."""
    data, plan, day = prepared.data, prepared.plan, prepared.day
    if input_digest is not None and input_digest != data.digest:
        raise InputChanged(
            "orders or capacity changed since the plan was reviewed (its input_digest differs): "
            "compute the plan again and review it",
            field="input_digest",
            value=input_digest,
        )
    with store.write(actor.party, actor.meta()) as uow:
        again = planning_input(uow.conn, prepared.request, today=day)
        if again.digest != data.digest:
            raise InputChanged("orders or capacity changed while the plan was computed: plan again", field="plan")
        previous = current_plan(uow.conn)
        entity = uow.get(ProductionPlan, plan_id or uow.next_id(ProductionPlan, "PLAN"))
        problem = data.problem
        events = plan_domain.accept(
            entity,
            first_month=problem.months[0],
            horizon=problem.horizon,
            status=plan.status,
            weighted_lateness=plan.weighted_lateness,
            cost=Money.from_minor(plan.cost, data.currency),
            input_digest=data.digest,
            parts=[
                PlannedPart(p.order, p.facility, problem.months[p.month], p.quantity)
                for p in sorted(plan.parts, key=lambda p: (p.order, p.month, p.facility))
            ],
            unplanned=plan.unplanned,
            on=day,
        )
        stored = uow.record(entity, events)
        if previous:
            old = uow.load(ProductionPlan, previous["id"])
            stored += uow.record(old, plan_domain.supersede(old, by=entity.id, on=day))
        return Outcome(entity.id, stored), _report(data, plan, previous)


def accept_plan(
    store: Store,
    actor: Actor,
    request: PlanRequest,
    *,
    on: object = None,
    plan_id: str | None = None,
    input_digest: str | None = None,
) -> tuple[Outcome, PlanReport]:
    """Compute the plan and record it as the accepted one (superseding the previous)."""
    return record_plan(store, actor, prepare_plan(store, request, on=on), plan_id=plan_id, input_digest=input_digest)


# --- accepted plans ------------------------------------------------------------------------------
def list_plans(conn: Connection) -> list[PlanSummaryRecord]:
    p = t.production_plans
    return [
        PlanSummaryRecord(
            id=r["id"],
            state=r["state"],
            accepted_on=r["accepted_on"].isoformat(),
            first_month=r["first_month"],
            horizon=r["horizon"],
            status=r["status"],
            weighted_lateness=r["weighted_lateness"],
            cost=str(Money.from_minor(r["cost_minor"], r["cost_currency"]).amount),
            currency=r["cost_currency"],
            superseded_by=r["superseded_by"],
        )
        for r in conn.execute(select(p).order_by(p.c.accepted_on, p.c.id)).mappings()
    ]


def show_plan(conn: Connection, plan_id: str) -> PlanDetail:
    found = [p for p in list_plans(conn) if p["id"] == plan_id]
    if not found:
        raise NotFound("production plan", plan_id)
    pp, ps = t.production_plan_parts, t.production_plan_shortfalls
    parts = [
        PlanPartRecord(order_id=r.order_id, facility_id=r.facility_id, month=r.month, quantity=r.quantity)
        for r in conn.execute(select(pp).where(pp.c.plan_id == plan_id).order_by(pp.c.position))
    ]
    unplanned = [
        UnplannedRecord(order_id=r.order_id, quantity=r.quantity)
        for r in conn.execute(select(ps).where(ps.c.plan_id == plan_id).order_by(ps.c.order_id))
    ]
    return PlanDetail(**found[0], parts=parts, unplanned=unplanned)

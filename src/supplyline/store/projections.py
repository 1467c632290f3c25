"""Projections: the rows that show an entity's current state.

Each entity kind maps to the rows it owns in one or more tables. After a command, the
store compares an entity's rows before and after its new events and writes only the
difference, in the same transaction as the append. A rebuild folds every stream of the
log into entities and maps them with these same functions, so "projection equals rebuild"
has one definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from ..domain.agreement import ApprovalSteps
from ..domain.contract import Amendment, Contract
from ..domain.entity import Entity
from ..domain.facility import Facility
from ..domain.fx import FxRecord
from ..domain.kiel import KIEL_MEASURES, KielDonorRelease
from ..domain.logkey import LogKey
from ..domain.package import Package
from ..domain.party import Party
from ..domain.payments import Flow
from ..domain.plan import ProductionPlan
from ..domain.pledge import Pledge
from ..domain.production import ProductionOrder
from ..domain.requirement import Requirement
from ..domain.shipment import Shipment
from ..domain.token import ApiToken
from ..ledger.canonical import canonical
from . import projections_enduse as enduse
from . import projections_evidence as evidence
from . import projections_lists as lists
from . import schema as t
from .table_rows import Rows, key_of, same_named


def _money(prefix: str, money) -> dict[str, Any]:
    return {f"{prefix}_minor": money.minor, f"{prefix}_currency": money.currency}


def party_rows(p: Party) -> dict[Table, list[dict]]:
    return {t.parties: [same_named(p, "id", "name", "kind", "country", "version")]}


def fx_rows(r: FxRecord) -> dict[Table, list[dict]]:
    day = r.as_day().day
    return {
        t.fx_rates: [
            {"day": day, "currency": code, "per_eur": str(rate), "source": r.source} for code, rate in r.per_eur.items()
        ]
    }


def requirement_rows(r: Requirement) -> dict[Table, list[dict]]:
    ranking = r.ranking
    return {
        t.requirements: [
            {
                "id": r.id,
                "recipient": r.recipient,
                "list_month": ranking.list_month,
                "priority": ranking.priority,
                "rank": ranking.rank,
                "item": r.item,
                "category": r.category,
                "quantity": r.quantity,
                "unit": r.unit,
                **_money("unit_price", r.unit_price),
                "origin": r.origin,
                "min_lot": r.min_lot,
                "whole_only": r.whole_only,
                "needed_by": r.needed_by,
                "state": r.state,
                "funded_quantity": r.funded_quantity,
                "delivered_quantity": r.delivered_quantity,
                "note": r.note,
                "version": r.version,
            }
        ],
        t.requirement_rankings: [
            {"requirement_id": r.id, "position": i, "list_month": k.list_month, "priority": k.priority, "rank": k.rank}
            for i, k in enumerate(r.rankings, start=1)
        ],
    }


def pledge_rows(p: Pledge) -> dict[Table, list[dict]]:
    assert p.allocated is not None, "only an announced pledge has rows"
    return {
        t.pledges: [
            {
                "id": p.id,
                "funder": p.funder,
                **_money("amount", p.amount),
                "allocated_minor": p.allocated.minor,
                "pledged_on": p.pledged_on,
                "mechanism": p.mechanism,
                "categories": canonical(list(p.categories)),
                "origins": canonical(list(p.origins)),
                "valid_from": p.valid_from,
                "valid_until": p.valid_until,
                "state": p.state,
                "note": p.note,
                "version": p.version,
                **_stage_totals(p),
            }
        ],
        t.money_flows: [_flow_row(p.id, n, flow) for n, flow in enumerate(p.stages.flows if p.stages else (), start=1)],
        t.allocations: [
            {
                "id": a.id,
                "pledge_id": p.id,
                "package_id": a.package_id,
                "line_no": a.line_no,
                **_money("amount", a.held),
                **_money("line_amount", a.held_line),
                "fx_rate": str(a.fx.rate) if a.fx else None,
                "fx_date": a.fx.day if a.fx else None,
                "allocated_on": a.allocated_on,
                "released_minor": a.released.minor if a.released else 0,
                "released_line_minor": a.released_line.minor if a.released_line else 0,
            }
            for a in p.allocations
        ],
    }


def _stage_totals(p: Pledge) -> dict[str, int]:
    stages = p.stages
    if stages is None:
        return {f"{stage}_minor": 0 for stage in t.MONEY_STAGES}
    released = p.released.minor if p.released is not None else 0
    return {
        "paid_in_minor": stages.paid_in.minor,
        "transferred_minor": stages.transferred.minor,
        "obligated_minor": stages.obligated.minor,
        "expended_minor": stages.expended.minor,
        "released_minor": released,
        "returned_minor": stages.returned.minor,
    }


def _flow_row(pledge_id: str, position: int, f: Flow) -> dict[str, Any]:
    return {
        "pledge_id": pledge_id,
        "position": position,
        "stage": f.stage,
        "package_id": f.package_id,
        "contract_id": f.contract_id,
        "contract_line_no": f.contract_line_no,
        **_money("amount", f.amount),
        "seller_minor": f.seller_amount.minor if f.seller_amount else None,
        "seller_currency": f.seller_amount.currency if f.seller_amount else None,
        "fx_rate": str(f.fx.rate) if f.fx else None,
        "fx_date": f.fx.day if f.fx else None,
        "fx_difference_minor": f.fx_difference.minor if f.fx_difference is not None else None,
        "reference": f.reference,
        "day": f.day,
    }


def package_rows(p: Package) -> dict[Table, list[dict]]:
    return {
        t.packages: [
            {
                "id": p.id,
                "title": p.title,
                "mechanism": p.mechanism,
                "seller": p.seller,
                "recipient": p.recipient,
                "currency": p.currency,
                "approvers": canonical(list(p.approvers)),
                "state": p.state,
                "version": p.version,
            }
        ],
        t.package_lines: [
            {
                "package_id": p.id,
                "line_no": n,
                "requirement_id": line.requirement_id,
                "item": line.item,
                "category": line.category,
                "quantity": line.quantity,
                **_money("unit_price", line.unit_price),
                "origin": line.origin,
                "cancelled_on": line.cancelled_on,
            }
            for n, line in p.lines.items()
        ],
        t.package_decisions: [
            {
                "package_id": p.id,
                "position": i,
                "party": d.party,
                "decision": d.decision,
                "reason": d.reason,
                "decided_on": d.decided_on,
            }
            for i, d in enumerate(p.decisions, start=1)
        ],
        t.package_steps: [
            {
                "package_id": p.id,
                "position": i,
                "step": s.step,
                "party": s.party,
                "verdict": s.verdict,
                "reason": s.reason,
                "done_on": s.on,
            }
            for i, s in enumerate(p.agreement.history, start=1)
        ],
    }


def approval_steps_rows(r: ApprovalSteps) -> dict[Table, list[dict]]:
    row = {"mechanism": r.id, "steps": canonical(list(r.steps)), "configured_on": r.configured_on, "version": r.version}
    return {t.approval_steps: [row]}


def contract_rows(c: Contract) -> dict[Table, list[dict]]:
    return {
        t.contracts: [
            same_named(c, "id", "package_id", "buyer", "supplier", "kind", "signed_on", "currency", "version")
        ],
        t.contract_lines: [
            {
                "contract_id": c.id,
                "line_no": n,
                "package_line_no": line.package_line_no,
                "item": line.item,
                "quantity": line.quantity,
                **_money("unit_price", line.unit_price),
            }
            for n, line in c.lines.items()
        ],
        t.delivery_schedule: [
            {"contract_id": c.id, "position": i, "line_no": s.line_no, "due": s.due, "quantity": s.quantity}
            for i, s in enumerate(c.schedule, start=1)
        ],
        t.contract_amendments: [_amendment_row(c.id, i, a) for i, a in enumerate(c.amendments.values(), start=1)],
    }


def _amendment_row(contract_id: str, position: int, a: Amendment) -> dict[str, Any]:
    changes = {
        "lines": [
            {
                "line_no": ch.line_no,
                "old_quantity": ch.old_quantity,
                "new_quantity": ch.new_quantity,
                "old_unit_price": str(ch.old_unit_price.amount),
                "new_unit_price": str(ch.new_unit_price.amount),
            }
            for ch in a.lines
        ],
        "schedule": [
            {"entry": d.entry, "old_due": d.old_due.isoformat(), "new_due": d.new_due.isoformat()} for d in a.schedule
        ],
    }
    return {
        "contract_id": contract_id,
        "position": position,
        "amendment_id": a.id,
        "kind": a.kind,
        "rationale": a.rationale,
        "description": a.description,
        "proposed_on": a.proposed_on,
        "state": a.state,
        "effective_on": a.effective_on,
        "awaiting": canonical(list(a.awaiting)),
        "accepted": canonical(list(a.accepted)),
        "rejected_by": a.rejected_by,
        "reason": a.reason,
        "changes": canonical(changes),
    }


def facility_rows(f: Facility) -> dict[Table, list[dict]]:
    return {
        t.facilities: [same_named(f, "id", "name", "country", "version")],
        t.facility_owners: [{"facility_id": f.id, "party": o.party, "share": str(o.share)} for o in f.owners],
        t.facility_capacity: [
            {"facility_id": f.id, "item": c.item, "from_month": c.from_month, "monthly_quantity": c.monthly_quantity}
            for c in f.capacity
        ],
        t.facility_item_terms: [
            {"facility_id": f.id, "item": k.item, "min_batch": k.min_batch, **_money("unit_cost", k.unit_cost)}
            for k in f.terms.values()
        ],
    }


def plan_rows(p: ProductionPlan) -> dict[Table, list[dict]]:
    return {
        t.production_plans: [
            {
                **same_named(p, "id", "state", "accepted_on", "first_month", "horizon", "status", "weighted_lateness"),
                **_money("cost", p.cost),
                **same_named(p, "input_digest", "superseded_by", "superseded_on", "version"),
            }
        ],
        t.production_plan_parts: [
            {"plan_id": p.id, "position": i, **same_named(part, "order_id", "facility_id", "month", "quantity")}
            for i, part in enumerate(p.parts, start=1)
        ],
        t.production_plan_shortfalls: [
            {"plan_id": p.id, "order_id": order_id, "quantity": quantity} for order_id, quantity in p.unplanned.items()
        ],
    }


_ORDER_COLUMNS = (
    "id",
    "facility_id",
    "contract_id",
    "contract_line_no",
    "item",
    "quantity",
    "due",
    "state",
    "accepted",
    "priority",
    "version",
)
_LOT_COLUMNS = ("lot_id", "quantity", "produced_on", "accepted", "rejected", "reason", "inspected_on")


def order_rows(o: ProductionOrder) -> dict[Table, list[dict]]:
    return {
        t.production_orders: [same_named(o, *_ORDER_COLUMNS)],
        t.lots: [{"order_id": o.id, **same_named(lot, *_LOT_COLUMNS)} for lot in o.lots.values()],
    }


def shipment_rows(s: Shipment) -> dict[Table, list[dict]]:
    return {
        t.shipments: [
            same_named(
                s, "id", "contract_id", "shipped_on", "state", "received_on", "note", "version", "expected_arrival"
            )
        ],
        t.shipment_lines: [
            {"shipment_id": s.id, "contract_line_no": n, "quantity": line.quantity, "received": line.received}
            for n, line in s.lines.items()
        ],
        t.shipment_lots: [
            {"shipment_id": s.id, "lot_id": lot.lot_id, "contract_line_no": n, "quantity": lot.quantity}
            for n, line in s.lines.items()
            for lot in line.lots
        ],
    }


def kiel_rows(k: KielDonorRelease) -> dict[Table, list[dict]]:
    return {
        t.kiel_allocations: [
            {
                "release": k.release,
                "donor": k.donor,
                "month": month,
                "donor_name": k.name,
                **{f"{m}_minor": figures[m].minor for m in KIEL_MEASURES},
                "currency": figures["total"].currency,
            }
            for month, figures in k.months.items()
        ]
    }


_TOKEN_COLUMNS = (
    "id",
    "party",
    "role",
    "secret_sha256",
    "label",
    "issued_at",
    "state",
    "revoked_at",
    "revoked_reason",
    "version",
)


def token_rows(k: ApiToken) -> dict[Table, list[dict]]:
    return {t.api_tokens: [same_named(k, *_TOKEN_COLUMNS)]}


@dataclass(frozen=True)
class Projection:
    entity: type[Entity]
    rows: Callable[[Any], dict[Table, list[dict]]]


#: Every entity kind, keyed by its stream prefix. Order is the order of a rebuild's output.
PROJECTIONS: dict[str, Projection] = {
    p.entity.KIND: p
    for p in (
        Projection(Party, party_rows),
        Projection(FxRecord, fx_rows),
        Projection(Requirement, requirement_rows),
        Projection(Pledge, pledge_rows),
        Projection(Package, package_rows),
        Projection(Contract, contract_rows),
        Projection(Facility, facility_rows),
        Projection(ProductionOrder, order_rows),
        Projection(Shipment, shipment_rows),
        Projection(KielDonorRelease, kiel_rows),
        Projection(ProductionPlan, plan_rows),
        Projection(ApiToken, token_rows),
        Projection(ApprovalSteps, approval_steps_rows),
        Projection(LogKey, lambda _key: {}),  # named in the log only: no table
        *(Projection(entity, rows) for entity, rows in enduse.ROWS),
        *(Projection(entity, rows) for entity, rows in evidence.ROWS),
        *(Projection(entity, rows) for entity, rows in lists.ROWS),
    )
}

#: Every table a projection writes, for rebuilds and checks.
PROJECTED_TABLES: tuple[Table, ...] = (
    t.parties,
    t.fx_rates,
    t.requirements,
    t.requirement_rankings,
    t.pledges,
    t.allocations,
    t.money_flows,
    t.packages,
    t.package_lines,
    t.package_decisions,
    t.package_steps,
    t.approval_steps,
    t.contracts,
    t.contract_lines,
    t.delivery_schedule,
    t.contract_amendments,
    t.facilities,
    t.facility_owners,
    t.facility_capacity,
    t.production_orders,
    t.lots,
    t.shipments,
    t.shipment_lines,
    t.shipment_lots,
    t.kiel_allocations,
    t.facility_item_terms,
    t.production_plans,
    t.production_plan_parts,
    t.production_plan_shortfalls,
    t.api_tokens,
    *enduse.TABLES,
    *evidence.TABLES,
    *lists.TABLES,
)


def rows_of(entity: Entity) -> Rows:
    """The entity's rows by table name and primary key (nothing for an unborn entity)."""
    if not entity.exists:
        return {}
    out: Rows = {}
    for table, rows in PROJECTIONS[entity.KIND].rows(entity).items():
        out[table.name] = {key_of(table, row): row for row in rows}
    return out

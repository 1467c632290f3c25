"""The trace of a package: every delivered line -> contract -> package line -> the pledges
that paid, with the lots it came from and, for serial-numbered items, the manifest that
starts each item's trail (issue 16)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection, RowMapping

from ...domain.attribution import attribute
from ...domain.errors import NotFound
from ...domain.money import Money
from ...store import schema as t
from ..evidence import findings
from .queries import contract_amendments
from .report_models import Trace
from .reports import _contract_lines, _fundings, _receipts


def trace(conn: Connection, package_id: str) -> Trace:
    """Every delivered line of a package -> contract -> package line -> the pledges that paid."""
    pkg = conn.execute(select(t.packages).where(t.packages.c.id == package_id)).mappings().one_or_none()
    if pkg is None:
        raise NotFound("package", package_id)
    lines = {
        row.line_no: row
        for row in conn.execute(select(t.package_lines).where(t.package_lines.c.package_id == package_id))
    }
    fundings = _fundings(conn, package_id)
    allocations = (
        conn.execute(select(t.allocations).where(t.allocations.c.package_id == package_id).order_by(t.allocations.c.id))
        .mappings()
        .all()
    )
    funders = dict(conn.execute(select(t.pledges.c.id, t.pledges.c.funder)).all())
    line_json = {no: _traced_line(row, allocations, funders) for no, row in lines.items()}
    lots = _lots_by_shipment_line(conn, package_id)
    delivered = []
    receipts = list(_receipts(conn, package_id))
    manifests = _serial_manifests(conn, [f"{r.shipment_id}.{r.line_no}" for r in receipts])
    flows = _money_flows(conn, package_id)
    changes = _line_changes(conn, {r.contract_id for r in receipts})
    for receipt in receipts:
        history = changes.get((receipt.contract_id, receipt.line_no), [])
        price = _price_when_sent(receipt, history)
        value = Money.from_minor(price.minor * receipt.received, price.currency)
        shares = attribute(value, fundings.get((package_id, receipt.package_line_no), []))
        traced = _traced_receipt(
            receipt, price, value, shares, lots.get((receipt.shipment_id, receipt.line_no), []), line_json
        )
        traced["serials"] = manifests.get(f"{receipt.shipment_id}.{receipt.line_no}")
        traced["payments"] = _payments_for(flows, receipt, {s.funding.pledge_id for s in shares})
        traced["contract"]["amendments"] = history
        delivered.append(traced)
    answer = {
        "package": {
            "id": pkg["id"],
            "title": pkg["title"],
            "mechanism": pkg["mechanism"],
            "state": pkg["state"],
            "currency": pkg["currency"],
            "seller": pkg["seller"],
            "recipient": pkg["recipient"],
        },
        "lines": [line_json[no] for no in sorted(lines)],
        "approvals": _approvals(conn, package_id),
        # records of the chain with audit findings still open (issue 18)
        "open_findings": findings.flags(conn, package_id),
        "contracts": [_traced_contract_line(c) for c in _contract_lines(conn, package_id)],
        "delivered": delivered,
    }
    return cast(Trace, answer)


def _approvals(conn: Connection, package_id: str) -> list[dict]:
    """Who agreed to the package and when (issue 17 item 2): its validations, each funder's
    concurrence or objection, then each approver's decision, in the order taken. Who, what
    and when are public; the reasons stay with the package's steps and decisions."""
    s, d = t.package_steps, t.package_decisions
    steps = conn.execute(
        select(s.c.step, s.c.party, s.c.verdict, s.c.done_on).where(s.c.package_id == package_id).order_by(s.c.position)
    ).all()
    decisions = conn.execute(
        select(d.c.party, d.c.decision, d.c.decided_on).where(d.c.package_id == package_id).order_by(d.c.position)
    ).all()
    return [{"step": r.step, "party": r.party, "verdict": r.verdict, "on": r.done_on.isoformat()} for r in steps] + [
        {"step": "decision", "party": r.party, "verdict": r.decision, "on": r.decided_on.isoformat()} for r in decisions
    ]


def _traced_line(row: Any, allocations: Sequence[RowMapping], funders: dict[str, str]) -> dict:
    """A package line and the allocations that fund it."""
    return {
        "line_no": row.line_no,
        "requirement_id": row.requirement_id,
        "item": row.item,
        "quantity": row.quantity,
        "unit_price": str(Money.from_minor(row.unit_price_minor, row.unit_price_currency).amount),
        "funded_by": [
            {
                "allocation_id": alloc["id"],
                "pledge_id": alloc["pledge_id"],
                "funder": funders.get(alloc["pledge_id"]),
                "amount": str(Money.from_minor(alloc["amount_minor"], alloc["amount_currency"]).amount),
                "currency": alloc["amount_currency"],
                "line_amount": str(Money.from_minor(alloc["line_amount_minor"], alloc["line_amount_currency"]).amount),
                "fx_rate": alloc["fx_rate"],
                "fx_date": alloc["fx_date"].isoformat() if alloc["fx_date"] else None,
                "allocated_on": alloc["allocated_on"].isoformat(),
            }
            for alloc in allocations
            if alloc["line_no"] == row.line_no
        ],
    }


def _price_when_sent(receipt: Any, history: list[dict]) -> Money:
    """The unit price in force when the item was shipped: items sent before a change keep
    the price they were sent at (the signed one, or an earlier change's)."""
    current = Money.from_minor(receipt.unit_price_minor, receipt.unit_price_currency)
    in_force = [a for a in history if a["state"] == "in_force" and a["effective_on"]]
    later = [a for a in in_force if a["effective_on"] > receipt.shipped_on.isoformat()]
    if not later:
        return current
    return Money.parse(later[0]["old_unit_price"], current.currency)


def _traced_receipt(
    receipt: Any, price: Money, value: Money, shares: list, lots: list[dict], line_json: dict[int, dict]
) -> dict:
    """A confirmed receipt: what arrived, under which contract and package line, paid by whom."""
    return {
        "shipment_id": receipt.shipment_id,
        "shipped_on": receipt.shipped_on.isoformat(),
        "received_on": receipt.received_on.isoformat(),
        "item": receipt.item,
        "shipped": receipt.quantity,
        "received": receipt.received,
        "discrepancy": receipt.quantity - receipt.received,
        "note": receipt.note,
        "value": str(value.amount),
        "currency": value.currency,
        "lots": lots,
        "contract": {
            "id": receipt.contract_id,
            "line_no": receipt.line_no,
            "unit_price": str(price.amount),
        },
        "package_line": line_json[receipt.package_line_no],
        "paid_by": [
            {
                "pledge_id": s.funding.pledge_id,
                "funder": s.funding.funder,
                "amount": str(s.line_amount.amount),
                "currency": s.line_amount.currency,
                "pledge_amount": str(s.pledge_amount.amount),
                "pledge_currency": s.pledge_amount.currency,
            }
            for s in shares
        ],
    }


def _line_changes(conn: Connection, contract_ids: set[str]) -> dict[tuple[str, int], list[dict]]:
    """(contract, line) -> every change proposed to the line's terms, oldest first (issue 15
    item 4): the first one's old terms are those signed, each one's new terms what it made
    (or would make) them, with its rationale and whether it took effect."""
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for cid in sorted(contract_ids):
        for a in contract_amendments(conn, cid):
            for line in a["lines"]:
                out[(cid, line["line_no"])].append(
                    {
                        "amendment_id": a["amendment_id"],
                        "position": a["position"],
                        "kind": a["kind"],
                        "rationale": a["rationale"],
                        "description": a["description"],
                        "state": a["state"],
                        "proposed_on": a["proposed_on"],
                        "effective_on": a["effective_on"],
                        **{k: line[k] for k in ("old_quantity", "new_quantity", "old_unit_price", "new_unit_price")},
                    }
                )
    return out


def _money_flows(conn: Connection, package_id: str) -> Sequence[RowMapping]:
    """The money of the package's pledges along its stages (issue 15): what they paid into the
    account, what went to the seller for this package and what the seller paid its suppliers."""
    f = t.money_flows
    mine = select(t.allocations.c.pledge_id).where(t.allocations.c.package_id == package_id)
    query = (
        select(f, t.pledges.c.funder)
        .select_from(f.join(t.pledges, t.pledges.c.id == f.c.pledge_id))
        .where(f.c.pledge_id.in_(mine), (f.c.stage == "paid_in") | (f.c.package_id == package_id))
        .order_by(f.c.day, f.c.pledge_id, f.c.position)
    )
    return conn.execute(query).mappings().all()


#: the stages that carried a delivered item's money from its funders to its supplier
PAYMENT_STAGES = ("paid_in", "transferred", "expended")


def _payments_for(flows: Sequence[RowMapping], receipt: Any, pledge_ids: set[str]) -> list[dict]:
    """The payments that paid for a delivered line: its pledges' payments into the account,
    their transfers to the seller for the package, and the seller's payments to the supplier
    on its contract line, oldest first."""
    out = []
    for f in flows:
        if f["pledge_id"] not in pledge_ids or f["stage"] not in PAYMENT_STAGES:
            continue
        if f["stage"] == "expended" and (f["contract_id"], f["contract_line_no"]) != (
            receipt.contract_id,
            receipt.line_no,
        ):
            continue
        seller = Money.from_minor(f["seller_minor"], f["seller_currency"]) if f["seller_currency"] else None
        out.append(
            {
                "stage": f["stage"],
                "pledge_id": f["pledge_id"],
                "position": f["position"],
                "funder": f["funder"],
                "reference": f["reference"],
                "on": f["day"].isoformat(),
                "amount": str(Money.from_minor(f["amount_minor"], f["amount_currency"]).amount),
                "currency": f["amount_currency"],
                "seller_amount": str(seller.amount) if seller else None,
                "seller_currency": seller.currency if seller else None,
            }
        )
    return out


def _serial_manifests(conn: Connection, ids: list[str]) -> dict[str, dict]:
    """The serial manifests of shipment lines (issue 16): where each serial-numbered item's
    trail starts; its root is the one in the signed log (``serial prove`` walks from it)."""
    m = t.serial_manifests
    rows = conn.execute(select(m.c.id, m.c.root).where(m.c.id.in_(ids), m.c.kind == "shipped"))
    return {r.id: {"manifest": r.id, "root": r.root} for r in rows}


def _traced_contract_line(c: Any) -> dict:
    return {
        "id": c.id,
        "supplier": c.supplier,
        "kind": c.kind,
        "signed_on": c.signed_on.isoformat(),
        "line_no": c.line_no,
        "package_line_no": c.package_line_no,
        "item": c.item,
        "quantity": c.quantity,
        "unit_price": str(Money.from_minor(c.unit_price_minor, c.unit_price_currency).amount),
    }


def _lots_by_shipment_line(conn: Connection, package_id: str) -> dict[tuple[str, int], list[dict]]:
    s, sl, c, lot, o = t.shipments, t.shipment_lots, t.contracts, t.lots, t.production_orders
    rows = conn.execute(
        select(
            sl.c.shipment_id,
            sl.c.contract_line_no,
            sl.c.lot_id,
            sl.c.quantity,
            o.c.facility_id,
            o.c.id.label("order_id"),
            lot.c.produced_on,
            lot.c.accepted,
            lot.c.rejected,
            lot.c.reason,
            lot.c.inspected_on,
        )
        .select_from(
            sl.join(s, s.c.id == sl.c.shipment_id)
            .join(c, c.c.id == s.c.contract_id)
            .join(lot, lot.c.lot_id == sl.c.lot_id)
            .join(o, o.c.id == lot.c.order_id)
        )
        .where(c.c.package_id == package_id)
        .order_by(sl.c.lot_id)
    )
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for r in rows:
        out[(r.shipment_id, r.contract_line_no)].append(
            {
                "lot_id": r.lot_id,
                "quantity": r.quantity,
                "order_id": r.order_id,
                "facility_id": r.facility_id,
                "produced_on": r.produced_on.isoformat(),
                "quality": {
                    "accepted": r.accepted,
                    "rejected": r.rejected,
                    "reason": r.reason,
                    "inspected_on": r.inspected_on.isoformat() if r.inspected_on else None,
                },
            }
        )
    return out

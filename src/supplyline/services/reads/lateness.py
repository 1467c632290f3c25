"""What is late, and who must act: ``report late`` (issue 17, item 3).

Five kinds of lateness, each measured against the as-of date in days and whole months:

- a contract's delivery schedule entry, late when the units received by its due date fall
  short of it (confirmed receipts fill the earliest entries first, as the OCDS milestones
  count them); the contract's supplier must deliver;
- an open production order past its due date, short by the units not yet accepted; the
  contract's supplier (who placed it) must produce or reschedule;
- a requirement past its ``needed_by`` with units not delivered: the coordinator must fund
  it while it is not fully funded, else it waits on deliveries like the schedules above;
- a shipment on its way past its expected arrival: whoever sent it must deliver it or move
  the expected day: the seller (the contract's buyer) when it dispatched the shipment, else
  the contract's supplier;
- a package proposed and waiting on a decision, aged from when it was last funded (its
  last allocation: a package is decided once its money is in place); the approvers that
  have not decided must act.

Orders are late by the same rule as the planner's (``engines/planner/model.late_by``):
an order whose due month is before the as-of month is late in any plan from that month.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.lifecycle import PRODUCTION_ORDER
from ...domain.schedule import lateness, months_elapsed
from ...store import schema as t
from ..access.views import Viewer
from .agreement import package_checklist, package_steps
from .lateness_models import (
    LateOrder,
    LateReport,
    LateRequirement,
    LateScheduleEntry,
    LateShipment,
    MustAct,
    WaitingPackage,
)
from .read_models import CheckItemRecord

#: a checklist's verdicts that count as the step taken (``domain.agreement.CheckItem.done``)
_DONE = ("validated", "concur")

#: (kind, record id, projection table, key) -> whether to keep a row (the API's viewer)
Keep = Callable[[str, str, str, tuple], bool]


def everything(kind: str, record_id: str, table: str, key: tuple) -> bool:
    return True


def seen_by(viewer: Viewer) -> Keep:
    """The rows a viewer may see: records it may read whose dates and quantities it sees
    (a row with any of them withheld from it would give them away). The API and the
    lateness page both keep rows so."""

    def keep(kind: str, record_id: str, table: str, key: tuple) -> bool:
        return bool(viewer.readable(kind, [record_id])) and not viewer.hidden(table, key)

    return keep


def late(conn: Connection, as_of: date, keep: Keep = everything) -> LateReport:
    """Everything late or waiting on ``as_of``, most late first in each list."""
    return {
        "as_of": as_of.isoformat(),
        "schedule_entries": _schedule(conn, as_of, keep),
        "orders": _orders(conn, as_of, keep),
        "requirements": _requirements(conn, as_of, keep),
        "shipments": _shipments(conn, as_of, keep),
        "packages": _packages(conn, as_of, keep),
    }


def _received(conn: Connection, as_of: date) -> dict[tuple[str, int], int]:
    s, sl = t.shipments, t.shipment_lines
    query = (
        select(s.c.contract_id, sl.c.contract_line_no, func.sum(sl.c.received))
        .select_from(sl.join(s, s.c.id == sl.c.shipment_id))
        .where(sl.c.received.is_not(None), s.c.received_on <= as_of)
        .group_by(s.c.contract_id, sl.c.contract_line_no)
    )
    return {(cid, n): int(q or 0) for cid, n, q in conn.execute(query)}


def _schedule(conn: Connection, as_of: date, keep: Keep) -> list[LateScheduleEntry]:
    d, c, cl = t.delivery_schedule, t.contracts, t.contract_lines
    rows = conn.execute(
        select(d, c.c.supplier, cl.c.item)
        .select_from(
            d.join(c, c.c.id == d.c.contract_id).join(
                cl, (cl.c.contract_id == d.c.contract_id) & (cl.c.line_no == d.c.line_no)
            )
        )
        .order_by(d.c.contract_id, d.c.due, d.c.position)
    ).all()
    left = _received(conn, as_of)
    out: list[LateScheduleEntry] = []
    for r in rows:
        key = (r.contract_id, r.line_no)
        filled = min(left.get(key, 0), r.quantity)
        left[key] = left.get(key, 0) - filled
        if (
            r.due >= as_of
            or filled == r.quantity
            or not keep("contract", r.contract_id, "delivery_schedule", (r.contract_id, r.position))
        ):
            continue
        out.append(
            cast(
                LateScheduleEntry,
                {
                    "contract_id": r.contract_id,
                    "entry": r.position,
                    "line_no": r.line_no,
                    "item": r.item,
                    "due": r.due.isoformat(),
                    "quantity": r.quantity,
                    "received": filled,
                    "short": r.quantity - filled,
                    **lateness(r.due, as_of),
                    "must_act": {"role": "supplier", "parties": [r.supplier]},
                },
            )
        )
    return sorted(out, key=lambda e: (-e["days_late"], e["contract_id"], e["entry"]))


def _orders(conn: Connection, as_of: date, keep: Keep) -> list[LateOrder]:
    o, c = t.production_orders, t.contracts
    rows = conn.execute(
        select(o, c.c.supplier)
        .select_from(o.join(c, c.c.id == o.c.contract_id))
        .where(o.c.due < as_of, o.c.state.not_in(sorted(PRODUCTION_ORDER.group("final"))))
        .order_by(o.c.due, o.c.id)
    ).all()
    return [
        cast(
            LateOrder,
            {
                "order_id": r.id,
                "facility_id": r.facility_id,
                "contract_id": r.contract_id,
                "item": r.item,
                "state": r.state,
                "due": r.due.isoformat(),
                "quantity": r.quantity,
                "accepted": r.accepted,
                "short": r.quantity - r.accepted,
                **lateness(r.due, as_of),
                "must_act": {"role": "supplier", "parties": [r.supplier]},
            },
        )
        for r in rows
        if keep("order", r.id, "production_orders", (r.id,))
    ]


def _shipments(conn: Connection, as_of: date, keep: Keep) -> list[LateShipment]:
    s, c, e = t.shipments, t.contracts, t.events
    sent_by = dict(conn.execute(select(e.c.stream_id, e.c.actor).where(e.c.type == "ShipmentDispatched")).all())
    rows = conn.execute(
        select(s, c.c.supplier, c.c.buyer)
        .select_from(s.join(c, c.c.id == s.c.contract_id))
        .where(s.c.state == "shipped", s.c.expected_arrival < as_of)
        .order_by(s.c.expected_arrival, s.c.id)
    ).all()
    return [
        cast(
            LateShipment,
            {
                "shipment_id": r.id,
                "contract_id": r.contract_id,
                "shipped_on": r.shipped_on.isoformat(),
                "expected_arrival": r.expected_arrival.isoformat(),
                **lateness(r.expected_arrival, as_of),
                "must_act": _sender(sent_by.get(f"shipment:{r.id}"), r.buyer, r.supplier),
            },
        )
        for r in rows
        if keep("shipment", r.id, "shipments", (r.id,))
    ]


def _sender(sent_by: str | None, buyer: str, supplier: str) -> MustAct:
    """Who must act on a late shipment: the party that sent it, the seller (the contract's
    buyer) or its supplier; a shipment an operator recorded on their behalf is the supplier's."""
    if sent_by == buyer and buyer != supplier:
        return {"role": "seller", "parties": [buyer]}
    return {"role": "supplier", "parties": [supplier]}


def _requirements(conn: Connection, as_of: date, keep: Keep) -> list[LateRequirement]:
    q = t.requirements
    rows = conn.execute(
        select(q)
        .where(q.c.needed_by < as_of, q.c.delivered_quantity < q.c.quantity, q.c.state != "withdrawn")
        .order_by(q.c.needed_by, q.c.id)
    ).all()
    sellers = _sellers_of_requirements(conn)
    out: list[LateRequirement] = []
    for r in rows:
        if not keep("requirement", r.id, "requirements", (r.id,)):
            continue
        unfunded = r.funded_quantity < r.quantity
        out.append(
            cast(
                LateRequirement,
                {
                    "requirement_id": r.id,
                    "recipient": r.recipient,
                    "item": r.item,
                    "state": r.state,
                    "needed_by": r.needed_by.isoformat(),
                    "quantity": r.quantity,
                    "funded": r.funded_quantity,
                    "delivered": r.delivered_quantity,
                    "short": r.quantity - r.delivered_quantity,
                    **lateness(r.needed_by, as_of),
                    "must_act": {"role": "coordinator", "parties": []}
                    if unfunded
                    else {"role": "seller", "parties": sorted(sellers.get(r.id, ()))},
                },
            )
        )
    return out


def _sellers_of_requirements(conn: Connection) -> dict[str, set[str]]:
    p, pl = t.packages, t.package_lines
    out: dict[str, set[str]] = defaultdict(set)
    for rid, seller in conn.execute(
        select(pl.c.requirement_id, p.c.seller).select_from(pl.join(p, p.c.id == pl.c.package_id))
    ):
        out[rid].add(seller)
    return out


def _packages(conn: Connection, as_of: date, keep: Keep) -> list[WaitingPackage]:
    """Packages waiting on a decision as they stood on ``as_of``: the proposed ones and those
    decided only later (a rejection after ``as_of`` does not hide how long it had waited)."""
    p, a, dec = t.packages, t.allocations, t.package_decisions
    decided_later = select(dec.c.package_id).where(dec.c.decided_on > as_of)
    rows = conn.execute(select(p).where((p.c.state == "proposed") | p.c.id.in_(decided_later)).order_by(p.c.id)).all()
    funded_on = dict(
        conn.execute(
            select(a.c.package_id, func.max(a.c.allocated_on)).where(a.c.allocated_on <= as_of).group_by(a.c.package_id)
        ).all()
    )
    ever_funded = set(conn.execute(select(a.c.package_id).distinct()).scalars())
    verdicts: dict[str, dict[str, str]] = defaultdict(dict)
    for pid, party, decision in conn.execute(
        select(dec.c.package_id, dec.c.party, dec.c.decision).where(dec.c.decided_on <= as_of)
    ):
        verdicts[pid][party] = decision
    out: list[WaitingPackage] = []
    for r in rows:
        approvers = _json_list(r.approvers)
        said = verdicts[r.id]
        if "reject" in said.values() or (approvers and set(approvers) <= set(said)):
            continue  # decided by then
        since = funded_on.get(r.id) or (None if r.id in ever_funded else _proposed_on(conn, r.id))
        if since is None or since > as_of or not keep("package", r.id, "packages", (r.id,)):
            continue
        out.append(
            {
                "package_id": r.id,
                "title": r.title,
                "state": "proposed",
                "waiting_since": since.isoformat(),
                "days_waiting": (as_of - since).days,
                "months_waiting": months_elapsed(since, as_of),
                "must_act": _who_must_act(conn, r.id, r.mechanism, [x for x in approvers if x not in said], as_of),
            }
        )
    return sorted(out, key=lambda e: (-e["days_waiting"], e["package_id"]))


def _who_must_act(conn: Connection, package_id: str, mechanism: str, undecided: list[str], as_of: date) -> MustAct:
    """The approvers may decide only once the package's steps are taken (issue 17 item 2):
    until then it waits on the coordinator's validation, then on the funders who have not
    concurred (an objection included), as its checklist stood on ``as_of``."""
    open_steps = [c for c in checklist_as_of(conn, package_id, mechanism, as_of) if c["verdict"] not in _DONE]
    if any(c["step"] == "validation" for c in open_steps):
        return {"role": "coordinator", "parties": []}
    if open_steps:
        return {"role": "funder", "parties": sorted(c["party"] for c in open_steps)}
    return {"role": "approver", "parties": undecided}


def checklist_as_of(conn: Connection, package_id: str, mechanism: str, as_of: date) -> list[CheckItemRecord]:
    """A package's checklist with only the steps taken by ``as_of``."""
    steps = [s for s in package_steps(conn, package_id) if s["done_on"] <= as_of.isoformat()]
    return package_checklist(conn, package_id, mechanism, steps)


def _proposed_on(conn: Connection, package_id: str) -> date | None:
    """The day a package without allocations was proposed (when its proposal was recorded)."""
    e = t.events
    stamp = conn.execute(
        select(e.c.recorded_at).where(e.c.stream_id == f"package:{package_id}", e.c.type == "PackageProposed")
    ).scalar()
    return date.fromisoformat(stamp[:10]) if stamp else None


def _json_list(text: str) -> list[str]:
    value = json.loads(text or "[]")
    return [str(x) for x in value] if isinstance(value, list) else []

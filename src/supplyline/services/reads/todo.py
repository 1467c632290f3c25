"""What waits on a party (issue 17, item 4): ``todo``, ``GET /todo`` and the /todo page.

One function, ``needs_action``, gathers the queue from one small function per source, each
returning items of one shape, and lists them oldest first:

- ``decide``: a proposed package the party approves and has not decided, once its steps are
  taken (``report late``'s waiting packages, aged the same way); one still waiting on a
  validation or a concurrence is listed apart, under ``waiting``, naming whom it waits on;
- ``validate``: for coordinators, a waiting package whose mechanism asks for a validation
  not yet given (or given back with reasons);
- ``concur``: a waiting package the party's pledge pays for and it has not concurred with
  or objected to;
- ``approve``: a proposed list version the party approves and has not approved;
- ``receive``: a shipment on its way to the party (the recipient of its package), to confirm;
- ``inventory``: the party's end-use items overdue for an inventory, or falling due within
  30 days, per package and site (``report end-use``'s deadlines);
- ``explain``: a late schedule entry, production order or shipment ``report late`` names the
  party as who must act on;
- ``fund``: a requirement past its needed-by date and not fully funded (for coordinators).

An item carries ``since`` (the day it began to wait, or falls due) and ``days`` (how long
it has waited by the as-of day: negative when it falls due later). Every item is kept only
if the viewer may read its record and the dates it repeats (``lateness.seen_by``, the rule
``report late`` keeps rows by)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.access import Principal
from ...ledger.canonical import parse
from ...store import schema as t
from ..end_use.enduse_report import Filters, deadlines, due_soon, overdue_serials
from .lateness import Keep, checklist_as_of, late
from .lateness_models import LateReport, Todo, TodoItem
from .lists import list_versions

#: what a source is given: the connection, who asks, the as-of day, the row filter and
#: ``report late`` as of that day (computed once for the sources that read it)
Source = Callable[[Connection, Principal, date, Keep, LateReport], list[TodoItem]]


def _item(action: str, kind: str, record_id: str, since: date, as_of: date, **detail) -> TodoItem:
    return {
        "action": action,
        "kind": kind,
        "id": record_id,
        "since": since.isoformat(),
        "days": (as_of - since).days,
        "detail": detail,
    }


def decisions(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    return [
        _item("decide", "package", p["package_id"], date.fromisoformat(p["waiting_since"]), as_of, title=p["title"])
        for p in report["packages"]
        if p["must_act"]["role"] == "approver" and who.party in p["must_act"]["parties"]
    ]


def awaited(conn: Connection, who: Principal, as_of: date, report: LateReport) -> list[TodoItem]:
    """Packages the party is to decide once others have taken their steps: not yet its to-do,
    listed apart with whom they wait on (``detail.waiting_on``)."""
    p, dec = t.packages, t.package_decisions
    ids = [row["package_id"] for row in report["packages"] if row["must_act"]["role"] != "approver"]
    approvers = dict(conn.execute(select(p.c.id, p.c.approvers).where(p.c.id.in_(ids))).all())
    decided = set(
        conn.execute(
            select(dec.c.package_id).where(
                dec.c.package_id.in_(ids), dec.c.party == who.party, dec.c.decided_on <= as_of
            )
        ).scalars()
    )
    return [
        _item(
            "decide",
            "package",
            row["package_id"],
            date.fromisoformat(row["waiting_since"]),
            as_of,
            title=row["title"],
            waiting_on=row["must_act"],
        )
        for row in report["packages"]
        if row["package_id"] in approvers
        and who.party in parse(approvers[row["package_id"]] or "[]")
        and row["package_id"] not in decided
    ]


def receipts(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    s, c, p = t.shipments, t.contracts, t.packages
    rows = conn.execute(
        select(s.c.id, s.c.contract_id, s.c.shipped_on, s.c.expected_arrival)
        .select_from(s.join(c, c.c.id == s.c.contract_id).join(p, p.c.id == c.c.package_id))
        .where(s.c.state == "shipped", p.c.recipient == who.party, s.c.shipped_on <= as_of)
        .order_by(s.c.shipped_on, s.c.id)
    ).all()
    return [
        _item(
            "receive",
            "shipment",
            r.id,
            r.shipped_on,
            as_of,
            contract_id=r.contract_id,
            expected_arrival=r.expected_arrival.isoformat() if r.expected_arrival else None,
        )
        for r in rows
        if keep("shipment", r.id, "shipments", (r.id,))
    ]


def inventories(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    p = t.packages
    mine = frozenset(conn.execute(select(p.c.id).where(p.c.recipient == who.party)).scalars())
    mine = frozenset(i for i in mine if keep("package", i, "packages", (i,)))
    if not mine:
        return []
    rules = deadlines(conn)
    overdue: dict[tuple[str, str | None], list[date]] = defaultdict(list)
    for row in overdue_serials(conn, as_of, Filters(packages=mine)):
        last = row["inventoried_on"] or row["received_on"]
        gap = rules.interval_days if row["inventoried_on"] else rules.initial_days
        overdue[row["package_id"], row["site_id"]].append(date.fromisoformat(last) + timedelta(days=gap))
    out = [
        _item("inventory", "package", pkg, min(days), as_of, site_id=site, items=len(days), overdue=True)
        for (pkg, site), days in overdue.items()
    ]
    for r in due_soon(conn, as_of, Filters(packages=mine)):
        out.append(
            _item(
                "inventory",
                "package",
                r["package_id"],
                date.fromisoformat(r["first_due"]),
                as_of,
                site_id=r["site_id"],
                items=r["items"],
                overdue=False,
            )
        )
    return out


#: report late's lists of deliveries, the kind of record each row is about, and its id
_DELIVERIES: tuple[tuple[Literal["schedule_entries", "orders", "shipments"], str, str, str], ...] = (
    ("schedule_entries", "contract", "contract_id", "due"),
    ("orders", "order", "order_id", "due"),
    ("shipments", "shipment", "shipment_id", "expected_arrival"),
)


def late_deliveries(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    out = []
    for section, kind, key, due in _DELIVERIES:
        for row in cast(list[Mapping[str, Any]], report[section]):  # each row named by its section's key
            if who.party in row["must_act"]["parties"]:
                detail = {k: v for k, v in row.items() if k not in (key, "must_act", due)}
                out.append(_item("explain", kind, row[key], date.fromisoformat(row[due]), as_of, **detail))
    return out


def unfunded(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    if who.role != "coordinator":
        return []
    return [
        _item("fund", "requirement", r["requirement_id"], date.fromisoformat(r["needed_by"]), as_of, item=r["item"])
        for r in report["requirements"]
        if r["must_act"]["role"] == "coordinator"
    ]


def _checklists(conn: Connection, report: LateReport, as_of: date) -> list[tuple[dict, list]]:
    """Each package waiting on a decision (report late's, so only those the caller may read,
    aged from when their money was in place) with its checklist as it stood on ``as_of``
    (issue 17, item 2)."""
    p = t.packages
    ids = [row["package_id"] for row in report["packages"]]
    mechanisms = dict(conn.execute(select(p.c.id, p.c.mechanism).where(p.c.id.in_(ids))).all())
    return [
        (dict(row), checklist_as_of(conn, pid, mechanisms[pid], as_of))
        for row in report["packages"]
        if (pid := row["package_id"]) in mechanisms
    ]


def validations(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    if who.role != "coordinator":
        return []
    return [
        _item(
            "validate",
            "package",
            row["package_id"],
            date.fromisoformat(row["waiting_since"]),
            as_of,
            title=row["title"],
        )
        for row, checks in _checklists(conn, report, as_of)
        if any(c["step"] == "validation" and c["verdict"] != "validated" for c in checks)
    ]


def concurrences(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    return [
        _item(
            "concur", "package", row["package_id"], date.fromisoformat(row["waiting_since"]), as_of, title=row["title"]
        )
        for row, checks in _checklists(conn, report, as_of)
        if any(c["step"] == "concurrence" and c["party"] == who.party and c["verdict"] is None for c in checks)
    ]


def list_approvals(conn: Connection, who: Principal, as_of: date, keep: Keep, report: LateReport) -> list[TodoItem]:
    """List versions proposed and waiting on the party's approval (issue 17, item 1)."""
    out = []
    for v in list_versions(conn):
        approvers = parse(v["approvers"]) if isinstance(v["approvers"], str) else v["approvers"]
        approved = {a["party"] for a in v["approvals"]}
        if v["state"] == "proposed" and who.party in approvers and who.party not in approved:
            since = date.fromisoformat(str(v["proposed_on"]))
            out.append(_item("approve", "list_version", v["id"], since, as_of, month=v["month"]))
    return out


SOURCES: tuple[Source, ...] = (
    decisions,
    validations,
    concurrences,
    list_approvals,
    receipts,
    inventories,
    late_deliveries,
    unfunded,
)


def needs_action(conn: Connection, who: Principal, as_of: date, keep: Keep) -> Todo:
    """What waits on ``who`` (a party in a role) on ``as_of``, oldest first."""
    report = late(conn, as_of, keep)
    items = [item for source in SOURCES for item in source(conn, who, as_of, keep, report)]
    items.sort(key=lambda i: (i["since"], i["action"], i["kind"], i["id"]))
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item["action"]] += 1
    waiting = sorted(awaited(conn, who, as_of, report), key=lambda i: (i["since"], i["id"]))
    return {
        "party": who.party,
        "role": who.role,
        "as_of": as_of.isoformat(),
        "counts": dict(counts),
        "items": items,
        "waiting": waiting,
    }


def principal_of(conn: Connection, party: str, role: str | None = None) -> Principal:
    """The party in ``role``, or, when none is given, in the role of its earliest live API
    token (``party`` when it has none: no role's own items then)."""
    if role is None:
        k = t.api_tokens
        role = conn.execute(
            select(k.c.role).where(k.c.party == party, k.c.state == "active").order_by(k.c.issued_at, k.c.id).limit(1)
        ).scalar()
    return Principal(party, role or "party")

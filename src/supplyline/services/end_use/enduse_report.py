"""End-use compliance figures, from the serial index (never by replaying events).

An item counts once received (on or before the as-of date). Its status as of a date:
``disposed`` (a final disposition on or before it), ``overdue`` (delinquent: no inventory
within ``initial_days`` of receipt, or none within ``interval_days`` of the last), ``due``
(never inventoried, still in time) or ``done`` (inventoried, the next one not yet late).
Compliance is the share not overdue, by count and by value; the delinquency figure is its
complement, as DoD's Inspector General states it (DODIG-2024-043).

Who sees what is decided by the caller (services/end_use/enduse_views.py); this module computes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.engine import Connection

from ...domain.enduse import INVENTORIES, RULES_ID, Deadlines
from ...domain.money import Money
from ...store import schema as t
from ..reads.report_models import EndUseFigures, EndUseReport, OverdueSerial

STATUSES = ("due", "done", "overdue", "disposed")


def deadlines(conn: Connection) -> Deadlines:
    r = t.inventory_rules
    row = conn.execute(select(r.c.initial_days, r.c.interval_days).where(r.c.id == RULES_ID)).first()
    return Deadlines(*row) if row else Deadlines()


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    site_id: str | None = None
    package_id: str | None = None
    packages: frozenset[str] | None = None  # only these packages (a funder's)


def _earlier_inventory(as_of: date):
    """The item's last inventory on or before ``as_of``, from the manifests: needed only for
    the items whose stored latest inventory is later than ``as_of`` (reports of a past date)."""
    i, m, s = t.end_use_items, t.serial_manifests, t.manifest_serials
    return (
        select(func.max(m.c.on))
        .select_from(s.join(m, m.c.id == s.c.manifest_id))
        .where(s.c.serial == i.c.serial, m.c.kind.in_(INVENTORIES), m.c.on <= as_of)
        .scalar_subquery()
    )


#: the two kinds of item a report reads: those whose stored latest inventory holds as of the
#: date (nearly all: plain columns, one scan), and those inventoried only after it
CURRENT, LATER = "current", "later"


def status_column(as_of: date, rules: Deadlines, part: str = CURRENT, i=t.end_use_items):
    initial_cut, interval_cut = rules.cutoffs(as_of)
    inv = i.c.inventoried_on if part == CURRENT else _earlier_inventory(as_of)
    return case(
        (and_(i.c.disposed_on.is_not(None), i.c.disposed_on <= as_of), literal("disposed")),
        (and_(inv.is_(None), i.c.received_on < initial_cut), literal("overdue")),
        (inv.is_(None), literal("due")),
        (inv < interval_cut, literal("overdue")),
        else_=literal("done"),
    )


def overdue_condition(as_of: date, rules: Deadlines, part: str = CURRENT, i=t.end_use_items):
    """``status_column(...) == "overdue"`` as plain comparisons: PostgreSQL's planner cannot
    estimate a CASE's result, took it for a few rows and sorted every item to list the first
    overdue serials (0.48 s of a million; with this, it walks the serial index)."""
    initial_cut, interval_cut = rules.cutoffs(as_of)
    inv = i.c.inventoried_on if part == CURRENT else _earlier_inventory(as_of)
    return and_(
        or_(i.c.disposed_on.is_(None), i.c.disposed_on > as_of),
        or_(and_(inv.is_(None), i.c.received_on < initial_cut), inv < interval_cut),
    )


def _part(part: str, as_of: date, i=t.end_use_items):
    if part == CURRENT:
        return (i.c.inventoried_on.is_(None)) | (i.c.inventoried_on <= as_of)
    return i.c.inventoried_on > as_of


def _where(f: Filters, as_of: date, i=t.end_use_items) -> list:
    out = [i.c.received_on.is_not(None), i.c.received_on <= as_of]
    if f.category:
        out.append(i.c.category == f.category)
    if f.site_id:
        out.append(i.c.site_id == f.site_id)
    if f.package_id:
        out.append(i.c.package_id == f.package_id)
    if f.packages is not None:
        out.append(i.c.package_id.in_(sorted(f.packages)))
    return out


def _no_jit(conn: Connection) -> None:
    """PostgreSQL's JIT compiles a scan of a million items for longer than the scan runs
    (measured: bench/end_use.py); off for the rest of this read transaction only."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL jit = off")


def grouped(conn: Connection, as_of: date, f: Filters = Filters()) -> list[dict]:
    """Counts and values per (package, package line, category, site, status, currency).

    The items whose stored latest inventory holds as of the date are read from their
    cohorts (a few rows per shipment, check or disposition: ``end_use_cohorts``), those
    inventoried only after it item by item."""
    _no_jit(conn)
    rules = deadlines(conn)
    names = ("package_id", "package_line_no", "category", "site_id", "value_currency")
    out = []
    for part, i in ((CURRENT, t.end_use_cohorts), (LATER, t.end_use_items)):
        status = status_column(as_of, rules, part, i).label("status")
        counted = (i.c["items"], i.c.value_minor) if i is t.end_use_cohorts else (literal(1), i.c.value_minor)
        inner = select(*(i.c[k] for k in names), counted[0].label("n"), counted[1].label("v"), status).where(
            *_where(f, as_of, i), _part(part, as_of, i)
        )
        sub = inner.subquery()
        query = (
            select(
                *(sub.c[k] for k in names),
                sub.c.status,
                func.sum(sub.c.n).label("items"),
                func.sum(sub.c.v).label("minor"),
            )
            .group_by(*(sub.c[k] for k in names), sub.c.status)
            .having(func.sum(sub.c.n) != 0)
        )
        out += [{**row._mapping, "items": int(row.items)} for row in conn.execute(query)]
    return out


def _figures(rows: Iterable[dict]) -> EndUseFigures:
    items = dict.fromkeys(STATUSES, 0)
    minor: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for r in rows:
        items[r["status"]] += r["items"]
        minor[r["value_currency"]][r["status"]] += int(r["minor"])
    total = sum(items.values())
    out: EndUseFigures = {
        "items": items,
        "total": total,
        "value": {
            cur: {s: str(Money.from_minor(v, cur).amount) for s, v in by.items()} for cur, by in sorted(minor.items())
        },
        "delinquent_pct": _pct(items["overdue"], total),
        "compliant_pct": _pct(total - items["overdue"], total) if total else None,
    }
    if len(minor) == 1:
        (by,) = minor.values()
        out["delinquent_value_pct"] = _pct(by["overdue"], sum(by.values()))
    return out


def _pct(part: int, whole: int) -> str | None:
    return str((Decimal(100) * part / whole).quantize(Decimal("0.1"))) if whole else None


def funders_of(conn: Connection) -> dict[tuple[str, int], set[str]]:
    """(package, line) -> the funders whose allocations pay for it."""
    a, p = t.allocations, t.pledges
    rows = conn.execute(select(a.c.package_id, a.c.line_no, p.c.funder).join(p, p.c.id == a.c.pledge_id).distinct())
    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    for package_id, line_no, funder in rows:
        out[(package_id, line_no)].add(funder)
    return out


def compliance(
    conn: Connection, as_of: date, f: Filters = Filters(), *, by: Iterable[str] = ("category",)
) -> EndUseReport:
    """Overall figures and the breakdowns asked for (category, site, package, funder).
    A co-funded line is counted under each of its funders."""
    rows = grouped(conn, as_of, f)
    rules = deadlines(conn)
    out: EndUseReport = {
        "as_of": as_of.isoformat(),
        "overall": _figures(rows),
        "rules": {"initial_days": rules.initial_days, "interval_days": rules.interval_days},
    }
    funders = funders_of(conn) if "funder" in by else {}
    for dimension in by:
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            if dimension == "funder":
                for funder in funders.get((r["package_id"], r["package_line_no"]), ()):
                    groups[funder].append(r)
            else:
                key = {"category": "category", "site": "site_id", "package": "package_id"}[dimension]
                groups[r[key] or "-"].append(r)
        # by_category, by_site, by_package or by_funder: each row named by its dimension's value
        cast(dict, out)[f"by_{dimension}"] = [{dimension: k, **_figures(v)} for k, v in sorted(groups.items())]
    return out


def overdue_serials(conn: Connection, as_of: date, f: Filters = Filters(), *, limit: int = 1000) -> list[OverdueSerial]:
    """The delinquent serials in serial order (for the parties entitled to them): the order of
    the primary key, so the first ``limit`` are found without sorting every overdue item."""
    i = t.end_use_items
    rules = deadlines(conn)
    _no_jit(conn)
    found: list[OverdueSerial] = []
    for part in (CURRENT, LATER):
        query = (
            select(i.c.serial, i.c.package_id, i.c.category, i.c.site_id, i.c.received_on, i.c.inventoried_on)
            .where(*_where(f, as_of), _part(part, as_of), overdue_condition(as_of, rules, part))
            .order_by(i.c.serial)
            .limit(limit)
        )
        found += [
            cast(OverdueSerial, {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row._mapping.items()})
            for row in conn.execute(query)
        ]
    return sorted(found, key=lambda r: r["serial"])[:limit]


def due_soon(conn: Connection, as_of: date, f: Filters = Filters(), *, days: int = 30) -> list[dict]:
    """The recipient's to-do list: per package and site, how many items fall due for an
    inventory in the next ``days`` days (not yet overdue), and the first deadline."""
    i = t.end_use_items
    rules = deadlines(conn)
    horizon = as_of + timedelta(days=days)
    first_due = case(
        (i.c.inventoried_on.is_(None), i.c.received_on),
        else_=i.c.inventoried_on,
    )
    # due within the window: the deadline (first_due + N days) lies in (as_of, horizon]
    never = and_(
        i.c.inventoried_on.is_(None),
        i.c.received_on >= as_of - timedelta(days=rules.initial_days),
        i.c.received_on <= horizon - timedelta(days=rules.initial_days),
    )
    again = and_(
        i.c.inventoried_on.is_not(None),
        i.c.inventoried_on >= as_of - timedelta(days=rules.interval_days),
        i.c.inventoried_on <= horizon - timedelta(days=rules.interval_days),
    )
    query = (
        select(
            i.c.package_id,
            i.c.site_id,
            i.c.inventoried_on.is_(None).label("initial"),
            func.count(),
            func.min(first_due),
        )
        .where(*_where(f, as_of), i.c.disposed_on.is_(None), or_(never, again))
        .group_by(i.c.package_id, i.c.site_id, i.c.inventoried_on.is_(None))
    )
    out = []
    for package_id, site_id, initial, count, first in conn.execute(query):
        gap = rules.initial_days if initial else rules.interval_days
        out.append(
            {
                "package_id": package_id,
                "site_id": site_id,
                "kind": "initial" if initial else "annual",
                "items": count,
                "first_due": (first + timedelta(days=gap)).isoformat(),
            }
        )
    return sorted(out, key=lambda r: (r["first_due"], r["package_id"], r["site_id"] or ""))

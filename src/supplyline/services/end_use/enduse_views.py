"""Who sees which end-use figures (issue 16, and docs/end-use.md "Who sees what").

- the recipient and the seller of a package, and auditors: everything about the packages
  they are party to (auditors: all), with site breakdowns and the overdue serials — they hold
  the items, answer for them or check them;
- the coordinator: figures and counts per category, package and funder for all packages,
  no sites and no serials (it coordinates money and packages, not depots);
- a funder: figures and counts of the packages its pledges pay for, per category and
  package, no sites and no serials (what its money bought is accounted for, not where);
- the public: the compliance percentage per category and month, nothing else (no counts:
  a count of interceptors at a given month is the kind of figure that helps an adversary).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from ...domain.access import Principal
from ...store import schema as t
from ..reads.report_models import EndUseReport, PublicCompliance
from .enduse_report import Filters, compliance, funders_of, overdue_serials

FULL = ("category", "site", "package", "funder")
FIGURES = ("category", "package", "funder")


def _parties_packages(conn: Connection, party: str) -> frozenset[str]:
    p = t.packages
    return frozenset(conn.execute(select(p.c.id).where(or_(p.c.recipient == party, p.c.seller == party))).scalars())


def _funded_packages(conn: Connection, party: str) -> frozenset[str]:
    return frozenset(pkg for (pkg, _line), funders in funders_of(conn).items() if party in funders)


def end_use_report(conn: Connection, viewer: Principal, as_of: date, f: Filters = Filters()) -> EndUseReport:
    """The compliance report as ``viewer`` may see it."""
    role, party = viewer.role, viewer.party
    if role == "public" or party is None:
        return {"as_of": as_of.isoformat(), "public": public_series(conn, as_of, f.category)}
    if role == "auditor":
        out = compliance(conn, as_of, f, by=FULL)
        out["overdue_serials"] = overdue_serials(conn, as_of, f)
        return out
    if role == "coordinator":
        return compliance(conn, as_of, Filters(f.category, None, f.package_id), by=FIGURES)
    if role == "funder":
        mine = Filters(f.category, None, f.package_id, _funded_packages(conn, party))
        return compliance(conn, as_of, mine, by=("category", "package"))
    if role in ("recipient", "seller"):
        mine = Filters(f.category, f.site_id, f.package_id, _parties_packages(conn, party))
        out = compliance(conn, as_of, mine, by=FULL)
        out["overdue_serials"] = overdue_serials(conn, as_of, mine)
        return out
    return {"as_of": as_of.isoformat(), "public": public_series(conn, as_of, f.category)}


def month_ends(first: date, last: date) -> list[date]:
    out = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        out.append(min(following - timedelta(days=1), last))
        month = following
    return out


def public_series(conn: Connection, as_of: date, category: str | None = None) -> list[PublicCompliance]:
    """Per month (its last day, or the as-of date) and category: the share not delinquent."""
    i = t.end_use_items
    first = conn.execute(select(func.min(i.c.received_on))).scalar()
    if first is None or first > as_of:
        return []
    out: list[PublicCompliance] = []
    for day in month_ends(first, as_of):
        for row in compliance(conn, day, Filters(category), by=("category",))["by_category"]:
            out.append(
                {"month": day.isoformat()[:7], "category": row["category"], "compliant_pct": row["compliant_pct"]}
            )
    return out

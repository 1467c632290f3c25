"""`report money` (issue 15 item 5): every stage side by side, per pledge, per package and
per funder, in the pledge's currency and, when asked, in one reporting currency.

Converted figures use one rate, the latest recorded on or before the report day, for every
stage of a pledge: the stages of one pledge then still add up to the cent after conversion
(a report that converted each stage on its own day could show a pledge "overspent" by a
rate move). The rate used is listed with the report.

A pledge whose amounts are withheld from the reader is left out whole, and counted under
``undisclosed``, so no total reveals what a disclosure level keeps back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.money import Money
from ...domain.values import today_utc
from ...store import schema as t
from ..access.withholding import OPERATOR, Index, Reader
from ..reads.report_models import MoneyReport
from ..reads.reports import Converter
from .conservation import package_flow_sums

#: pledge-level figures, in the order a treasury reads them
PLEDGE_STAGES = (
    "committed",
    "paid_in",
    "allocated",
    "unallocated",
    "transferred",
    "obligated",
    "expended",
    "released",
    "returned",
)
#: what a pledge's money did for one package
PACKAGE_STAGES = ("allocated", "transferred", "obligated", "expended", "released")
_AMOUNT_COLUMNS = ("amount", "amount_minor", "allocated", "allocated_minor", "remaining")


def _pledge_figures(row) -> dict[str, Money]:
    cur = row["amount_currency"]
    m = {stage: Money.from_minor(row[f"{stage}_minor"], cur) for stage in t.MONEY_STAGES}
    committed = Money.from_minor(row["amount_minor"], cur)
    allocated = Money.from_minor(row["allocated_minor"], cur)
    return {
        "committed": committed,
        "paid_in": m["paid_in"],
        "allocated": allocated,
        "unallocated": committed - allocated - m["returned"],
        "transferred": m["transferred"],
        "obligated": m["obligated"],
        "expended": m["expended"],
        "released": m["released"],
        "returned": m["returned"],
    }


def _package_figures(conn: Connection) -> dict[str, dict[str, dict[str, int]]]:
    """pledge -> package -> stage -> minor units, in the pledge's currency."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(PACKAGE_STAGES, 0))
    )
    a = t.allocations
    for pid, package_id, held, released in conn.execute(
        select(a.c.pledge_id, a.c.package_id, func.sum(a.c.amount_minor), func.sum(a.c.released_minor)).group_by(
            a.c.pledge_id, a.c.package_id
        )
    ):
        out[pid][package_id]["allocated"] = int(held or 0)
        out[pid][package_id]["released"] = int(released or 0)
    for pid, package_id, stage, total in package_flow_sums(conn):
        out[pid][package_id][stage] = total
    return out


def _hidden(index: Index, reader: Reader, pledge_id: str, allocation_ids: list[str]) -> bool:
    if not index:
        return False
    if index.any_hidden("pledges", [(pledge_id,)], reader, _AMOUNT_COLUMNS):
        return True
    if index.any_hidden("money_flows", [(pledge_id,)], reader, ("amount", "amount_minor", "seller_minor")):
        return True
    return bool(index.any_hidden("allocations", [(a,) for a in allocation_ids], reader, ("amount", "amount_minor")))


def money_report(
    conn: Connection,
    *,
    currency: str | None = None,
    funder: str | None = None,
    package: str | None = None,
    on: date | None = None,
    reader: Reader = OPERATOR,
    index: Index | None = None,
) -> MoneyReport:
    """Long because it assembles three views (pledge, package, funder) of one pass over the
    pledges; each step is a few lines."""
    day = on or today_utc()
    to = Converter(conn, currency) if currency else None
    index = index if index is not None else Index(conn)
    per_package = _package_figures(conn)
    allocation_ids: dict[str, list[str]] = defaultdict(list)
    for pid, aid in conn.execute(select(t.allocations.c.pledge_id, t.allocations.c.id)):
        allocation_ids[pid].append(aid)
    pledges, packages, undisclosed = [], [], 0
    funders: dict[str, dict[str, Money]] = {}
    query = select(t.pledges).order_by(t.pledges.c.funder, t.pledges.c.id)
    if funder:
        query = query.where(t.pledges.c.funder == funder)
    for row in conn.execute(query).mappings():
        pid, cur = row["id"], row["amount_currency"]
        if package and package not in per_package.get(pid, {}):
            continue
        if _hidden(index, reader, pid, allocation_ids[pid]):
            undisclosed += 1
            continue
        figures = _pledge_figures(row)
        entry = {"pledge": pid, "funder": row["funder"], "currency": cur, **_text(figures)}
        if to is not None:
            converted = {k: to(v, day) for k, v in figures.items()}
            if all(v is not None for v in converted.values()):
                entry["converted"] = _text(converted)  # type: ignore[arg-type]  # None was ruled out above
                sums = funders.setdefault(row["funder"], dict.fromkeys(PLEDGE_STAGES, Money.zero(to.target)))
                for k, v in converted.items():
                    sums[k] = sums[k] + v  # type: ignore[operator]  # None was ruled out above
        pledges.append(entry)
        for package_id, stage_minor in sorted(per_package.get(pid, {}).items()):
            if package and package_id != package:
                continue
            packages.append(
                {
                    "package": package_id,
                    "pledge": pid,
                    "funder": row["funder"],
                    "currency": cur,
                    **{k: str(Money.from_minor(v, cur).amount) for k, v in stage_minor.items()},
                }
            )
    out: dict = {"on": day.isoformat(), "pledges": pledges, "packages": packages, "undisclosed": undisclosed}
    if to is not None:
        total = dict.fromkeys(PLEDGE_STAGES, Money.zero(to.target))
        for sums in funders.values():
            total = {k: total[k] + sums[k] for k in PLEDGE_STAGES}
        out |= {
            "currency": to.target,
            "funders": [{"funder": f, **_text(funders[f])} for f in sorted(funders)],
            "total": _text(total),
            "rates_used": to.rates(),
            "unconverted": sorted({f"{c}→{tgt} on or before {d.isoformat()}" for c, tgt, d in to.lacking}),
        }
    return cast(MoneyReport, out)


def _text(figures: dict[str, Money]) -> dict[str, str]:
    return {k: str(v.amount) for k, v in figures.items()}

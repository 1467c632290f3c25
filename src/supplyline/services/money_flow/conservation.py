"""Money is conserved per pledge (invariant 7), checked on the stored projections: what
`verify` and `check money` report, naming the pledge (and package) whose figures break it.

The domain refuses every movement that would break it; this check catches what the domain
never wrote — a projection row edited behind the ledger's back, or a bug in a fold:

    returned + unallocated + allocated = committed, with unallocated ≥ 0
    transferred ≤ paid in ≤ committed, obligated ≤ transferred, expended ≤ obligated
    per package: transferred ≤ allocated to it, obligated ≤ transferred, expended ≤ obligated
    each pledge's totals equal the sums of its allocations and of its movements
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.money import Money
from ...store import schema as t

_ORDER = (("paid_in", "committed"), ("transferred", "paid_in"), ("obligated", "transferred"), ("expended", "obligated"))


def check_money(conn: Connection) -> list[str]:
    """Every break of invariant 7, one message each, pledges in id order."""
    allocations = _allocation_sums(conn)
    flows = _flow_sums(conn)
    per_package = _package_sums(conn)
    problems: list[str] = []
    for row in conn.execute(select(t.pledges).order_by(t.pledges.c.id)).mappings():
        problems += _pledge_problems(row, allocations.get(row["id"], (0, 0)), flows.get(row["id"], {}))
        problems += _package_problems(row, per_package.get(row["id"], {}))
    return problems


def _say(row, minor: int) -> str:
    return str(Money.from_minor(minor, row["amount_currency"]))


def _pledge_problems(row, allocation_sums: tuple[int, int], flow_sums: dict[str, int]) -> list[str]:
    pid, committed = row["id"], row["amount_minor"]
    have = {stage: row[f"{stage}_minor"] for stage in t.MONEY_STAGES} | {"committed": committed}
    out: list[str] = []
    unallocated = committed - row["allocated_minor"] - have["returned"]
    if unallocated < 0:
        out.append(
            f"pledge '{pid}': returned {_say(row, have['returned'])} + allocated {_say(row, row['allocated_minor'])} "
            f"is more than committed {_say(row, committed)}"
        )
    for later, earlier in _ORDER:
        if have[later] > have[earlier] or have[later] < 0:
            out.append(f"pledge '{pid}': {later} {_say(row, have[later])} exceeds {earlier} {_say(row, have[earlier])}")
    if have["transferred"] + have["returned"] > have["paid_in"]:
        out.append(
            f"pledge '{pid}': transferred {_say(row, have['transferred'])} and returned {_say(row, have['returned'])} "
            f"exceed paid in {_say(row, have['paid_in'])}"
        )
    held, released = allocation_sums
    if (held, released) != (row["allocated_minor"], have["released"]):
        out.append(
            f"pledge '{pid}': allocated {_say(row, row['allocated_minor'])} and released {_say(row, have['released'])} "
            f"are not what its allocations hold ({_say(row, held)}) and released ({_say(row, released)})"
        )
    for stage in t.MONEY_STAGES:
        if flow_sums.get(stage, 0) != have[stage]:
            out.append(
                f"pledge '{pid}': {stage} {_say(row, have[stage])} is not the sum of its movements "
                f"({_say(row, flow_sums.get(stage, 0))})"
            )
    return out


def _package_problems(row, packages: dict[str, dict[str, int]]) -> list[str]:
    out = []
    for package_id, sums in sorted(packages.items()):
        for later, earlier in (("transferred", "allocated"), ("obligated", "transferred"), ("expended", "obligated")):
            if sums.get(later, 0) > sums.get(earlier, 0):
                out.append(
                    f"pledge '{row['id']}', package '{package_id}': {later} {_say(row, sums.get(later, 0))} "
                    f"exceeds {earlier} {_say(row, sums.get(earlier, 0))}"
                )
    return out


def _allocation_sums(conn: Connection) -> dict[str, tuple[int, int]]:
    a = t.allocations
    rows = conn.execute(
        select(a.c.pledge_id, func.sum(a.c.amount_minor), func.sum(a.c.released_minor)).group_by(a.c.pledge_id)
    )
    return {pid: (int(held or 0), int(released or 0)) for pid, held, released in rows}


def _flow_sums(conn: Connection) -> dict[str, dict[str, int]]:
    f = t.money_flows
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for pid, stage, total in conn.execute(
        select(f.c.pledge_id, f.c.stage, func.sum(f.c.amount_minor)).group_by(f.c.pledge_id, f.c.stage)
    ):
        out[pid][stage] = int(total or 0)
    return out


def package_flow_sums(conn: Connection) -> list[tuple[str, str, str, int]]:
    """(pledge, package, stage, minor units in the pledge's currency) of the money moved on
    to packages: transferred, obligated, expended."""
    f = t.money_flows
    rows = conn.execute(
        select(f.c.pledge_id, f.c.package_id, f.c.stage, func.sum(f.c.amount_minor))
        .where(f.c.package_id.is_not(None), f.c.stage.in_(("transferred", "obligated", "expended")))
        .group_by(f.c.pledge_id, f.c.package_id, f.c.stage)
    )
    return [(pid, package_id, stage, int(total or 0)) for pid, package_id, stage, total in rows]


def _package_sums(conn: Connection) -> dict[str, dict[str, dict[str, int]]]:
    """pledge -> package -> stage -> minor units (``allocated``: what its allocations hold)."""
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    a = t.allocations
    for pid, package_id, total in conn.execute(
        select(a.c.pledge_id, a.c.package_id, func.sum(a.c.amount_minor)).group_by(a.c.pledge_id, a.c.package_id)
    ):
        out[pid][package_id]["allocated"] = int(total or 0)
    for pid, package_id, stage, total in package_flow_sums(conn):
        out[pid][package_id][stage] = total
    return out

"""Facts that a decision needs from other streams, read from the projections.

Commands run while holding the ledger's write lock, and projections are updated in the
same transaction as each append, so these reads always reflect every event before them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from ..domain import release_rule
from ..domain.fx import FxDay
from ..domain.lifecycle import PACKAGE, PRODUCTION_ORDER, SHIPMENT
from ..domain.money import Money
from ..store import schema as t


def packaged_quantity(conn: Connection, requirement_id: str) -> int:
    """Units of a requirement held by packages that were not rejected."""
    pl, p = t.package_lines, t.packages
    return conn.execute(
        select(func.coalesce(func.sum(pl.c.quantity), 0))
        .select_from(pl.join(p, p.c.id == pl.c.package_id))
        .where(pl.c.requirement_id == requirement_id, p.c.state.in_(PACKAGE.group("live")), pl.c.cancelled_on.is_(None))
    ).scalar_one()


def funded_by_line(conn: Connection, package_id: str, currency: str) -> dict[int, Money]:
    a = t.allocations
    rows = conn.execute(
        select(a.c.line_no, func.sum(a.c.line_amount_minor)).where(a.c.package_id == package_id).group_by(a.c.line_no)
    )
    return {line_no: Money.from_minor(int(total), currency) for line_no, total in rows}


def held_allocations(conn: Connection, package_id: str) -> list[tuple[str, str, int]]:
    """(pledge, allocation, line) of every allocation still holding money for the package."""
    a = t.allocations
    rows = conn.execute(
        select(a.c.pledge_id, a.c.id, a.c.line_no)
        .where(a.c.package_id == package_id, a.c.line_amount_minor > 0)
        .order_by(a.c.line_no, a.c.id)
    )
    return [(pledge_id, allocation_id, int(line_no)) for pledge_id, allocation_id, line_no in rows]


def lines_of_requirement(conn: Connection, requirement_id: str, states: Collection[str]) -> dict[str, list[int]]:
    """The lines that put a requirement in packages in one of ``states``: package -> line numbers."""
    pl, p = t.package_lines, t.packages
    rows = conn.execute(
        select(pl.c.package_id, pl.c.line_no)
        .select_from(pl.join(p, p.c.id == pl.c.package_id))
        .where(pl.c.requirement_id == requirement_id, p.c.state.in_(tuple(states)))
        .order_by(pl.c.package_id, pl.c.line_no)
    )
    lines: dict[str, list[int]] = defaultdict(list)
    for package_id, line_no in rows:
        lines[package_id].append(int(line_no))
    return dict(lines)


def packages_held_by(conn: Connection, pledge_id: str, states: Collection[str]) -> list[str]:
    """The packages in one of ``states`` for which a pledge's allocations still hold money."""
    a, p = t.allocations, t.packages
    rows = conn.execute(
        select(a.c.package_id)
        .distinct()
        .select_from(a.join(p, p.c.id == a.c.package_id))
        .where(a.c.pledge_id == pledge_id, a.c.line_amount_minor > 0, p.c.state.in_(tuple(states)))
        .order_by(a.c.package_id)
    )
    return [package_id for (package_id,) in rows]


def funded_quantity(conn: Connection, requirement_id: str) -> int:
    """Units of a requirement on package lines whose cost is fully allocated: a line costs its
    package value, less what its contracts cost under it (their under-run went back to the
    pledges); a closed package's lines cost, and count, only what was contracted."""
    pl, p, a = t.package_lines, t.packages, t.allocations
    funded = (
        select(a.c.package_id, a.c.line_no, func.sum(a.c.line_amount_minor).label("funded"))
        .group_by(a.c.package_id, a.c.line_no)
        .subquery()
    )
    contracted = _contracted_lines().subquery()
    rows = conn.execute(
        select(p.c.state, func.coalesce(funded.c.funded, 0), *_cost_columns(contracted))
        .select_from(
            pl.join(p, p.c.id == pl.c.package_id)
            .outerjoin(funded, and_(funded.c.package_id == pl.c.package_id, funded.c.line_no == pl.c.line_no))
            .outerjoin(
                contracted,
                and_(contracted.c.package_id == pl.c.package_id, contracted.c.package_line_no == pl.c.line_no),
            )
        )
        .where(pl.c.requirement_id == requirement_id, p.c.state.in_(PACKAGE.group("live")), pl.c.cancelled_on.is_(None))
    )
    funded_units = 0
    for state, total, qty, price, done_qty, done_value in rows:
        closed = state == "closed"
        cost = release_rule.line_cost(qty, int(price), int(done_qty), int(done_value), closed=closed)
        if int(total) > 0 and int(total) >= cost:
            funded_units += int(done_qty) if closed else qty
    return funded_units


def _contracted_lines():
    """Per package line: the quantity under contract and what it costs (minor units)."""
    c, cl = t.contracts, t.contract_lines
    return (
        select(
            c.c.package_id,
            cl.c.package_line_no,
            func.sum(cl.c.quantity).label("quantity"),
            func.sum(cl.c.quantity * cl.c.unit_price_minor).label("value"),
        )
        .select_from(cl.join(c, c.c.id == cl.c.contract_id))
        .group_by(c.c.package_id, cl.c.package_line_no)
    )


def _cost_columns(contracted) -> tuple:
    """What release_rule.line_cost needs of a package line, beside ``_contracted_lines``."""
    pl = t.package_lines
    return (
        pl.c.quantity,
        pl.c.unit_price_minor,
        func.coalesce(contracted.c.quantity, 0),
        func.coalesce(contracted.c.value, 0),
    )


def line_costs(conn: Connection, package_id: str, *, closed: bool = False) -> dict[int, int]:
    """What each line of a package costs now (minor units of its currency): see funded_quantity."""
    pl = t.package_lines
    contracted = _contracted_lines().where(t.contracts.c.package_id == package_id).subquery()
    rows = conn.execute(
        select(pl.c.line_no, *_cost_columns(contracted))
        .select_from(pl.outerjoin(contracted, contracted.c.package_line_no == pl.c.line_no))
        .where(pl.c.package_id == package_id)
    )
    return {
        int(line_no): release_rule.line_cost(qty, int(price), int(done_qty), int(done_value), closed=closed)
        for line_no, qty, price, done_qty, done_value in rows
    }


def contracted_by_line(conn: Connection, package_id: str) -> dict[int, int]:
    c, cl = t.contracts, t.contract_lines
    rows = conn.execute(
        select(cl.c.package_line_no, func.sum(cl.c.quantity))
        .select_from(cl.join(c, c.c.id == cl.c.contract_id))
        .where(c.c.package_id == package_id)
        .group_by(cl.c.package_line_no)
    )
    return {line_no: int(total) for line_no, total in rows}


def contracts_of_line(conn: Connection, package_id: str, line_no: int) -> list[str]:
    """The contracts with a line for package line ``line_no``."""
    c, cl = t.contracts, t.contract_lines
    rows = conn.execute(
        select(c.c.id)
        .distinct()
        .select_from(cl.join(c, c.c.id == cl.c.contract_id))
        .where(c.c.package_id == package_id, cl.c.package_line_no == line_no)
        .order_by(c.c.id)
    )
    return [contract_id for (contract_id,) in rows]


def shipping_status(conn: Connection, contract_id: str) -> dict[int, int]:
    """Per contract line: units received plus units in transit (what no longer needs shipping)."""
    s, sl = t.shipments, t.shipment_lines
    rows = conn.execute(
        select(sl.c.contract_line_no, s.c.state, sl.c.quantity, sl.c.received)
        .select_from(sl.join(s, s.c.id == sl.c.shipment_id))
        .where(s.c.contract_id == contract_id)
    )
    covered: dict[int, int] = defaultdict(int)
    for line_no, state, quantity, received in rows:
        if state == "shipped":
            covered[line_no] += quantity
        elif state == "received":
            covered[line_no] += received or 0
    return dict(covered)


def ordered_quantity(conn: Connection, contract_id: str, line_no: int) -> int:
    o = t.production_orders
    return conn.execute(
        select(func.coalesce(func.sum(o.c.quantity), 0)).where(
            o.c.contract_id == contract_id,
            o.c.contract_line_no == line_no,
            o.c.state.in_(PRODUCTION_ORDER.group("live")),
        )
    ).scalar_one()


def lots_available(conn: Connection, contract_id: str) -> dict[str, tuple[int, int]]:
    """Lot id -> (contract line, accepted units not yet on a shipment that was not lost)."""
    o, lot, s, sl = t.production_orders, t.lots, t.shipments, t.shipment_lots
    shipped = dict(
        conn.execute(
            select(sl.c.lot_id, func.sum(sl.c.quantity))
            .select_from(sl.join(s, s.c.id == sl.c.shipment_id))
            .where(s.c.contract_id == contract_id, s.c.state.in_(SHIPMENT.group("live")))
            .group_by(sl.c.lot_id)
        ).all()
    )
    rows = conn.execute(
        select(lot.c.lot_id, o.c.contract_line_no, lot.c.accepted)
        .select_from(lot.join(o, o.c.id == lot.c.order_id))
        .where(o.c.contract_id == contract_id, lot.c.accepted.is_not(None))
    )
    return {lot_id: (line_no, accepted - int(shipped.get(lot_id, 0))) for lot_id, line_no, accepted in rows}


def received_by_package_line(conn: Connection, package_id: str) -> dict[int, int]:
    c, cl, s, sl = t.contracts, t.contract_lines, t.shipments, t.shipment_lines
    rows = conn.execute(
        select(cl.c.package_line_no, func.sum(sl.c.received))
        .select_from(
            sl.join(s, s.c.id == sl.c.shipment_id)
            .join(c, c.c.id == s.c.contract_id)
            .join(cl, and_(cl.c.contract_id == c.c.id, cl.c.line_no == sl.c.contract_line_no))
        )
        .where(c.c.package_id == package_id, s.c.state == "received")
        .group_by(cl.c.package_line_no)
    )
    return {line_no: int(total or 0) for line_no, total in rows}


def delivered_quantity(conn: Connection, requirement_id: str) -> int:
    c, cl, s, sl, pl = t.contracts, t.contract_lines, t.shipments, t.shipment_lines, t.package_lines
    return int(
        conn.execute(
            select(func.coalesce(func.sum(sl.c.received), 0))
            .select_from(
                sl.join(s, s.c.id == sl.c.shipment_id)
                .join(c, c.c.id == s.c.contract_id)
                .join(cl, and_(cl.c.contract_id == c.c.id, cl.c.line_no == sl.c.contract_line_no))
                .join(pl, and_(pl.c.package_id == c.c.package_id, pl.c.line_no == cl.c.package_line_no))
            )
            .where(pl.c.requirement_id == requirement_id, s.c.state == "received")
        ).scalar_one()
    )


def fx_days(conn: Connection, on: date, currencies: set[str]) -> list[FxDay]:
    """Recorded rate days on or before ``on`` that a conversion between any two of
    ``currencies`` may use: from a month before the oldest of their latest quotes up to ``on``."""
    f = t.fx_rates
    wanted = sorted(c for c in currencies if c != "EUR")
    if not wanted:
        return []
    latest = (
        conn.execute(select(func.max(f.c.day)).where(f.c.day <= on, f.c.currency.in_(wanted)).group_by(f.c.currency))
        .scalars()
        .all()
    )
    if not latest:
        return []
    since = min(latest) - timedelta(days=31)
    rows = conn.execute(
        select(f.c.day, f.c.currency, f.c.per_eur, f.c.source).where(
            f.c.day >= since, f.c.day <= on, f.c.currency.in_(wanted)
        )
    )
    days: dict[date, FxDay] = {}
    for day, currency, per_eur, source in rows:
        days.setdefault(day, FxDay(day, {}, source)).per_eur[currency] = Decimal(per_eur)
    return list(days.values())


def pledges_of_package(conn: Connection, package_id: str) -> list[str]:
    """The pledges with allocations to a package, oldest first."""
    a, p = t.allocations, t.pledges
    rows = conn.execute(
        select(p.c.id)
        .where(p.c.id.in_(select(a.c.pledge_id).where(a.c.package_id == package_id)))
        .order_by(p.c.pledged_on, p.c.id)
    )
    return [pledge_id for (pledge_id,) in rows]


def spent_on_line(conn: Connection, contract_id: str, line_no: int, currency: str) -> dict[str, Money]:
    """Obligated and expended on one contract line, in the contract's currency."""
    f = t.money_flows
    totals = dict(
        conn.execute(
            select(f.c.stage, func.sum(f.c.seller_minor))
            .where(f.c.contract_id == contract_id, f.c.contract_line_no == line_no)
            .group_by(f.c.stage)
        ).all()
    )
    return {stage: Money.from_minor(int(totals.get(stage) or 0), currency) for stage in ("obligated", "expended")}


def funders_of_package(conn: Connection, package_id: str) -> list[str]:
    """The funders whose pledges hold money for a package: those who concur with it (issue 17)."""
    a, p = t.allocations, t.pledges
    rows = conn.execute(
        select(p.c.funder)
        .distinct()
        .join(a, a.c.pledge_id == p.c.id)
        .where(a.c.package_id == package_id, a.c.line_amount_minor > 0)
    )
    return sorted(funder for (funder,) in rows)

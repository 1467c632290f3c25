"""Read models: lists and details of every entity, as JSON-ready dicts.

One row shape for every interface: money as a decimal string with its currency, dates as
ISO strings, JSON lists decoded. The CLI renders these as tables, the API returns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, desc, func, select
from sqlalchemy.engine import Connection

from ...domain.errors import NotFound
from ...domain.money import Money
from ...domain.values import parse_month
from ...ledger.canonical import parse
from ...store import schema as t
from ...store.eventstore import read_head
from .paging import Page, keyset, typed
from .read_models import (
    AmendmentRecord,
    ContractDetail,
    ContractRecord,
    FacilityRecord,
    FxRateRecord,
    OrderRecord,
    PackageDetail,
    PackageRecord,
    PartyRecord,
    PledgeDetail,
    PledgeRecord,
    RequirementDetail,
    RequirementRecord,
    ShipmentRecord,
)

if TYPE_CHECKING:  # the log's models are loaded by the commands that read the log, not by every list
    from .report_models import EventRecord

_JSON_COLUMNS = {"categories", "origins", "approvers"}
#: amounts without their own currency column, in another column's currency (the default: amount's)
_CURRENCY_OF = {"released_line": "line_amount_currency", "fx_difference": "seller_currency"}


def row_json(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_currency") and f"{key[: -len('_currency')]}_minor" in row:
            continue
        if key.endswith("_minor"):
            name = key[: -len("_minor")]
            currency = row.get(f"{name}_currency") or row.get(_CURRENCY_OF.get(name, "amount_currency"))
            out[name] = str(Money.from_minor(value, str(currency)).amount) if value is not None else None
            out[f"{name}_currency"] = currency
        elif isinstance(value, date):
            out[key] = value.isoformat()
        elif key in _JSON_COLUMNS and isinstance(value, str):
            out[key] = parse(value)
        else:
            out[key] = value
    return out


def _rows(conn: Connection, query) -> list[dict]:
    return [row_json(dict(r)) for r in conn.execute(query).mappings()]


def _one(conn: Connection, table: Table, entity: str, entity_id: str) -> dict:
    row = conn.execute(select(table).where(table.c.id == entity_id)).mappings().one_or_none()
    if row is None:
        raise NotFound(entity, entity_id)
    return row_json(dict(row))


def _only(rows: list[dict], entity: str, entity_id: str) -> dict:
    if not rows:
        raise NotFound(entity, entity_id)
    return rows[0]


def _where(query, table: Table, filters: dict[str, Any]):
    for column, value in filters.items():
        if value is not None:
            query = query.where(table.c[column] == value)
    return query


def _of_page(query, column, rows: list[dict], page: Page | None):
    """``query`` for the rows of a page only (a whole list: unchanged)."""
    return query if page is None else query.where(column.in_([row["id"] for row in rows]))


def list_parties(conn: Connection) -> list[PartyRecord]:
    return cast(list[PartyRecord], _rows(conn, select(t.parties).order_by(t.parties.c.id)))


def party(conn: Connection, party_id: str) -> PartyRecord:
    return cast(PartyRecord, _one(conn, t.parties, "party", party_id))


def list_fx(conn: Connection, *, since: date | None = None, currency: str | None = None) -> list[FxRateRecord]:
    query = select(t.fx_rates).order_by(t.fx_rates.c.day, t.fx_rates.c.currency)
    if since:
        query = query.where(t.fx_rates.c.day >= since)
    return cast(list[FxRateRecord], _rows(conn, _where(query, t.fx_rates, {"currency": currency})))


def currencies_with_rates(conn: Connection) -> list[str]:
    """The currencies a report can be given in: EUR (every rate is quoted against it) and
    each currency some recorded day quotes."""
    quoted = conn.execute(select(t.fx_rates.c.currency).distinct()).scalars().all()
    return sorted({"EUR", *quoted}) if quoted else []


def list_requirements(
    conn: Connection,
    *,
    month: str | None = None,
    state: str | None = None,
    category: str | None = None,
    page: Page | None = None,
) -> list[RequirementRecord]:
    """The prioritised list, ordered by tier and rank; with ``month``, as ranked in that month
    (the page is then cut from the month's order here: the ranks are not the table's)."""
    r = t.requirements
    query = _where(select(r), r, {"state": state, "category": category})
    if month is None:
        return cast(list[RequirementRecord], _rows(conn, keyset(query, (r.c.priority, r.c.rank, r.c.id), page)))
    if page is not None and page.where is not None:
        query = query.where(page.where)
    rows = _rows(conn, query)
    if month is not None:
        month = parse_month("month", month)
        rk = t.requirement_rankings
        rankings: dict[str, dict] = {}
        for row in conn.execute(
            select(rk).where(rk.c.list_month <= month).order_by(rk.c.requirement_id, rk.c.position)
        ).mappings():
            rankings[row["requirement_id"]] = dict(row)
        rows = [
            dict(
                row,
                list_month=rankings[row["id"]]["list_month"],
                priority=rankings[row["id"]]["priority"],
                rank=rankings[row["id"]]["rank"],
            )
            for row in rows
            if row["id"] in rankings
        ]
    rows = sorted(rows, key=lambda row: (row["priority"], row["rank"], row["id"]))
    if page is not None:
        after = None if page.after is None else typed((r.c.priority, r.c.rank, r.c.id), page.after)
        rows = [row for row in rows if after is None or (row["priority"], row["rank"], row["id"]) > after]
        rows = rows if page.limit is None else rows[: page.limit + 1]
    return cast(list[RequirementRecord], rows)


def requirement(conn: Connection, requirement_id: str) -> RequirementDetail:
    out = _one(conn, t.requirements, "requirement", requirement_id)
    rk = t.requirement_rankings
    out["rankings"] = _rows(
        conn,
        select(rk.c.list_month, rk.c.priority, rk.c.rank)
        .where(rk.c.requirement_id == requirement_id)
        .order_by(rk.c.position),
    )
    pl = t.package_lines
    out["packages"] = _rows(
        conn, select(pl.c.package_id, pl.c.line_no, pl.c.quantity).where(pl.c.requirement_id == requirement_id)
    )
    return cast(RequirementDetail, out)


def list_pledges(
    conn: Connection, *, funder: str | None = None, state: str | None = None, page: Page | None = None
) -> list[PledgeRecord]:
    p = t.pledges
    rows = _rows(conn, keyset(_where(select(p), p, {"funder": funder, "state": state}), (p.c.pledged_on, p.c.id), page))
    for row in rows:
        row["remaining"] = str(
            (
                Money.parse(row["amount"], row["amount_currency"])
                - Money.parse(row["allocated"], row["amount_currency"])
            ).amount
        )
    return cast(list[PledgeRecord], rows)


def pledge(conn: Connection, pledge_id: str) -> PledgeDetail:
    out = _one(conn, t.pledges, "pledge", pledge_id)
    out["remaining"] = str(
        (
            Money.parse(out["amount"], out["amount_currency"]) - Money.parse(out["allocated"], out["amount_currency"])
        ).amount
    )
    out["allocations"] = _rows(
        conn, select(t.allocations).where(t.allocations.c.pledge_id == pledge_id).order_by(t.allocations.c.id)
    )
    return cast(PledgeDetail, out)


def list_packages(
    conn: Connection, *, state: str | None = None, mechanism: str | None = None, page: Page | None = None
) -> list[PackageRecord]:
    p, pl, a = t.packages, t.package_lines, t.allocations
    rows = _rows(conn, keyset(_where(select(p), p, {"state": state, "mechanism": mechanism}), (p.c.id,), page))
    values_of = (
        select(pl.c.package_id, func.sum(pl.c.quantity * pl.c.unit_price_minor))
        .where(pl.c.cancelled_on.is_(None))  # a cancelled line is no longer part of its package's value
        .group_by(pl.c.package_id)
    )
    values = dict(conn.execute(_of_page(values_of, pl.c.package_id, rows, page)).all())
    funded_of = select(a.c.package_id, func.sum(a.c.line_amount_minor)).group_by(a.c.package_id)
    funded = dict(conn.execute(_of_page(funded_of, a.c.package_id, rows, page)).all())
    for row in rows:
        row["value"] = str(Money.from_minor(int(values.get(row["id"], 0) or 0), row["currency"]).amount)
        row["funded"] = str(Money.from_minor(int(funded.get(row["id"], 0) or 0), row["currency"]).amount)
    return cast(list[PackageRecord], rows)


def package(conn: Connection, package_id: str) -> PackageDetail:
    out = _one(conn, t.packages, "package", package_id)
    pl, d = t.package_lines, t.package_decisions
    lines = _rows(conn, select(pl).where(pl.c.package_id == package_id).order_by(pl.c.line_no))
    from ..facts import funded_by_line

    funded = funded_by_line(conn, package_id, out["currency"])
    for line in lines:
        value = Money.parse(line["unit_price"], out["currency"]).times(line["quantity"])
        line["value"] = str(value.amount)
        line["funded"] = str(funded.get(line["line_no"], Money.zero(out["currency"])).amount)
    out["lines"] = lines
    out["decisions"] = _rows(conn, select(d).where(d.c.package_id == package_id).order_by(d.c.position))
    from .agreement import package_checklist, package_steps

    out["steps"] = package_steps(conn, package_id)
    out["checklist"] = package_checklist(conn, package_id, out["mechanism"], out["steps"])
    out["contracts"] = _rows(
        conn, select(t.contracts).where(t.contracts.c.package_id == package_id).order_by(t.contracts.c.id)
    )
    return cast(PackageDetail, out)


def list_contracts(
    conn: Connection, *, package_id: str | None = None, page: Page | None = None
) -> list[ContractRecord]:
    c = t.contracts
    query = keyset(_where(select(c), c, {"package_id": package_id}), (c.c.id,), page)
    return cast(list[ContractRecord], _rows(conn, query))


def contract(conn: Connection, contract_id: str) -> ContractDetail:
    out = _one(conn, t.contracts, "contract", contract_id)
    out["lines"] = _rows(
        conn,
        select(t.contract_lines)
        .where(t.contract_lines.c.contract_id == contract_id)
        .order_by(t.contract_lines.c.line_no),
    )
    out["schedule"] = _rows(
        conn,
        select(t.delivery_schedule)
        .where(t.delivery_schedule.c.contract_id == contract_id)
        .order_by(t.delivery_schedule.c.position),
    )
    out["amendments"] = contract_amendments(conn, contract_id)
    return cast(ContractDetail, out)


def contract_amendments(conn: Connection, contract_id: str) -> list[AmendmentRecord]:
    """A contract's modifications and amendments, in the order proposed (issue 15 item 4)."""
    a = t.contract_amendments
    rows = _rows(conn, select(a).where(a.c.contract_id == contract_id).order_by(a.c.position))
    for row in rows:
        changes = parse(row.pop("changes"))
        row["awaiting"], row["accepted"] = parse(row["awaiting"]), parse(row["accepted"])
        row["lines"], row["schedule"] = changes["lines"], changes["schedule"]
    return cast(list[AmendmentRecord], rows)


def list_facilities(
    conn: Connection, *, facility_id: str | None = None, page: Page | None = None
) -> list[FacilityRecord]:
    f, fo, fc, ft = t.facilities, t.facility_owners, t.facility_capacity, t.facility_item_terms
    rows = _rows(conn, keyset(_where(select(f), f, {"id": facility_id}), (f.c.id,), page))
    owners = _rows(conn, _of_page(_where(select(fo), fo, {"facility_id": facility_id}), fo.c.facility_id, rows, page))
    capacity_of = _where(select(fc).order_by(fc.c.item, fc.c.from_month), fc, {"facility_id": facility_id})
    capacity = _rows(conn, _of_page(capacity_of, fc.c.facility_id, rows, page))
    terms_of = _where(select(ft).order_by(ft.c.item), ft, {"facility_id": facility_id})
    terms = _rows(conn, _of_page(terms_of, ft.c.facility_id, rows, page))
    for row in rows:
        row["owners"] = [{"party": o["party"], "share": o["share"]} for o in owners if o["facility_id"] == row["id"]]
        row["capacity"] = [
            {k: c[k] for k in ("item", "from_month", "monthly_quantity")}
            for c in capacity
            if c["facility_id"] == row["id"]
        ]
        row["terms"] = [
            {k: c[k] for k in ("item", "min_batch", "unit_cost", "unit_cost_currency")}
            for c in terms
            if c["facility_id"] == row["id"]
        ]
    return cast(list[FacilityRecord], rows)


def facility(conn: Connection, facility_id: str) -> FacilityRecord:
    return cast(
        FacilityRecord, _only(cast(list[dict], list_facilities(conn, facility_id=facility_id)), "facility", facility_id)
    )


def list_orders(
    conn: Connection,
    *,
    facility_id: str | None = None,
    state: str | None = None,
    order_id: str | None = None,
    page: Page | None = None,
) -> list[OrderRecord]:
    o, lot = t.production_orders, t.lots
    query = _where(select(o), o, {"facility_id": facility_id, "state": state, "id": order_id})
    rows = _rows(conn, keyset(query, (o.c.id,), page))
    lots_of = _where(select(lot).order_by(lot.c.lot_id), lot, {"order_id": order_id})
    lots = _rows(conn, _of_page(lots_of, lot.c.order_id, rows, page))
    for row in rows:
        row["lots"] = [lot for lot in lots if lot["order_id"] == row["id"]]
    return cast(list[OrderRecord], rows)


def order(conn: Connection, order_id: str) -> OrderRecord:
    return cast(
        OrderRecord, _only(cast(list[dict], list_orders(conn, order_id=order_id)), "production order", order_id)
    )


def list_shipments(
    conn: Connection,
    *,
    contract_id: str | None = None,
    state: str | None = None,
    shipment_id: str | None = None,
    page: Page | None = None,
) -> list[ShipmentRecord]:
    s, sl, lot = t.shipments, t.shipment_lines, t.shipment_lots
    query = _where(select(s), s, {"contract_id": contract_id, "state": state, "id": shipment_id})
    rows = _rows(conn, keyset(query, (s.c.shipped_on, s.c.id), page))
    lines = _rows(conn, _of_page(_where(select(sl), sl, {"shipment_id": shipment_id}), sl.c.shipment_id, rows, page))
    lots = _rows(conn, _of_page(_where(select(lot), lot, {"shipment_id": shipment_id}), lot.c.shipment_id, rows, page))
    for row in rows:
        row["lines"] = [
            {
                **{k: line[k] for k in ("contract_line_no", "quantity", "received")},
                "lots": [
                    {"lot_id": lot["lot_id"], "quantity": lot["quantity"]}
                    for lot in lots
                    if lot["shipment_id"] == row["id"] and lot["contract_line_no"] == line["contract_line_no"]
                ],
            }
            for line in lines
            if line["shipment_id"] == row["id"]
        ]
    return cast(list[ShipmentRecord], rows)


def shipment(conn: Connection, shipment_id: str) -> ShipmentRecord:
    found = list_shipments(conn, shipment_id=shipment_id)
    if not found:
        raise NotFound("shipment", shipment_id)
    return found[0]


def list_events(
    conn: Connection, *, stream_id: str | None = None, limit: int = 50, before: int | None = None
) -> list[EventRecord]:
    e = t.events
    query = select(*EVENT_COLUMNS).order_by(desc(e.c.seq)).limit(limit)
    if stream_id:
        query = query.where(e.c.stream_id == stream_id)
    if before:
        query = query.where(e.c.seq < before)
    return cast("list[EventRecord]", [event_item(row) for row in conn.execute(query).mappings()])


#: what an event's answer carries (``GET /events``, and each notification's ``data``)
EVENT_COLUMNS = tuple(c for c in t.events.c if c.name != "body")


def event_item(row: Mapping) -> dict:
    """One event as the API answers it: its stored payload (withheld fields sealed, as in
    the log) and meta parsed."""
    item = dict(row)
    item["payload"] = parse(item["payload"])
    item["meta"] = parse(item["meta"])
    return item


def ledger_summary(conn: Connection) -> dict:
    seq, head = read_head(conn)
    return {"events": seq, "head": head}


def ids(rows: Iterable[dict]) -> list[str]:
    return [row["id"] for row in rows]


def package_funding(conn: Connection, package_id: str) -> list[dict]:
    """The pledges funding a package: what each put in, in its own and the package's currency."""
    a, p, party = t.allocations, t.pledges, t.parties
    rows = conn.execute(
        select(
            a.c.pledge_id,
            p.c.funder,
            party.c.name,
            a.c.amount_currency,
            a.c.line_amount_currency,
            func.sum(a.c.amount_minor).label("amount_minor"),
            func.sum(a.c.line_amount_minor).label("line_amount_minor"),
        )
        .select_from(a.join(p, p.c.id == a.c.pledge_id).outerjoin(party, party.c.id == p.c.funder))
        .where(a.c.package_id == package_id)
        .group_by(a.c.pledge_id, p.c.funder, party.c.name, a.c.amount_currency, a.c.line_amount_currency)
        .order_by(a.c.pledge_id)
    ).mappings()
    return [row_json(dict(r)) for r in rows]

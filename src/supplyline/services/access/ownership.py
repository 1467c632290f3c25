"""Who owns each record and who it is shared with, read from the projections.

This is the one definition of ownership that authorisation (``domain.access``) and the
read filter (``services.access.views``) rely on:

| record | owners | shared with |
| --- | --- | --- |
| party, FX day | the party itself / nobody | (public) |
| requirement | its recipient | the parties of every package that holds it |
| pledge (and its allocations) | its funder | nobody |
| package | its seller, recipient and approvers | the funders whose pledges fund it |
| contract | its buyer and supplier | the parties of its package |
| facility | its owners | buyer and supplier of every contract with an order there |
| production order (and lots: ``lot`` for a document or finding about one) | the facility's owners and the contract's supplier | the contract's parties |
| shipment | the contract's buyer and supplier | the contract's parties (so the recipient) |
| API token | its party | nobody |
| production plan | nobody (it spans every facility: read with scope any) | nobody |
| end-use records | see services/end_use/ownership_enduse.py | |
| document, finding | those of the record it is about (read only by whoever may read that record) | those the record is shared with |
| approval steps (a mechanism's) | nobody (configuration everyone reads) | nobody |
| list version | its approvers: the recipient, the coordinator, the seller | nobody |

Each query takes the ids wanted (or None for all), so a single record and a whole list are
resolved by the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.access import Parties, Target
from ...domain.agreement import ApprovalSteps
from ...domain.contract import Contract
from ...domain.custody import Handover
from ...domain.document import Document
from ...domain.enduse import Disposition, EndUseCheck, EndUseRules, Site
from ...domain.facility import Facility
from ...domain.finding import Finding
from ...domain.fx import FxRecord
from ...domain.list_version import ListVersion
from ...domain.package import Package
from ...domain.party import Party
from ...domain.plan import ProductionPlan
from ...domain.pledge import Pledge
from ...domain.production import ProductionOrder
from ...domain.requirement import Requirement
from ...domain.shipment import Shipment
from ...domain.token import ApiToken
from ...ledger.canonical import parse
from ...store import schema as t
from ..end_use import ownership_enduse as enduse

Ids = list[str] | None
Resolved = dict[str, Parties]


def _in(query, column, ids: Ids):
    return query if ids is None else query.where(column.in_(ids))


def _parties(owners: dict[str, set[str]], shared: dict[str, set[str]]) -> Resolved:
    return {
        key: Parties(frozenset(people), frozenset(shared.get(key, set())) - frozenset(people))
        for key, people in owners.items()
    }


def parties(conn: Connection, ids: Ids) -> Resolved:
    rows = conn.execute(_in(select(t.parties.c.id), t.parties.c.id, ids)).scalars()
    return {party: Parties(frozenset({party})) for party in rows}


def fx_days(conn: Connection, ids: Ids) -> Resolved:
    query = select(t.fx_rates.c.day).distinct()
    return {
        day.isoformat(): Parties() for day in conn.execute(query).scalars() if ids is None or day.isoformat() in ids
    }


def pledges(conn: Connection, ids: Ids) -> Resolved:
    p = t.pledges
    return {
        row.id: Parties(frozenset({row.funder})) for row in conn.execute(_in(select(p.c.id, p.c.funder), p.c.id, ids))
    }


def tokens(conn: Connection, ids: Ids) -> Resolved:
    k = t.api_tokens
    return {
        row.id: Parties(frozenset({row.party})) for row in conn.execute(_in(select(k.c.id, k.c.party), k.c.id, ids))
    }


def packages(conn: Connection, ids: Ids) -> Resolved:
    p, a, pl = t.packages, t.allocations, t.pledges
    owners = {
        row.id: {row.seller, row.recipient, *parse(row.approvers)}
        for row in conn.execute(_in(select(p.c.id, p.c.seller, p.c.recipient, p.c.approvers), p.c.id, ids))
    }
    funders: dict[str, set[str]] = defaultdict(set)
    query = select(a.c.package_id, pl.c.funder).select_from(a.join(pl, pl.c.id == a.c.pledge_id)).distinct()
    for row in conn.execute(_in(query, a.c.package_id, ids)):
        funders[row.package_id].add(row.funder)
    return _parties(owners, funders)


def approval_steps(conn: Connection, ids: Ids) -> Resolved:
    """A mechanism's approval steps: configuration everyone reads, owned by nobody."""
    r = t.approval_steps
    return {m: Parties() for m in conn.execute(_in(select(r.c.mechanism), r.c.mechanism, ids)).scalars()}


def list_versions(conn: Connection, ids: Ids) -> Resolved:
    """A list version: owned by its approvers (the recipient, the coordinator, the seller)."""
    v = t.list_versions
    rows = conn.execute(_in(select(v.c.id, v.c.approvers), v.c.id, ids))
    return {row.id: Parties(frozenset(parse(row.approvers))) for row in rows}


def _contract_rows(conn: Connection, ids: Ids):
    c = t.contracts
    return conn.execute(_in(select(c.c.id, c.c.package_id, c.c.buyer, c.c.supplier), c.c.id, ids)).all()


def contracts(conn: Connection, ids: Ids) -> Resolved:
    rows = _contract_rows(conn, ids)
    of_package = packages(conn, sorted({r.package_id for r in rows}))
    return _parties(
        {r.id: {r.buyer, r.supplier} for r in rows},
        {r.id: set(of_package[r.package_id].everyone) for r in rows if r.package_id in of_package},
    )


def _facility_owners(conn: Connection, ids: Ids) -> dict[str, set[str]]:
    fo = t.facility_owners
    owners: dict[str, set[str]] = defaultdict(set)
    for row in conn.execute(_in(select(fo.c.facility_id, fo.c.party), fo.c.facility_id, ids)):
        owners[row.facility_id].add(row.party)
    return owners


def facilities(conn: Connection, ids: Ids) -> Resolved:
    f, o, c = t.facilities, t.production_orders, t.contracts
    owners: dict[str, set[str]] = {fid: set() for fid in conn.execute(_in(select(f.c.id), f.c.id, ids)).scalars()}
    for fid, people in _facility_owners(conn, ids).items():
        owners.setdefault(fid, set()).update(people)
    customers: dict[str, set[str]] = defaultdict(set)
    query = select(o.c.facility_id, c.c.buyer, c.c.supplier).select_from(o.join(c, c.c.id == o.c.contract_id))
    for row in conn.execute(_in(query, o.c.facility_id, ids)):
        customers[row.facility_id] |= {row.buyer, row.supplier}
    return _parties(owners, customers)


def orders(conn: Connection, ids: Ids) -> Resolved:
    o = t.production_orders
    rows = conn.execute(_in(select(o.c.id, o.c.facility_id, o.c.contract_id), o.c.id, ids)).all()
    return _orders(conn, [(r.id, r.facility_id, r.contract_id) for r in rows])


def order_parties(conn: Connection, facility_id: str, contract_id: str) -> Parties:
    """The parties an order about to be placed will have."""
    return _orders(conn, [("new", facility_id, contract_id)])["new"]


def _orders(conn: Connection, orders_: list[tuple[str, str, str]]) -> Resolved:
    contract_ids = sorted({contract_id for _, _, contract_id in orders_})
    of_contract = contracts(conn, contract_ids)
    supplier = {r.id: r.supplier for r in _contract_rows(conn, contract_ids)}
    facility_owners = _facility_owners(conn, sorted({facility_id for _, facility_id, _ in orders_}))
    return _parties(
        {
            key: facility_owners.get(fid, set()) | ({supplier[cid]} if cid in supplier else set())
            for key, fid, cid in orders_
        },
        {key: set(of_contract[cid].everyone) for key, _, cid in orders_ if cid in of_contract},
    )


def lots(conn: Connection, ids: Ids) -> Resolved:
    """A production lot's parties: its order's (a document or finding may be about a lot)."""
    lot = t.lots
    rows = conn.execute(_in(select(lot.c.lot_id, lot.c.order_id), lot.c.lot_id, ids)).all()
    of_order = orders(conn, sorted({r.order_id for r in rows}))
    return {row.lot_id: of_order.get(row.order_id, Parties()) for row in rows}


def shipments(conn: Connection, ids: Ids) -> Resolved:
    s = t.shipments
    rows = conn.execute(_in(select(s.c.id, s.c.contract_id), s.c.id, ids)).all()
    of_contract = contracts(conn, sorted({r.contract_id for r in rows}))
    return {row.id: of_contract.get(row.contract_id, Parties()) for row in rows}


def shipment_receiver(conn: Connection, shipment_id: str) -> frozenset[str]:
    """Who confirms a shipment's receipt: the recipient of the package it delivers."""
    s, c, p = t.shipments, t.contracts, t.packages
    row = conn.execute(
        select(p.c.recipient)
        .select_from(s.join(c, c.c.id == s.c.contract_id).join(p, p.c.id == c.c.package_id))
        .where(s.c.id == shipment_id)
    ).one_or_none()
    return frozenset({row.recipient}) if row else frozenset()


def requirements(conn: Connection, ids: Ids) -> Resolved:
    r, pl = t.requirements, t.package_lines
    owners = {row.id: {row.recipient} for row in conn.execute(_in(select(r.c.id, r.c.recipient), r.c.id, ids))}
    holding = conn.execute(_in(select(pl.c.requirement_id, pl.c.package_id).distinct(), pl.c.requirement_id, ids)).all()
    of_package = packages(conn, sorted({h.package_id for h in holding}))
    shared: dict[str, set[str]] = defaultdict(set)
    for h in holding:
        shared[h.requirement_id] |= of_package.get(h.package_id, Parties()).everyone
    return _parties(owners, shared)


def _about_records(conn: Connection, table, ids: Ids) -> Resolved:
    """A document's or finding's parties: those of the record it is about."""
    rows = conn.execute(_in(select(table.c.id, table.c.record_kind, table.c.record_id), table.c.id, ids)).all()
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        wanted[row.record_kind].add(row.record_id)
    of_kind = {kind: RESOLVERS[kind](conn, sorted(record_ids)) for kind, record_ids in wanted.items()}
    return {
        row.id: replace(of_kind[row.record_kind].get(row.record_id, Parties()), about=row.record_kind) for row in rows
    }


def documents(conn: Connection, ids: Ids) -> Resolved:
    return _about_records(conn, t.documents, ids)


def findings(conn: Connection, ids: Ids) -> Resolved:
    return _about_records(conn, t.findings, ids)


def plans(conn: Connection, ids: Ids) -> Resolved:
    p = t.production_plans
    return {plan_id: Parties() for plan_id in conn.execute(_in(select(p.c.id), p.c.id, ids)).scalars()}


#: record kind (the stream prefix) → how to find its parties
RESOLVERS: dict[str, Callable[[Connection, Ids], Resolved]] = {
    "party": parties,
    "fx": fx_days,
    "requirement": requirements,
    "pledge": pledges,
    "package": packages,
    "contract": contracts,
    "facility": facilities,
    "order": orders,
    "lot": lots,
    "shipment": shipments,
    "token": tokens,
    "plan": plans,
    **enduse.RESOLVERS,
    "document": documents,
    "finding": findings,
    "approval_steps": approval_steps,
    "list_version": list_versions,
}


_ENTITIES = (
    Party,
    FxRecord,
    Requirement,
    Pledge,
    Package,
    Contract,
    Facility,
    ProductionOrder,
    Shipment,
    ApiToken,
    ProductionPlan,
    EndUseRules,
    Site,
    EndUseCheck,
    Disposition,
    Handover,
    Document,
    Finding,
    ApprovalSteps,
    ListVersion,
)
LABELS = {entity.KIND: entity.LABEL for entity in _ENTITIES} | {"serial": "serial", "lot": "production lot"}
#: the kind of record each event type is recorded on (its entity's ``_on_<Event>`` handler)
EVENT_KINDS = {name[4:]: entity.KIND for entity in _ENTITIES for name in dir(entity) if name.startswith("_on_")}


class Ownership:
    """The parties of records, resolved once per request on one connection."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._all: dict[str, Resolved] = {}
        self._one: dict[tuple[str, str], Parties | None] = {}

    def of(self, kind: str, record_id: str) -> Parties | None:
        """The record's parties; None if no such record exists."""
        if kind in self._all:
            return self._all[kind].get(record_id)
        if (kind, record_id) not in self._one:
            self._one[kind, record_id] = RESOLVERS[kind](self.conn, [record_id]).get(record_id)
        return self._one[kind, record_id]

    def of_many(self, kind: str, record_ids: Iterable[str]) -> Resolved:
        """The parties of several records at once (those that exist)."""
        if kind in self._all:
            return {i: self._all[kind][i] for i in record_ids if i in self._all[kind]}
        missing = sorted({i for i in record_ids if (kind, i) not in self._one})
        if missing:
            found = RESOLVERS[kind](self.conn, missing)
            for record_id in missing:
                self._one[kind, record_id] = found.get(record_id)
        resolved = {i: self._one[kind, i] for i in record_ids}
        return {i: owner for i, owner in resolved.items() if owner is not None}

    def all(self, kind: str) -> Resolved:
        if kind not in self._all:
            self._all[kind] = RESOLVERS[kind](self.conn, None)
        return self._all[kind]

    def target(self, kind: str, record_id: str, *, acting: Iterable[str] | None = None) -> Target | None:
        found = self.of(kind, record_id)
        if found is None:
            return None
        return Target(kind, found, frozenset(acting) if acting is not None else None)

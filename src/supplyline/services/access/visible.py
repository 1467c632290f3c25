"""The access policy as a query: which records of a kind a principal may read, as a WHERE
clause the database evaluates, so that a list reads only the rows its page shows.

It states, in SQL, the ownership table of ``services/access/ownership.py`` (who owns a record
and who it is shared with) for the kinds the API lists, and combines it with the read row
of ``domain.access.POLICY``: scope ``any`` adds no condition, ``own`` keeps the records the
principal's party owns, ``shared`` those it owns or that are shared with it, and a role
without a read scope sees none. ``tests/test_visible_sql.py`` holds every kind, role and
party of a generated ledger to the record-by-record verdict of ``domain.access.can_read``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, false, or_, select, union

from ...domain import access
from ...domain.access import Principal
from ...store import schema as t

#: (party) -> the ids of the records of a kind that the party owns / owns or shares
Ids = Callable[[str], Select]


def _approves(column, party: str) -> ColumnElement[bool]:
    # a canonical JSON list of party ids: the quoted id is one of its items (ids hold no quote)
    return column.contains(f'"{party}"', autoescape=True)


def _pledge_owners(party: str) -> Select:
    return select(t.pledges.c.id).where(t.pledges.c.funder == party)


def _package_owners(party: str) -> Select:
    p = t.packages
    return select(p.c.id).where(or_(p.c.seller == party, p.c.recipient == party, _approves(p.c.approvers, party)))


def _package_everyone(party: str) -> Select:
    a, pl = t.allocations, t.pledges
    funded = select(a.c.package_id).join(pl, pl.c.id == a.c.pledge_id).where(pl.c.funder == party)
    return union(_package_owners(party), funded).subquery().select()


def _requirement_owners(party: str) -> Select:
    return select(t.requirements.c.id).where(t.requirements.c.recipient == party)


def _requirement_everyone(party: str) -> Select:
    line = t.package_lines
    held = select(line.c.requirement_id).where(line.c.package_id.in_(_package_everyone(party)))
    return union(_requirement_owners(party), held).subquery().select()


def _contract_owners(party: str) -> Select:
    c = t.contracts
    return select(c.c.id).where(or_(c.c.buyer == party, c.c.supplier == party))


def _contract_everyone(party: str) -> Select:
    c = t.contracts
    return select(c.c.id).where(
        or_(c.c.buyer == party, c.c.supplier == party, c.c.package_id.in_(_package_everyone(party)))
    )


def _shipment_everyone(party: str) -> Select:
    s = t.shipments
    return select(s.c.id).where(s.c.contract_id.in_(_contract_everyone(party)))


def _shipment_owners(party: str) -> Select:
    s = t.shipments
    return select(s.c.id).where(s.c.contract_id.in_(_contract_owners(party)))


def _facilities_of(party: str) -> Select:
    fo = t.facility_owners
    return select(fo.c.facility_id).where(fo.c.party == party)


def _order_owners(party: str) -> Select:
    o, c = t.production_orders, t.contracts
    supplied = select(c.c.id).where(c.c.supplier == party)
    return select(o.c.id).where(or_(o.c.facility_id.in_(_facilities_of(party)), o.c.contract_id.in_(supplied)))


def _order_everyone(party: str) -> Select:
    o = t.production_orders
    return select(o.c.id).where(
        or_(o.c.facility_id.in_(_facilities_of(party)), o.c.contract_id.in_(_contract_everyone(party)))
    )


def _facility_everyone(party: str) -> Select:
    o, c = t.production_orders, t.contracts
    customer = (
        select(o.c.facility_id).join(c, c.c.id == o.c.contract_id).where(or_(c.c.buyer == party, c.c.supplier == party))
    )
    return union(_facilities_of(party), customer).subquery().select()


def _list_version_owners(party: str) -> Select:
    v = t.list_versions
    return select(v.c.id).where(_approves(v.c.approvers, party))


#: kind -> (its table's id column, the ids its party owns, the ids it owns or shares)
KINDS: dict[str, tuple[ColumnElement, Ids, Ids]] = {
    "pledge": (t.pledges.c.id, _pledge_owners, _pledge_owners),
    "package": (t.packages.c.id, _package_owners, _package_everyone),
    "requirement": (t.requirements.c.id, _requirement_owners, _requirement_everyone),
    "contract": (t.contracts.c.id, _contract_owners, _contract_everyone),
    "shipment": (t.shipments.c.id, _shipment_owners, _shipment_everyone),
    "order": (t.production_orders.c.id, _order_owners, _order_everyone),
    "facility": (t.facilities.c.id, _facilities_of, _facility_everyone),
    "list_version": (t.list_versions.c.id, _list_version_owners, _list_version_owners),
}


def readable(principal: Principal, kind: str) -> ColumnElement[bool] | None:
    """The condition on ``kind``'s table that keeps the records ``principal`` may read (None:
    every record). Only for the kinds in ``KINDS``."""
    column, owners, everyone = KINDS[kind]
    scope = access.scope_of(principal.role, f"{kind}.read")
    if scope is access.Scope.ANY:
        return None
    if scope is None or principal.party is None:
        return false()
    ids = owners if scope is access.Scope.OWN else everyone
    return column.in_(ids(principal.party))

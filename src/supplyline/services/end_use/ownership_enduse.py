"""Who owns the records of end-use monitoring (joined into ``services.access.ownership.RESOLVERS``):

| record | owners | shared with |
| --- | --- | --- |
| end-use rules | nobody (read with scope any) | nobody |
| site | the party whose site it is (the recipient) | the sellers of the items held there |
| serial | the recipient and the seller of its package | nobody |
| end-use check | the site's party and the inspecting party | nobody |
| disposition | the recipients and sellers of the serials it names | nobody |
| handover | the giving and the receiving party | nobody |

Serials and sites stay with the parties that hold, answer for or inspect the items
(docs/end-use.md "Who sees what"); funders and the public see figures, never either.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.access import Parties
from ...store import schema as t

Ids = list[str] | None
Resolved = dict[str, Parties]


def _in(query, column, ids: Ids):
    return query if ids is None else query.where(column.in_(ids))


def rules(conn: Connection, ids: Ids) -> Resolved:
    r = t.inventory_rules
    return {rid: Parties() for rid in conn.execute(_in(select(r.c.id), r.c.id, ids)).scalars()}


def sites(conn: Connection, ids: Ids) -> Resolved:
    s, i = t.sites, t.end_use_items
    owners = {row.id: row.party for row in conn.execute(_in(select(s.c.id, s.c.party), s.c.id, ids))}
    sellers: dict[str, set[str]] = defaultdict(set)
    held = select(i.c.site_id, i.c.seller).distinct().where(i.c.site_id.is_not(None))
    for site_id, seller in conn.execute(_in(held, i.c.site_id, ids)):
        sellers[site_id].add(seller)
    return {k: Parties(frozenset({p}), frozenset(sellers.get(k, set())) - {p}) for k, p in owners.items()}


def serials(conn: Connection, ids: Ids) -> Resolved:
    i = t.end_use_items
    rows = conn.execute(_in(select(i.c.serial, i.c.recipient, i.c.seller), i.c.serial, ids))
    return {row.serial: Parties(frozenset({row.recipient, row.seller})) for row in rows}


def checks(conn: Connection, ids: Ids) -> Resolved:
    c, s = t.end_use_checks, t.sites
    query = select(c.c.id, c.c.inspector, s.c.party).join(s, s.c.id == c.c.site_id)
    return {row.id: Parties(frozenset({row.inspector, row.party})) for row in conn.execute(_in(query, c.c.id, ids))}


def dispositions(conn: Connection, ids: Ids) -> Resolved:
    d, m, i = t.dispositions, t.manifest_serials, t.end_use_items
    found: dict[str, set[str]] = {did: set() for did in conn.execute(_in(select(d.c.id), d.c.id, ids)).scalars()}
    query = (
        select(m.c.manifest_id, i.c.recipient, i.c.seller)
        .distinct()
        .join(i, i.c.serial == m.c.serial)
        .where(m.c.manifest_id.in_(sorted(found)))
    )
    for manifest_id, recipient, seller in conn.execute(query):
        found[manifest_id] |= {recipient, seller}
    return {k: Parties(frozenset(v)) for k, v in found.items()}


def handovers(conn: Connection, ids: Ids) -> Resolved:
    h = t.handovers
    rows = conn.execute(_in(select(h.c.id, h.c.from_party, h.c.to_party), h.c.id, ids))
    return {row.id: Parties(frozenset({row.from_party, row.to_party})) for row in rows}


RESOLVERS = {
    "handover": handovers,
    "end_use_rules": rules,
    "site": sites,
    "serial": serials,
    "check": checks,
    "disposition": dispositions,
}

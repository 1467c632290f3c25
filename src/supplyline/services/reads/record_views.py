"""What a record's own dashboard page reads besides the record (issue 21 item 1): its
history in words, one event of the log as the public sees it, and the money a funder's
pledges put into each package at every stage.

Nothing here decides who may see what: the page trims each record with the same presenter
as the API (``services/access/views.py``) and drops the records its viewer may not read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.errors import NotFound
from ...domain.money import Money
from ...store import schema as t
from ..access.withholding import Index, Reader
from ..log import transparency
from . import ledger_browser, queries
from .reports import visible_flows

#: the funnel's stages past allocation, per pledge and package (``report money`` has the rest)
CHAIN_STAGES = ("contracted", "delivered")
#: how many of a record's events its page lists (the ledger browser pages through the rest)
HISTORY = 200


def history(conn: Connection, stream_id: str) -> dict:
    """A record's events, newest first, each in words (the ledger browser's page of it)."""
    return ledger_browser.browse(conn, ledger_browser.EventFilter(record=stream_id), limit=HISTORY)


def event(conn: Connection, seq: int) -> dict:
    """Event ``seq`` as anyone may see it in the published log (withheld fields as their
    commitments), in words and pointed at its record."""
    found = next(iter(transparency.public_events(conn, after=seq - 1, limit=1)), None)
    if found is None or found["seq"] != seq:
        raise NotFound("event", str(seq))
    party = conn.execute(select(t.parties.c.id).where(t.parties.c.id == found["actor"])).scalar()
    return {
        **found,
        "words": ledger_browser.describe(found["type"], found["stream_id"], found["actor"]),
        "record_link": ledger_browser.record_link(found["stream_id"]),
        "actor_is_party": party is not None,  # the operator, or a system, acts as no party
    }


def chain_stages(
    conn: Connection, pledge_ids: set[str], reader: Reader, index: Index
) -> dict[tuple[str, str], dict[str, Money]]:
    """(pledge, package) -> contracted and delivered, in the pledge's currency: the funnel's
    attribution of each contract line and receipt to the pledges that funded it, of what
    ``reader`` may see (a figure resting on a withheld value is left out, as in the funnel)."""
    shown, _, _ = visible_flows(conn, reader, index)
    out: dict[tuple[str, str], dict[str, Money]] = defaultdict(dict)
    for flow in shown:
        if flow.stage not in CHAIN_STAGES or flow.pledge_id not in pledge_ids:
            continue
        package = next(r.partition(":")[2] for r in flow.records if r.startswith("package:"))
        cell = out[(flow.pledge_id, package)]
        cell[flow.stage] = cell[flow.stage] + flow.original if flow.stage in cell else flow.original
    return out


def funder_money(money: dict[str, Any], chain: dict[tuple[str, str], dict[str, Money]]) -> list[dict]:
    """Each pledge of ``report money`` (``money``) with its packages: what it allocated to
    each (as the report gives it), and what was contracted and delivered of it there."""
    per_package: dict[str, list[dict]] = defaultdict(list)
    for row in money["packages"]:
        figures = chain.get((row["pledge"], row["package"]), {})
        per_package[row["pledge"]].append(
            {**row, **{stage: str(figures[stage].amount) if stage in figures else "0" for stage in CHAIN_STAGES}}
        )
    pledges = []
    for row in money["pledges"]:
        packages = per_package.get(row["pledge"], [])
        totals = {
            stage: str(
                sum((Money.parse(p[stage], row["currency"]) for p in packages), Money.zero(row["currency"])).amount
            )
            for stage in CHAIN_STAGES
        }
        pledges.append({**row, **totals, "packages": packages})
    return pledges


def orders_of_contract(conn: Connection, contract_id: str) -> list[dict]:
    o = t.production_orders
    ids = conn.execute(select(o.c.id).where(o.c.contract_id == contract_id).order_by(o.c.id)).scalars()
    return [dict(queries.order(conn, order_id)) for order_id in ids]


def shipments_with_lots(conn: Connection, lot_ids: list[str]) -> list[str]:
    """The shipments that carried any of these production lots."""
    s = t.shipment_lots
    query = select(s.c.shipment_id).where(s.c.lot_id.in_(lot_ids)).distinct().order_by(s.c.shipment_id)
    return list(conn.execute(query).scalars()) if lot_ids else []


def party_records(conn: Connection, party_id: str) -> dict[str, list[str]]:
    """The records a party takes part in, by kind: its pledges, the packages it sells or
    receives, the contracts it buys or supplies under, the facilities it owns."""
    p, pk, c, fo = t.pledges, t.packages, t.contracts, t.facility_owners
    return {
        "pledge": list(conn.execute(select(p.c.id).where(p.c.funder == party_id).order_by(p.c.id)).scalars()),
        "package": list(
            conn.execute(
                select(pk.c.id).where((pk.c.seller == party_id) | (pk.c.recipient == party_id)).order_by(pk.c.id)
            ).scalars()
        ),
        "contract": list(
            conn.execute(
                select(c.c.id).where((c.c.buyer == party_id) | (c.c.supplier == party_id)).order_by(c.c.id)
            ).scalars()
        ),
        "facility": list(
            conn.execute(select(fo.c.facility_id).where(fo.c.party == party_id).order_by(fo.c.facility_id)).scalars()
        ),
    }

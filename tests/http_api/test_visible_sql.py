"""The access policy as a query (``services/access/visible.py``) admits exactly the records
that ``domain.access.can_read`` admits one by one from ``services/access/ownership.py``: for
every listed kind, every role and every party of the two-sided API scenario (on both
databases) and of the demo. A list endpoint reads its rows through that query, so a
difference here would be a record shown to a party that may not read it, or one hidden
from a party that may."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import select

from supplyline.api import create_app
from supplyline.domain.access import ROLES, Principal, can_read
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.access import tokens, visible
from supplyline.services.access.ownership import RESOLVERS
from supplyline.services.context import Actor
from supplyline.services.records import shipments
from supplyline.store import schema as t

from .scenario import build

OPERATOR = Actor("operator", via="test")


def _differences(store) -> list[str]:
    out = []
    with store.read() as conn:
        party_ids = [*conn.execute(select(t.parties.c.id)).scalars(), "NOBODY"]
        for kind, (column, _, _) in visible.KINDS.items():
            resolved = RESOLVERS[kind](conn, None)
            for role in ROLES:
                for party in [None] if role == "public" else party_ids:
                    principal = Principal(party, role)
                    expected = {i for i, parties in resolved.items() if can_read(principal, kind, parties)}
                    where = visible.readable(principal, kind)
                    query = select(column) if where is None else select(column).where(where)
                    found = set(conn.execute(query).scalars())
                    if found != expected:
                        out.append(
                            f"{kind} as {party} ({role}): +{sorted(found - expected)} -{sorted(expected - found)}"
                        )
    return out


def test_the_query_admits_what_the_policy_admits_on_the_scenario(store):
    build(store)
    with store.read() as conn:  # the scenario holds every listed kind, shared and not
        for kind, (column, _, _) in visible.KINDS.items():
            assert conn.execute(select(column)).first() is not None, kind
    assert _differences(store) == []


def test_the_query_admits_what_the_policy_admits_on_the_demo(demo_store):
    assert _differences(demo_store) == []


def _readable(store, principal: Principal, kind: str) -> set[str]:
    column = visible.KINDS[kind][0]
    where = visible.readable(principal, kind)
    with store.read() as conn:
        return set(conn.execute(select(column) if where is None else select(column).where(where)).scalars())


def test_a_co_funder_reads_the_package_it_funds_and_what_follows_from_it_only(store):
    """Written out by hand: FUND-C's pledge co-funds package A, so as a funder it reads that
    package, its contract and shipments, and none of side B's; it approves no list version."""
    build(store)
    funder = Principal("FUND-C", "funder")
    assert "PKG-A" in _readable(store, funder, "package")
    assert not {"PKG-B", "PKG-A-PROP"} & _readable(store, funder, "package")
    assert "CT-A" in _readable(store, funder, "contract") and "CT-B" not in _readable(store, funder, "contract")
    assert {"SH-A1", "SH-A2"} <= _readable(store, funder, "shipment")
    assert _readable(store, funder, "pledge") == {"PLEDGE-C1"}
    assert _readable(store, Principal("FUND-C", "recipient"), "list_version") == set()  # own scope: owns none
    assert _readable(store, Principal(None, "public"), "requirement") == set()


def test_a_list_ordered_by_a_day_withheld_from_the_caller_neither_orders_nor_pages_by_it(sqlite_store):
    """SELL-A dispatches a third shipment on contract A, its day confidential: the recipient,
    with whom the shipment is shared, may not see it. The list is then ordered by what the
    recipient sees (the withheld day first, though it is the latest) and no cursor carries
    that day; pages of one still walk the whole list once. The auditor sees the day and the
    database's order."""
    build(sqlite_store)
    dispatch = shipments.Dispatch(
        contract_id="CT-A",
        shipped_on="2025-12-01",
        lines=(ShippedLine(1, 1),),
        id="SH-A3",
        disclosure=("shipped_on=confidential",),
    )
    bus.handle(sqlite_store, Actor("SELL-A", via="test"), dispatch)
    recipient, auditor = (
        {"Authorization": f"Bearer {tokens.issue_token(sqlite_store, OPERATOR, ask).secret}"}
        for ask in (tokens.IssueToken("REC-A", "recipient", "t"), tokens.IssueToken("AUD-A", "auditor", "t"))
    )
    with TestClient(create_app(sqlite_store)) as client:
        whole = client.get("/api/v1/shipments", params={"limit": 500}, headers=recipient).json()["items"]
        assert [(item["id"], item["shipped_on"]) for item in whole] == [
            ("SH-A3", None),
            ("SH-A-DONE", "2025-10-10"),
            ("SH-A1", "2025-10-10"),
            ("SH-A2", "2025-11-10"),
        ]
        seen, cursor = [], None
        while True:
            params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
            page = client.get("/api/v1/shipments", params=params, headers=recipient).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert "2025-12-01" not in base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        assert seen == whole
        audited = client.get("/api/v1/shipments", params={"limit": 500}, headers=auditor).json()["items"]
        assert [item["id"] for item in audited][-1] == "SH-A3"

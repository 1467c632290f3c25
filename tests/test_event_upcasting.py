"""Events recorded in an older shape are upcast when replayed, on both databases.

The older shapes are written here byte for byte as earlier code recorded them (see
``git log -p -- src/supplyline/domain/``), appended to a real ledger with a valid chain, and
then read back through every replay path: a unit of work's load, and the rebuild's fold.

Every older shape the ledger can hold:

- ``ProductionOrderPlaced`` version 1, without ``priority`` (4517070 to f675527): upcast to
  version 2 with priority 1, the lowest.

(``PledgeAnnounced`` and ``RequirementDrafted`` always carried ``note``, from the first
commit on; their replay used to default it all the same, and now reads it strictly.)
"""

from __future__ import annotations

from datetime import date
from hashlib import sha256

import pytest
from sqlalchemy import func, insert, select, update

from supplyline.domain import production
from supplyline.domain.events import EventShapeError, ProductionOrderPlaced, read_event
from supplyline.domain.production import ProductionOrder
from supplyline.ledger.canonical import canonical, parse
from supplyline.ledger.chain import StoredEvent, hash_input
from supplyline.services.log.checks import verify_ledger
from supplyline.store import schema as t
from supplyline.store.eventstore import read_head, utc_timestamp
from supplyline.store.rebuild import fold

#: As 4517070 recorded it: no priority.
ORDER_PLACED_V1 = {
    "id": "ORD-OLD",
    "facility_id": "FAC-1",
    "contract_id": "CT-1",
    "contract_line_no": 2,
    "item": "155mm shell",
    "quantity": 400,
    "due": "2026-03-31",
}


def append_as_recorded(store, stream: str, type_name: str, payload: dict, meta: dict | None = None) -> None:
    """Append an event with exactly these payload and meta bytes, the way the store chains
    and hashes every event (so the ledger still verifies), as earlier code would have."""
    with store.locked() as conn:
        seq, head = read_head(conn)
        version = 1 + conn.execute(select(func.count()).where(t.events.c.stream_id == stream)).scalar_one()
        fields = (seq + 1, stream, version, utc_timestamp(), "OLD-CODE", type_name)
        body = hash_input(*fields, canonical(meta or {"via": "cli"}), canonical(payload), head)
        digest = sha256(body).hexdigest()
        conn.execute(insert(t.events).values(seq=seq + 1, body=body.decode(), hash=digest))
        conn.execute(update(t.ledger_head).where(t.ledger_head.c.id == 1).values(seq=seq + 1, hash=digest))
        stored = StoredEvent(*fields, canonical(meta or {"via": "cli"}), canonical(payload), head, digest)
        for hook in store.append_hooks:
            hook(conn, [stored])


def assert_upcast_order(order: ProductionOrder) -> None:
    assert order.version == 1
    assert order.facility_id == "FAC-1"
    assert order.contract_id == "CT-1"
    assert order.contract_line_no == 2
    assert order.item == "155mm shell"
    assert order.quantity == 400
    assert order.due == date(2026, 3, 31)
    assert order.priority == 1
    assert order.state == "placed"
    assert order.lots == {}


def test_an_order_placed_before_priorities_replays_with_the_lowest_priority(store):
    append_as_recorded(store, "order:ORD-OLD", "ProductionOrderPlaced", ORDER_PLACED_V1)
    assert verify_ledger(store).ok

    with store.write("operator") as uow:
        order = uow.load(ProductionOrder, "ORD-OLD")
        assert_upcast_order(order)
        uow.record(order, production.reprioritise(order, priority=3))
    with store.read() as conn:
        folded = fold(conn)["order:ORD-OLD"]
        stored = conn.execute(select(t.events.c.meta, t.events.c.payload).order_by(t.events.c.seq)).all()
    assert isinstance(folded, ProductionOrder)
    assert folded.priority == 3
    assert folded.version == 2
    # the old event's bytes are untouched; the new one is today's shape, unmarked
    assert parse(stored[0].payload) == ORDER_PLACED_V1
    assert (parse(stored[1].meta), parse(stored[1].payload)) == ({}, {"priority": 3})
    assert verify_ledger(store).ok


def test_the_old_order_folds_field_by_field(store):
    append_as_recorded(store, "order:ORD-OLD", "ProductionOrderPlaced", ORDER_PLACED_V1)
    with store.read() as conn:
        order = fold(conn)["order:ORD-OLD"]
    assert isinstance(order, ProductionOrder)
    assert_upcast_order(order)


def test_todays_order_is_recorded_unmarked_and_read_as_version_2(sqlite_store):
    today = {**ORDER_PLACED_V1, "priority": 7}
    event = read_event("ProductionOrderPlaced", today)
    assert isinstance(event, ProductionOrderPlaced)
    assert (event.priority, event.version, event.marker) == (7, 2, {})
    assert event.data == today


def test_a_marked_version_is_read_as_marked():
    # a version in the meta wins over the shape (for versions recorded after markers began)
    assert read_event("ProductionOrderPlaced", ORDER_PLACED_V1, {"event_version": 1}).data["priority"] == 1
    marked_v2 = {**ORDER_PLACED_V1, "priority": 4}
    assert read_event("ProductionOrderPlaced", marked_v2, {"event_version": 2}).data == marked_v2
    with pytest.raises(EventShapeError, match="ProductionOrderPlaced: version 3 is not one this code reads"):
        read_event("ProductionOrderPlaced", marked_v2, {"event_version": 3})
    with pytest.raises(EventShapeError, match="ProductionOrderPlaced: unknown field"):
        read_event("ProductionOrderPlaced", {**marked_v2, "rush": True}, {"event_version": 1})

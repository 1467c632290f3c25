"""A closed package's unspent remainder goes back (issue 15 item 3), on both databases: 30 of
a line's 100 units cut by an amendment, the 70 contracted delivered, the package closed while
still delivering; what the cut units held returns to each pledge at its allocation's rate,
all but what was sent to the seller."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conftest import event_count
from scenario import OP, allocate, base
from supplyline.domain.amendment import LineAmendment
from supplyline.domain.contract import LineTerms
from supplyline.domain.errors import RuleViolation
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.money_flow import money
from supplyline.services.money_flow.conservation import check_money
from supplyline.services.records import amendments, contracts, packages, parties, shipments
from supplyline.store import schema as t


def _cut_to_70(store) -> None:
    """100 × USD 100 funded by EUR 4,800 (USD 6,000 at 1.25; EUR 4,000 sent to the seller) and
    USD 4,000; contracted in full, then cut to 70 units by an amendment both parties accept."""
    base(store, pledge_amounts=(("PL-E", "4800.00", "EUR"), ("PL-B", "4000.00", "USD")))
    allocate(store, "PL-E", "4800.00")
    allocate(store, "PL-B", "4000.00")
    bus.handle(store, OP, money.PayIn(pledge_id="PL-E", amount="4000.00", reference="P-1", on="2025-08-04"))
    transfer = money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="4000.00", reference="T-1", on="2025-08-04")
    bus.handle(store, OP, transfer)
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    bus.handle(store, OP, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2025-08-05"))
    sign = contracts.SignContract(
        package_id="PKG-1",
        buyer="US",
        supplier="SUP",
        kind="purchase",
        signed_on="2025-08-20",
        lines=(LineTerms(1, 100),),
        id="CT-1",
    )
    bus.handle(store, OP, sign)
    cut = amendments.AmendContract(
        contract_id="CT-1", rationale="volume_cuts", lines=(LineAmendment(1, quantity=70),), on="2025-09-01"
    )
    bus.handle(store, OP, cut)
    for party in ("UA", "NL"):
        accept = amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party=party, on="2025-09-03")
        bus.handle(store, OP, accept)
    bus.handle(store, OP, parties.RecordRates(day="2025-09-05", rates={"USD": "1.10"}))  # the euro fell since


def _rows(store):
    with store.read() as conn:
        pledges = conn.execute(select(t.pledges).order_by(t.pledges.c.id)).mappings().all()
        allocations = conn.execute(select(t.allocations).order_by(t.allocations.c.id)).mappings().all()
        req = conn.execute(select(t.requirements)).mappings().one()
        state = conn.execute(select(t.packages.c.state)).scalar_one()
    return (
        [(p["id"], p["state"], p["allocated_minor"], p["released_minor"]) for p in pledges],
        [(a["id"], a["amount_minor"], a["line_amount_minor"], a["released_line_minor"]) for a in allocations],
        (req["state"], req["funded_quantity"]),
        state,
    )


def test_closing_a_package_gives_back_what_its_cut_units_held(store):
    _cut_to_70(store)
    ship = shipments.Dispatch(contract_id="CT-1", shipped_on="2025-09-10", lines=(ShippedLine(1, 60),), id="SH-1")
    bus.handle(store, OP, ship)
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-1", received_on="2025-09-20"))
    before = event_count(store)
    with pytest.raises(
        RuleViolation, match="package 'PKG-1' is delivering: its contracts have 10 units still to deliver"
    ):
        bus.handle(store, OP, packages.ClosePackage(package_id="PKG-1", on="2025-09-25"))
    assert event_count(store) == before

    ship = shipments.Dispatch(contract_id="CT-1", shipped_on="2025-09-26", lines=(ShippedLine(1, 10),), id="SH-2")
    bus.handle(store, OP, ship)
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-2", received_on="2025-09-30"))
    # the 30 cut units stay funded until the package is closed
    assert _rows(store)[2:] == (("funded", 100), "delivering")

    outcome = bus.handle(store, OP, packages.ClosePackage(package_id="PKG-1", on="2025-10-01"))

    assert [e.type for e in outcome.events] == [
        "PackageClosed",
        "AllocationReleased",
        "AllocationReleased",
        "RequirementFundingRecorded",
    ]
    # USD 3,000 shared by what each may give: PL-B USD 4,000, PL-E USD 1,000 (it keeps USD 5,000
    # for the EUR 4,000 sent): PL-B USD 2,400, PL-E USD 600 = EUR 480 at its allocation's 1.25
    pledges, allocations, requirement, state = _rows(store)
    assert pledges == [
        ("PL-B", "partly_allocated", 160000, 240000),
        ("PL-E", "partly_allocated", 432000, 48000),
    ]
    assert allocations == [("PL-B.1", 160000, 160000, 240000), ("PL-E.1", 432000, 540000, 60000)]
    assert (requirement, state) == (("partly_funded", 70), "closed")
    with store.read() as conn:
        assert check_money(conn) == []

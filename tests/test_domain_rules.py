"""Business rules of the pure domain: entities are built by applying their own decisions."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from supplyline.domain import contract as contract_d
from supplyline.domain import package as package_d
from supplyline.domain import pledge as pledge_d
from supplyline.domain import production as production_d
from supplyline.domain import requirement as requirement_d
from supplyline.domain import shipment as shipment_d
from supplyline.domain.contract import Contract, LineTerms
from supplyline.domain.errors import AlreadyExists, InvalidInput, RuleViolation, TransitionRefused
from supplyline.domain.facility import Facility, register, set_capacity
from supplyline.domain.fx import FxDay
from supplyline.domain.money import Money
from supplyline.domain.package import Package
from supplyline.domain.pledge import LineToFund, Pledge
from supplyline.domain.production import ProductionOrder
from supplyline.domain.requirement import Requirement
from supplyline.domain.shipment import Shipment, ShippedLine


def applied(entity, events):
    for e in events:
        entity.apply(e)
    return entity


def pledge(**kw) -> Pledge:
    p = Pledge(id="PL-1")
    args: dict[str, Any] = {
        "funder": "NL",
        "amount": Money.parse("100", "EUR"),
        "pledged_on": date(2025, 8, 4),
        "mechanism": "purl",
        "categories": ("air_defence",),
        "origins": ("US",),
        "valid_until": date(2025, 12, 31),
    }
    args.update(kw)
    applied(p, pledge_d.announce(p, **args))
    return applied(p, pledge_d.commit(p, on=date(2025, 8, 4)))


def line(**kw) -> LineToFund:
    args: dict[str, Any] = {
        "package_id": "PKG-1",
        "line_no": 1,
        "mechanism": "purl",
        "category": "air_defence",
        "origin": "US",
        "value": Money.parse("200", "USD"),
        "funded": Money.parse("0", "USD"),
    }
    args.update(kw)
    return LineToFund(**args)


FX = [FxDay(date(2025, 8, 1), {"USD": Decimal("1.25")})]


def test_allocation_in_pledge_currency_converts_to_package_currency_and_records_rate():
    p = pledge()
    [event] = pledge_d.allocate(
        p, allocation_id="PL-1.1", line=line(), amount=Money.parse("40", "EUR"), on=date(2025, 8, 5), fx_days=FX
    )
    assert event.data["amount"] == {"amount": "40.00", "currency": "EUR"}
    assert event.data["line_amount"] == {"amount": "50.00", "currency": "USD"}
    assert event.data["fx"] == {"from": "EUR", "to": "USD", "rate": "1.25", "date": "2025-08-01"}
    applied(p, [event])
    assert p.state == "partly_allocated" and p.remaining == Money.parse("60", "EUR")


def test_allocation_to_the_cent_exhausts_the_pledge():
    p = pledge()
    applied(
        p,
        pledge_d.allocate(
            p, allocation_id="a", line=line(), amount=Money.parse("125", "USD"), on=date(2025, 8, 5), fx_days=FX
        ),
    )
    assert p.state == "exhausted" and p.remaining.is_zero


@pytest.mark.parametrize(
    "target, message",
    [
        ({"category": "artillery_ammunition"}, "is earmarked for air_defence, not artillery_ammunition"),
        ({"origin": "DE"}, "is earmarked for equipment made in US, not DE"),
        ({"mechanism": "drone_deal"}, "is for purl, not drone_deal"),
    ],
)
def test_earmarks_are_enforced(target, message):
    with pytest.raises(RuleViolation, match=message):
        pledge_d.allocate(
            pledge(),
            allocation_id="a",
            line=line(**target),
            amount=Money.parse("1", "EUR"),
            on=date(2025, 8, 5),
            fx_days=FX,
        )


def test_validity_window_is_enforced_on_the_allocation_date():
    with pytest.raises(RuleViolation, match="closed on 2025-12-31, before 2026-01-02"):
        pledge_d.allocate(
            pledge(), allocation_id="a", line=line(), amount=Money.parse("1", "EUR"), on=date(2026, 1, 2), fx_days=FX
        )


def test_over_allocation_is_refused_with_what_is_left():
    with pytest.raises(RuleViolation, match=r"has EUR 100.00 left, not EUR 100.01"):
        pledge_d.allocate(
            pledge(),
            allocation_id="a",
            line=line(value=Money.parse("1000", "USD")),
            amount=Money.parse("100.01", "EUR"),
            on=date(2025, 8, 5),
            fx_days=FX,
        )


def test_line_cannot_be_funded_beyond_its_value():
    with pytest.raises(RuleViolation, match=r"line 1 needs USD 10.00 more, not USD 12.50"):
        pledge_d.allocate(
            pledge(),
            allocation_id="a",
            line=line(funded=Money.parse("190", "USD")),
            amount=Money.parse("10", "EUR"),
            on=date(2025, 8, 5),
            fx_days=FX,
        )


def test_third_currency_is_refused():
    with pytest.raises(InvalidInput, match=r"must be the pledge's currency \(EUR\) or the package's \(USD\)"):
        pledge_d.allocate(
            pledge(), allocation_id="a", line=line(), amount=Money.parse("1", "GBP"), on=date(2025, 8, 5), fx_days=FX
        )


def test_announced_pledge_cannot_be_allocated_and_expiry_needs_a_closed_window():
    p = Pledge(id="PL-2")
    applied(
        p,
        pledge_d.announce(
            p,
            funder="NL",
            amount=Money.parse("5", "EUR"),
            pledged_on=date(2025, 1, 1),
            mechanism="purl",
            valid_until=date(2025, 6, 30),
        ),
    )
    with pytest.raises(RuleViolation, match="is announced: only committed pledges"):
        pledge_d.allocate(
            p, allocation_id="a", line=line(), amount=Money.parse("1", "EUR"), on=date(2025, 2, 1), fx_days=FX
        )
    with pytest.raises(RuleViolation, match="valid until 2025-06-30: it cannot expire on 2025-06-30"):
        pledge_d.expire(p, on=date(2025, 6, 30))
    applied(p, pledge_d.expire(p, on=date(2025, 7, 1)))
    assert p.state == "expired"
    with pytest.raises(TransitionRefused):
        pledge_d.commit(p, on=date(2025, 7, 2))


def test_pledge_ids_are_unique():
    with pytest.raises(AlreadyExists):
        pledge_d.announce(
            pledge(), funder="NL", amount=Money.parse("1", "EUR"), pledged_on=date(2025, 8, 4), mechanism="purl"
        )


def requirement(**kw) -> Requirement:
    r = Requirement(id="R-1")
    args: dict[str, Any] = {
        "recipient": "UA",
        "list_month": "2025-08",
        "priority": 1,
        "rank": 1,
        "item": "Interceptor",
        "category": "air_defence",
        "quantity": 10,
        "unit": "missile",
        "unit_price": Money.parse("20", "USD"),
        "origin": "US",
        "min_lot": 2,
    }
    args.update(kw)
    applied(r, requirement_d.draft(r, **args))
    applied(r, requirement_d.submit(r))
    return applied(r, requirement_d.validate(r, by="NATO"))


def package_with_line(req: Requirement, quantity=10) -> Package:
    p = Package(id="PKG-1")
    applied(
        p,
        package_d.draft(
            p, title="t", mechanism="purl", seller="US", recipient="UA", currency="USD", approvers=["US", "NATO"]
        ),
    )
    applied(p, package_d.add_line(p, req, quantity=quantity, unit_price=None, origin=None, already_packaged=0))
    return p


def test_lines_are_whole_lots_within_what_is_left_to_package():
    req = requirement()
    p = Package(id="P")
    applied(
        p, package_d.draft(p, title="t", mechanism="purl", seller="US", recipient="UA", currency="USD", approvers=[])
    )
    with pytest.raises(InvalidInput, match=r"whole multiple of the minimum lot \(2\)"):
        package_d.add_line(p, req, quantity=3, unit_price=None, origin=None, already_packaged=0)
    with pytest.raises(RuleViolation, match="has 4 missile left to package, not 6"):
        package_d.add_line(p, req, quantity=6, unit_price=None, origin=None, already_packaged=6)
    with pytest.raises(RuleViolation, match="allows origin US, not DE"):
        package_d.add_line(p, req, quantity=2, unit_price=None, origin="DE", already_packaged=0)


def test_whole_only_lines_are_packaged_whole():
    req = requirement(whole_only=True)
    p = Package(id="P")
    applied(
        p, package_d.draft(p, title="t", mechanism="purl", seller="US", recipient="UA", currency="USD", approvers=[])
    )
    with pytest.raises(RuleViolation, match="useful only whole: package all 10 missile"):
        package_d.add_line(p, req, quantity=8, unit_price=None, origin=None, already_packaged=0)


def test_approval_needs_full_funding_and_every_named_approver():
    p = package_with_line(requirement())
    applied(p, package_d.propose(p))
    with pytest.raises(RuleViolation, match=r"line 1 \(Interceptor\) is funded USD 199.99 of USD 200.00"):
        package_d.decide(
            p,
            party="US",
            decision="approve",
            reason="",
            on=date(2025, 8, 9),
            funded_by_line={1: Money.parse("199.99", "USD")},
        )
    funded = {1: Money.parse("200", "USD")}
    applied(
        p, package_d.decide(p, party="US", decision="approve", reason="", on=date(2025, 8, 9), funded_by_line=funded)
    )
    assert p.state == "proposed"  # NATO has not approved yet
    with pytest.raises(RuleViolation, match="DE is not an approver"):
        package_d.decide(p, party="DE", decision="approve", reason="", on=date(2025, 8, 9), funded_by_line=funded)
    applied(
        p, package_d.decide(p, party="NATO", decision="approve", reason="", on=date(2025, 8, 9), funded_by_line=funded)
    )
    assert p.state == "approved"


def test_a_rejection_needs_a_reason_and_is_final():
    p = package_with_line(requirement())
    applied(p, package_d.propose(p))
    with pytest.raises(InvalidInput) as exc:
        package_d.decide(p, party="US", decision="reject", reason="", on=date(2025, 8, 9), funded_by_line={})
    assert exc.value.field == "reason"
    applied(
        p,
        package_d.decide(
            p, party="US", decision="reject", reason="not releasable", on=date(2025, 8, 9), funded_by_line={}
        ),
    )
    assert p.state == "rejected"
    with pytest.raises(TransitionRefused, match="package 'PKG-1' is rejected: cannot approve"):
        package_d.decide(p, party="NATO", decision="approve", reason="", on=date(2025, 8, 9), funded_by_line={})


def approved_package() -> Package:
    p = package_with_line(requirement())
    applied(p, package_d.propose(p))
    funded = {1: Money.parse("200", "USD")}
    for party in ("US", "NATO"):
        applied(
            p,
            package_d.decide(p, party=party, decision="approve", reason="", on=date(2025, 8, 9), funded_by_line=funded),
        )
    return p


def test_contract_cannot_cost_more_per_unit_than_was_funded_nor_exceed_the_line():
    p = approved_package()
    c = Contract(id="C-1")
    with pytest.raises(RuleViolation, match=re.escape("costs USD 20.01 per unit, more than the USD 20.00 funded")):
        contract_d.sign(
            c,
            p,
            buyer="US",
            supplier="S",
            kind="purchase",
            signed_on="2025-09-01",
            lines=[LineTerms(1, 10, "20.01")],
            schedule=[],
            contracted_by_line={},
        )
    with pytest.raises(RuleViolation, match="has 4 left to contract, not 6"):
        contract_d.sign(
            c,
            p,
            buyer="US",
            supplier="S",
            kind="purchase",
            signed_on="2025-09-01",
            lines=[LineTerms(1, 6)],
            schedule=[],
            contracted_by_line={1: 6},
        )
    with pytest.raises(RuleViolation, match="bought by its seller"):
        contract_d.sign(
            c,
            p,
            buyer="DE",
            supplier="S",
            kind="purchase",
            signed_on="2025-09-01",
            lines=[LineTerms(1, 6)],
            schedule=[],
            contracted_by_line={},
        )


def signed_contract() -> Contract:
    c = Contract(id="C-1")
    return applied(
        c,
        contract_d.sign(
            c,
            approved_package(),
            buyer="US",
            supplier="S",
            kind="purchase_agreement",
            signed_on="2025-09-01",
            lines=[LineTerms(1, 10, "18")],
            schedule=[],
            contracted_by_line={},
        ),
    )


def test_contract_before_approval_is_refused():
    p = package_with_line(requirement())
    with pytest.raises(RuleViolation, match="package 'PKG-1' is draft: contracts are signed for approved packages"):
        contract_d.sign(
            Contract(id="C"),
            p,
            buyer="US",
            supplier="S",
            kind="purchase",
            signed_on="2025-09-01",
            lines=[LineTerms(1, 1)],
            schedule=[],
            contracted_by_line={},
        )


def test_shipments_cannot_exceed_what_is_outstanding_and_partial_receipt_needs_a_note():
    c = signed_contract()
    s = Shipment(id="S-1")
    with pytest.raises(RuleViolation, match="line 1 has 3 units left to ship, not 4"):
        shipment_d.dispatch(
            s, c, shipped_on="2025-10-01", lines=[ShippedLine(1, 4)], outstanding_by_line={1: 3}, lot_available={}
        )
    applied(
        s,
        shipment_d.dispatch(
            s, c, shipped_on="2025-10-01", lines=[ShippedLine(1, 4)], outstanding_by_line={1: 10}, lot_available={}
        ),
    )
    with pytest.raises(InvalidInput) as exc:
        shipment_d.receive(s, received_on="2025-10-03", quantities={1: 3})
    assert exc.value.field == "note"
    with pytest.raises(InvalidInput, match="is before the shipment left"):
        shipment_d.receive(s, received_on="2025-09-30", quantities=None)
    applied(s, shipment_d.receive(s, received_on="2025-10-03", quantities={1: 3}, note="one damaged"))
    assert s.state == "received" and (s.lines[1].received, s.lines[1].quantity) == (3, 4)


def facility() -> Facility:
    f = Facility(id="F-1")
    applied(f, register(f, name="JV", country="UA", owners=[("UA-CO", "51"), ("US-CO", "49")]))
    applied(f, set_capacity(f, item="Interceptor", from_month="2025-10", monthly_quantity=100))
    return applied(f, set_capacity(f, item="Interceptor", from_month="2026-01", monthly_quantity=300))


def test_capacity_ramps_up_by_month():
    f = facility()
    assert [f.capacity_in("Interceptor", m) for m in ("2025-09", "2025-10", "2025-12", "2026-01", "2027-05")] == [
        0,
        100,
        100,
        300,
        300,
    ]


def test_ownership_must_add_up_to_100():
    with pytest.raises(InvalidInput, match="ownership shares must add up to 100"):
        register(Facility(id="F"), name="JV", country="UA", owners=[("A", "51"), ("B", "48")])


def test_lots_are_inspected_and_only_accepted_units_complete_an_order():
    o = ProductionOrder(id="PO-1")
    applied(
        o,
        production_d.place(
            o, facility(), signed_contract(), contract_line_no=1, quantity=10, due=date(2026, 1, 31), already_ordered=0
        ),
    )
    with pytest.raises(RuleViolation, match="is placed: lots are recorded while it is in production"):
        production_d.produce_lot(o, quantity=5, produced_on=date(2025, 10, 10))
    applied(o, production_d.start(o, on=date(2025, 10, 1)))
    applied(o, production_d.produce_lot(o, quantity=6, produced_on=date(2025, 10, 10)))
    with pytest.raises(RuleViolation, match="needs 4 more units"):
        production_d.produce_lot(o, quantity=5, produced_on=date(2025, 10, 11))
    with pytest.raises(InvalidInput, match=r"accepted \+ rejected must equal the lot's 6 units"):
        production_d.inspect(o, lot_id="PO-1-L001", accepted=5, rejected=0, reason="", on=date(2025, 10, 12))
    applied(
        o, production_d.inspect(o, lot_id="PO-1-L001", accepted=4, rejected=2, reason="seeker", on=date(2025, 10, 12))
    )
    applied(o, production_d.produce_lot(o, quantity=6, produced_on=date(2025, 10, 20)))
    events = production_d.inspect(o, lot_id="PO-1-L002", accepted=6, rejected=0, reason="", on=date(2025, 10, 21))
    assert [e.type for e in events] == ["LotInspected", "ProductionOrderCompleted"]
    applied(o, events)
    assert o.state == "completed" and o.accepted == 10


def test_facility_must_be_able_to_build_the_item():
    f = Facility(id="F-2")
    applied(f, register(f, name="Other", country="US", owners=[("US-CO", "100")]))
    with pytest.raises(RuleViolation, match="facility 'F-2' cannot build 'Interceptor'"):
        production_d.place(
            ProductionOrder(id="PO-2"),
            f,
            signed_contract(),
            contract_line_no=1,
            quantity=1,
            due=date(2026, 1, 31),
            already_ordered=0,
        )

"""Change releases money (issue 15 item 3): a rejected package gives its allocations back to
its pledges and reopens its requirement lines, on both databases."""

import json
from datetime import date
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import event_count
from scenario import OP, allocate, base, validated_requirement
from supplyline.cli.main import app
from supplyline.domain import pledge as pledge_d
from supplyline.domain.contract import LineTerms
from supplyline.domain.errors import InvalidInput, RuleViolation
from supplyline.domain.events import AllocationReleased, MoneyTransferred, PledgeAllocated, RateUsed
from supplyline.domain.money import Money
from supplyline.domain.pledge import Pledge
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus, facts
from supplyline.services.context import Actor
from supplyline.services.demo_ledger import demo, demo_canada
from supplyline.services.money_flow import money
from supplyline.services.money_flow.conservation import check_money
from supplyline.services.plans import allocation
from supplyline.services.records import contracts, funding, packages, parties, requirements, shipments
from supplyline.store import schema as t

runner = CliRunner()


def _pledge_row(store, pledge_id):
    with store.read() as conn:
        return conn.execute(select(t.pledges).where(t.pledges.c.id == pledge_id)).mappings().one()


def _requirement_row(store, requirement_id):
    with store.read() as conn:
        return conn.execute(select(t.requirements).where(t.requirements.c.id == requirement_id)).mappings().one()


def test_a_rejected_package_gives_its_money_back_and_reopens_its_lines(store):
    base(store, pledge_amounts=(("PL-A", "6000.00", "USD"), ("PL-B", "4000.00", "USD")))
    allocate(store, "PL-A", "6000.00", "USD")
    allocate(store, "PL-B", "4000.00", "USD")
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    assert (_pledge_row(store, "PL-A")["state"], _pledge_row(store, "PL-A")["allocated_minor"]) == ("exhausted", 600000)
    assert (_requirement_row(store, "R-1")["state"], _requirement_row(store, "R-1")["funded_quantity"]) == (
        "funded",
        100,
    )

    outcome = bus.handle(
        store,
        OP,
        packages.Decide(package_id="PKG-1", party="US", decision="reject", reason="not releasable", on="2025-08-09"),
    )

    assert [e.type for e in outcome.events] == [
        "PackageDecisionRecorded",
        "PackageRejected",
        "AllocationReleased",
        "AllocationReleased",
        "RequirementFundingRecorded",
    ]
    a, b = _pledge_row(store, "PL-A"), _pledge_row(store, "PL-B")
    assert (a["state"], a["allocated_minor"], b["state"], b["allocated_minor"]) == ("committed", 0, "committed", 0)
    req = _requirement_row(store, "R-1")
    assert (req["state"], req["funded_quantity"]) == ("validated", 0)
    with store.read() as conn:
        rows = conn.execute(select(t.allocations).order_by(t.allocations.c.id)).mappings().all()
    assert [(r["id"], r["amount_minor"], r["line_amount_minor"], r["released_minor"]) for r in rows] == [
        ("PL-A.1", 0, 0, 600000),
        ("PL-B.1", 0, 0, 400000),
    ]
    # the released money funds another package for the reopened line
    bus.handle(
        store,
        OP,
        packages.DraftPackage(
            title="P2", mechanism="purl", seller="US", recipient="UA", currency="USD", approvers=(), id="PKG-2"
        ),
    )
    bus.handle(store, OP, packages.AddLine(package_id="PKG-2", requirement_id="R-1", quantity=100))
    allocate(store, "PL-A", "6000.00", "USD", on="2025-08-10", package_id="PKG-2")
    assert _pledge_row(store, "PL-A")["state"] == "exhausted"
    assert _requirement_row(store, "R-1")["state"] == "validated"  # the line is not fully paid yet
    allocate(store, "PL-B", "4000.00", "USD", on="2025-08-10", package_id="PKG-2")
    assert (_requirement_row(store, "R-1")["state"], _requirement_row(store, "R-1")["funded_quantity"]) == (
        "funded",
        100,
    )


def test_a_release_converts_back_at_the_allocations_own_rate(store):
    base(store, pledge_amounts=(("PL-E", "8000.00", "EUR"),))  # EUR 1 = USD 1.25 on 2025-08-01
    allocate(store, "PL-E", "8000.00", "EUR")
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    bus.handle(
        store, OP, packages.Decide(package_id="PKG-1", party="US", decision="reject", reason="no", on="2025-08-09")
    )
    row = _pledge_row(store, "PL-E")
    assert (row["state"], row["allocated_minor"], row["amount_minor"]) == ("committed", 0, 800000)
    with store.read() as conn:
        alloc = conn.execute(select(t.allocations)).mappings().one()
    assert (alloc["released_minor"], alloc["released_line_minor"], alloc["fx_rate"]) == (800000, 1000000, "1.25")


RATE = RateUsed("EUR", "USD", Decimal("1.1"), date(2025, 8, 1))


def _eur_100_paying_usd_110():
    """A committed pledge of EUR 100.00 whose one allocation pays USD 110.00 of PKG-1 line 1."""
    p = Pledge("PL-X")
    for e in pledge_d.announce(
        p, funder="NL", amount=Money.parse("100.00", "EUR"), pledged_on=date(2025, 8, 1), mechanism="purl"
    ):
        p.apply(e)
    p.apply(pledge_d.commit(p, on=date(2025, 8, 1))[0])
    p.apply(
        PledgeAllocated(
            allocation_id="PL-X.1",
            package_id="PKG-1",
            line_no=1,
            amount=Money.parse("100.00", "EUR"),
            line_amount=Money.parse("110.00", "USD"),
            fx=RATE,
            allocated_on=date(2025, 8, 1),
        )
    )
    return p


def test_partial_releases_never_strand_a_cent():
    p = _eur_100_paying_usd_110()
    for _ in range(3):  # USD 33.33 three times: EUR 30.30 each, pro rata
        (e,) = pledge_d.release(
            p,
            allocation_id="PL-X.1",
            reason="contract_underrun",
            on=date(2025, 9, 1),
            line_amount=Money.parse("33.33", "USD"),
        )
        assert isinstance(e, AllocationReleased) and e.amount == Money.parse("30.30", "EUR")
        p.apply(e)
    (last,) = pledge_d.release(p, allocation_id="PL-X.1", reason="package_closed", on=date(2025, 9, 2))
    assert isinstance(last, AllocationReleased)
    assert (last.amount, last.line_amount) == (Money.parse("9.10", "EUR"), Money.parse("10.01", "USD"))
    p.apply(last)
    assert (p.allocated, p.state) == (Money.parse("0.00", "EUR"), "committed")
    assert pledge_d.release(p, allocation_id="PL-X.1", reason="package_closed", on=date(2025, 9, 2)) == []
    with pytest.raises(InvalidInput, match="reason"):
        pledge_d.release(p, allocation_id="PL-X.1", reason="because", on=date(2025, 9, 2))
    with pytest.raises(InvalidInput, match="pledge 'PL-X' has no such allocation"):
        pledge_d.release(p, allocation_id="PL-X.9", reason="package_closed", on=date(2025, 9, 2))


def test_a_release_larger_than_what_the_allocation_holds_is_refused(store):
    base(store)
    allocate(store, "PL-A", "1000.00", "USD")
    with store.write("operator") as uow:
        pledge = uow.load(Pledge, "PL-A")
        with pytest.raises(RuleViolation, match=r"allocation 'PL-A.1' holds USD 1,000.00 of its line"):
            pledge_d.release(
                pledge,
                allocation_id="PL-A.1",
                reason="line_cancelled",
                on=date(2025, 9, 1),
                line_amount=Money.parse("1000.01", "USD"),
            )


def test_cli_shows_the_canadian_package_rejected_and_its_money_in_another(demo_sqlite_url):
    """The bug issue 15 names (PKG-CA-1 rejected, PL-CA-2025-08 stayed exhausted), as the demo
    now tells it: the US rejects PKG-CA-1 on 3 December 2026, its USD 500 M go back to the
    pledge and on to PKG-CA-2 the next day."""
    result = runner.invoke(app, ["--db", demo_sqlite_url, "pledge", "show", "PL-CA-2025-08", "--json"])
    shown = json.loads(result.stdout)
    assert (shown["state"], shown["allocated"], shown["remaining"]) == ("exhausted", "500000000.00", "0.00")
    assert sorted((a["package_id"], a["amount"]) for a in shown["allocations"]) == [
        ("PKG-CA-1", "0.00"),
        ("PKG-CA-1", "0.00"),
        ("PKG-CA-2", "110000000.00"),
        ("PKG-CA-2", "300000000.00"),
        ("PKG-CA-2", "90000000.00"),
    ]
    package = json.loads(runner.invoke(app, ["--db", demo_sqlite_url, "package", "show", "PKG-CA-1", "--json"]).stdout)
    assert (package["state"], [(d["party"], d["decision"], d["decided_on"]) for d in package["decisions"]]) == (
        "rejected",
        [("US-GOV", "reject", "2026-12-03")],
    )
    req = runner.invoke(app, ["--db", demo_sqlite_url, "requirement", "show", "REQ-01", "--json"])
    # REQ-01: 120 (NL) + 80 (Nordic); Canada's 100 went back, the December package's 60 are not fully funded
    assert json.loads(req.stdout)["funded_quantity"] == 200
    assert runner.invoke(app, ["--db", demo_sqlite_url, "rebuild", "--check"]).exit_code == 0


def _released(store):
    with store.read() as conn:
        rows = conn.execute(select(t.allocations).order_by(t.allocations.c.id)).mappings().all()
    return [(r["id"], r["amount_minor"], r["line_amount_minor"], r["released_minor"]) for r in rows]


def test_a_withdrawn_requirement_gives_back_what_its_open_packages_held(store):
    base(store, pledge_amounts=(("PL-A", "6000.00", "USD"), ("PL-B", "4000.00", "USD")))
    allocate(store, "PL-A", "6000.00")
    allocate(store, "PL-B", "2500.00")
    assert (_pledge_row(store, "PL-B")["state"], _pledge_row(store, "PL-B")["allocated_minor"]) == (
        "partly_allocated",
        250000,
    )

    outcome = bus.handle(
        store, OP, requirements.WithdrawRequirement(requirement_id="R-1", reason="no longer needed", on="2025-08-20")
    )

    assert [e.type for e in outcome.events] == ["RequirementWithdrawn", "AllocationReleased", "AllocationReleased"]
    a, b = _pledge_row(store, "PL-A"), _pledge_row(store, "PL-B")
    assert (a["state"], a["allocated_minor"], b["state"], b["allocated_minor"]) == ("committed", 0, "committed", 0)
    assert _released(store) == [("PL-A.1", 0, 0, 600000), ("PL-B.1", 0, 0, 250000)]
    req = _requirement_row(store, "R-1")
    assert (req["state"], req["funded_quantity"]) == ("withdrawn", 0)
    with store.read() as conn:
        flows = conn.execute(
            select(t.money_flows.c.pledge_id, t.money_flows.c.amount_minor, t.money_flows.c.reference)
            .where(t.money_flows.c.stage == "released")
            .order_by(t.money_flows.c.pledge_id)
        ).all()
    assert [tuple(f) for f in flows] == [
        ("PL-A", 600000, "requirement_withdrawn"),
        ("PL-B", 250000, "requirement_withdrawn"),
    ]
    with store.read() as conn:
        assert check_money(conn) == []
    with pytest.raises(RuleViolation, match="requirement 'R-1' is withdrawn: its package lines take no more money"):
        allocate(store, "PL-A", "100.00", on="2025-08-21")
    assert _pledge_row(store, "PL-A")["allocated_minor"] == 0


def test_an_expired_pledge_takes_back_its_unused_part_and_the_line_reopens(store):
    base(store, pledge_amounts=(("PL-B", "4000.00", "USD"),))
    bus.handle(
        store,
        OP,
        funding.AnnouncePledge(
            funder="NL",
            amount="6000.00",
            currency="USD",
            pledged_on="2025-08-02",
            valid_until="2025-08-31",
            mechanism="purl",
            id="PL-A",
            commit=True,
        ),
    )
    allocate(store, "PL-A", "6000.00")
    allocate(store, "PL-B", "4000.00")
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    assert (_requirement_row(store, "R-1")["state"], _pledge_row(store, "PL-A")["state"]) == ("funded", "exhausted")
    with pytest.raises(RuleViolation, match="pledge 'PL-A' is valid until 2025-08-31: it cannot expire on 2025-08-31"):
        bus.handle(store, OP, funding.ExpirePledge(pledge_id="PL-A", on="2025-08-31"))
    assert _released(store) == [("PL-A.1", 600000, 600000, 0), ("PL-B.1", 400000, 400000, 0)]  # nothing written

    outcome = bus.handle(store, OP, funding.ExpirePledge(pledge_id="PL-A", on="2025-09-01"))

    assert [e.type for e in outcome.events] == ["AllocationReleased", "RequirementFundingRecorded", "PledgeExpired"]
    a, b = _pledge_row(store, "PL-A"), _pledge_row(store, "PL-B")
    assert (a["state"], a["allocated_minor"], a["amount_minor"]) == ("expired", 0, 600000)
    assert (b["state"], b["allocated_minor"]) == ("exhausted", 400000)
    assert _released(store) == [("PL-A.1", 0, 0, 600000), ("PL-B.1", 400000, 400000, 0)]
    req = _requirement_row(store, "R-1")
    assert (req["state"], req["funded_quantity"]) == ("validated", 0)
    with store.read() as conn:
        assert check_money(conn) == []


def test_a_release_keeps_what_was_transferred_where_rounding_would_take_a_cent_of_it():
    """EUR 100.00 paying USD 110.00, EUR 90.91 sent to the seller: releasing USD 10.01 of the
    line would keep round(100 × 99.99 / 110) = EUR 90.90; the pledge gets back EUR 9.09."""
    p = _eur_100_paying_usd_110()
    p.apply(
        MoneyTransferred(
            package_id="PKG-1",
            amount=Money.parse("90.91", "EUR"),
            seller_amount=Money.parse("100.00", "USD"),
            fx=RATE,
            fx_difference=Money.parse("0.00", "USD"),
            reference="T-1",
            transferred_on=date(2025, 8, 2),
        )
    )
    (e,) = pledge_d.release(
        p,
        allocation_id="PL-X.1",
        reason="contract_underrun",
        on=date(2025, 9, 1),
        line_amount=Money.parse("10.01", "USD"),
    )
    assert isinstance(e, AllocationReleased)
    assert (e.amount, e.line_amount) == (Money.parse("9.09", "EUR"), Money.parse("10.01", "USD"))
    p.apply(e)
    with pytest.raises(RuleViolation, match=r"pledge 'PL-X' transferred EUR 90\.91 for package 'PKG-1'"):
        pledge_d.release(p, allocation_id="PL-X.1", reason="package_closed", on=date(2025, 9, 2))
    assert (p.allocated, p.allocation("PL-X.1").held_line) == (Money.parse("90.91", "EUR"), Money.parse("99.99", "USD"))


def _pledges_minor(store, *pledge_ids):
    return [
        (r["state"], r["allocated_minor"], r["transferred_minor"]) for r in map(partial(_pledge_row, store), pledge_ids)
    ]


def test_a_contract_under_run_goes_back_except_what_was_sent_to_the_seller(store):
    """100 × USD 100 funded by EUR 4,800 (USD 6,000 at 1.25), of which EUR 4,000 was sent to
    the seller, and by USD 4,000; the contract costs USD 90.01 a unit. Its USD 999.00 under-run
    goes back over what each may give: PL-B USD 4,000.00, PL-E only USD 1,000.00 (it keeps
    round(6000 × 4000 / 4800) = USD 5,000.00 for the EUR 4,000 sent). The line stays funded;
    closing the delivered package finds nothing more to give back."""
    base(store, pledge_amounts=(("PL-E", "4800.00", "EUR"), ("PL-B", "4000.00", "USD")))
    allocate(store, "PL-E", "4800.00")
    allocate(store, "PL-B", "4000.00")
    bus.handle(store, OP, money.PayIn(pledge_id="PL-E", amount="4000.00", reference="P-1", on="2025-08-04"))
    bus.handle(
        store,
        OP,
        money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="4000.00", reference="T-1", on="2025-08-04"),
    )
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    bus.handle(store, OP, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2025-08-05"))
    sign = contracts.SignContract(
        package_id="PKG-1",
        buyer="US",
        supplier="SUP",
        kind="purchase",
        signed_on="2025-08-20",
        lines=(LineTerms(1, 100, "90.01"),),
        id="CT-1",
    )

    outcome = bus.handle(store, OP, sign)

    released = [json.loads(e.payload) for e in outcome.events if e.type == "AllocationReleased"]
    assert [(r["allocation_id"], r["amount"]["amount"], r["line_amount"]["amount"], r["reason"]) for r in released] == [
        ("PL-B.1", "799.20", "799.20", "contract_underrun"),
        # PL-E keeps round(4800 × 5800.20 / 6000) = EUR 4,640.16 for USD 5,800.20 of its line
        ("PL-E.1", "159.84", "199.80", "contract_underrun"),
    ]
    assert _pledges_minor(store, "PL-E", "PL-B") == [
        ("partly_allocated", 464016, 400000),
        ("partly_allocated", 320080, 0),
    ]
    assert (_requirement_row(store, "R-1")["state"], _requirement_row(store, "R-1")["funded_quantity"]) == (
        "funded",
        100,
    )
    bus.handle(
        store,
        OP,
        shipments.Dispatch(contract_id="CT-1", shipped_on="2025-09-10", lines=(ShippedLine(1, 100),), id="SH-1"),
    )
    bus.handle(store, OP, shipments.Receive(shipment_id="SH-1", received_on="2025-09-20"))
    outcome = bus.handle(store, OP, packages.ClosePackage(package_id="PKG-1", on="2025-10-01"))
    assert [e.type for e in outcome.events] == ["PackageClosed"]
    assert _requirement_row(store, "R-1")["funded_quantity"] == 100
    with store.read() as conn:
        assert check_money(conn) == []


def test_rejecting_the_canadian_package_frees_its_money_for_allocate_on_both_databases(store):
    """Issue 15's PKG-CA-1 scenario, with the figures, as the demo plays it: after the US
    rejects PKG-CA-1, PL-CA-2025-08 has USD 500 M to allocate again, REQ-01's funded quantity
    falls by the 100 the package held, and the optimiser sees the money and the reopened
    lines; then PKG-CA-2 takes all of it."""
    demo.load(store, reallocate=False)
    with store.read() as conn:
        released = conn.execute(
            select(t.events.c.payload).where(t.events.c.type == "AllocationReleased").order_by(t.events.c.seq)
        ).scalars()
        freed = [json.loads(d) for d in released]
    # the rejection gave back both of PKG-CA-1's allocations, USD 410 M and 90 M
    assert [(e["allocation_id"], e["amount"]["amount"]) for e in freed if e["package_id"] == "PKG-CA-1"] == [
        ("PL-CA-2025-08.1", "410000000.00"),
        ("PL-CA-2025-08.2", "90000000.00"),
    ]
    ca = _pledge_row(store, "PL-CA-2025-08")
    assert (ca["state"], ca["allocated_minor"], ca["released_minor"]) == ("committed", 0, 50_000_000_000)
    # 120 (Netherlands) + 80 (Nordic) still funded; the December package's 60 are not funded in full
    assert _requirement_row(store, "REQ-01")["funded_quantity"] == 200
    with store.read() as conn:
        assert check_money(conn) == []
        instance = allocation.load_instance(conn, date(2026, 12, 3), "USD", None)
    pledge = next(p for p in instance.pledges if p.id == "PL-CA-2025-08")
    assert (pledge.allocated, pledge.state) == (Money.parse("0.00", "USD"), "committed")
    need = {n.requirement_id: n.open_quantity for n in instance.needs}
    # the rejected package's 100 reopen beside what no live package holds (NL 120, Nordic 80, December 60)
    assert need["REQ-01"] == _requirement_row(store, "REQ-01")["quantity"] - 260
    plan = allocation.prepare(store, allocation.RunAllocation(on="2026-12-03", time_limit="30")).report()
    from_canada = [a for a in plan["allocations"] if a["pledge_id"] == "PL-CA-2025-08"]
    assert from_canada and {a["currency"] for a in from_canada} == {"USD"}
    assert sum(Decimal(a["amount"]) for a in from_canada) <= Decimal(500_000_000)

    demo_canada.reallocate(store, Actor("NATO-NSATU", via="test"))
    ca = _pledge_row(store, "PL-CA-2025-08")
    assert (ca["state"], ca["allocated_minor"], ca["released_minor"]) == ("exhausted", 50_000_000_000, 50_000_000_000)
    assert [(r["id"], r["funded_quantity"]) for r in map(partial(_requirement_row, store), ("REQ-01", "REQ-04"))] == [
        ("REQ-01", 200),
        ("REQ-04", 120),
    ]
    with store.read() as conn:
        assert check_money(conn) == []


def test_a_cancelled_line_gives_back_its_money_at_each_allocations_rate_and_reopens(store):
    """Issue 15 item 3: a cancelled package line releases its allocations to each pledge, in its
    currency at the rate its allocation recorded (not today's), and its requirement's units reopen."""
    base(store, pledge_amounts=(("PL-E", "8000.00", "EUR"), ("PL-B", "6000.00", "USD")))
    validated_requirement(store, "R-2", quantity=10, rank=2, item="Radar spares", unit="set")
    bus.handle(store, OP, packages.AddLine(package_id="PKG-1", requirement_id="R-2", quantity=10))
    allocate(store, "PL-E", "4000.00")  # EUR 4,000 = USD 5,000 at the 1 August rate (1.25)
    allocate(store, "PL-B", "5000.00")
    bus.handle(
        store,
        OP,
        funding.Allocate(pledge_id="PL-B", package_id="PKG-1", line_no=2, amount="1000.00", on="2025-08-03"),
    )
    assert _requirement_row(store, "R-1")["funded_quantity"] == 100
    bus.handle(store, OP, parties.RecordRates(day="2025-08-08", rates={"USD": "1.10"}))  # the euro fell since

    outcome = bus.handle(
        store, OP, packages.CancelLine(package_id="PKG-1", line_no="1", reason="no longer needed", on="2025-08-09")
    )

    assert [e.type for e in outcome.events] == [
        "PackageLineCancelled",
        "AllocationReleased",
        "AllocationReleased",
        "RequirementFundingRecorded",
    ]
    e, b = _pledge_row(store, "PL-E"), _pledge_row(store, "PL-B")
    # EUR 4,000.00 back, exactly what it gave (at 1.10 USD 5,000 would be EUR 4,545.45)
    assert (e["state"], e["allocated_minor"], e["released_minor"]) == ("committed", 0, 400000)
    assert (b["state"], b["allocated_minor"], b["released_minor"]) == ("partly_allocated", 100000, 500000)
    assert _requirement_row(store, "R-1")["funded_quantity"] == 0
    assert _requirement_row(store, "R-2")["funded_quantity"] == 10
    with store.read() as conn:
        assert check_money(conn) == []
        assert facts.packaged_quantity(conn, "R-1") == 0
        instance = allocation.load_instance(conn, date(2025, 8, 10), "USD", None)
    assert {n.requirement_id: n.open_quantity for n in instance.needs} == {"R-1": 100}
    assert {p.id: p.allocated for p in instance.pledges} == {
        "PL-E": Money.parse("0.00", "EUR"),
        "PL-B": Money.parse("1000.00", "USD"),
    }
    # the cancelled line takes no money, is not cancelled twice, and the last line is not cancelled
    before = event_count(store)
    with pytest.raises(RuleViolation, match="line 1 was cancelled on 2025-08-09: it takes no allocation"):
        allocate(store, "PL-E", "100.00", on="2025-08-10")
    with pytest.raises(RuleViolation, match="line 1 was cancelled on 2025-08-09"):
        bus.handle(store, OP, packages.CancelLine(package_id="PKG-1", line_no="1", reason="again", on="2025-08-10"))
    with pytest.raises(RuleViolation, match="line 2 is the last line of package 'PKG-1': reject the package instead"):
        bus.handle(store, OP, packages.CancelLine(package_id="PKG-1", line_no="2", reason="all", on="2025-08-10"))
    assert event_count(store) == before


def test_cli_cancels_a_line_of_the_december_package(demo_sqlite_url):
    result = runner.invoke(
        app,
        [
            "--db",
            demo_sqlite_url,
            "--as",
            "NATO-NSATU",
            "package",
            "cancel-line",
            "PKG-DEC-1",
            "--line",
            "3",
            "--reason",
            "moved to the next list",
            "--on",
            "2025-12-20",
        ],
    )
    assert result.exit_code == 0, result.stdout
    shown = json.loads(
        runner.invoke(app, ["--db", demo_sqlite_url, "pledge", "show", "PL-PL-2025-12", "--json"]).stdout
    )
    assert (shown["allocated"], shown["remaining"]) == ("0.00", "100000000.00")
    assert runner.invoke(app, ["--db", demo_sqlite_url, "rebuild", "--check"]).exit_code == 0

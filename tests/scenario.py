"""A small ledger built through the services: one validated requirement, one package with a
line, committed pledges. Used by tests that need money to move; ``funded_and_contracted``
adds a contract to ship against."""

from supplyline.domain.contract import LineTerms
from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.records import contracts, funding, packages, parties, requirements

OP = Actor("operator", via="test")


def validated_requirement(store, rid, *, quantity, unit_price="100", rank=1, item="Interceptor", unit="missile"):
    """A tier-1 air-defence requirement of UA, drafted, submitted and validated."""
    bus.handle(
        store,
        OP,
        requirements.DraftRequirement(
            recipient="UA",
            list_month="2025-08",
            priority=1,
            rank=rank,
            item=item,
            category="air_defence",
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            currency="USD",
            origin="US",
            id=rid,
        ),
    )
    bus.handle(store, OP, requirements.SubmitRequirement(requirement_id=rid))
    bus.handle(store, OP, requirements.ValidateRequirement(requirement_id=rid))


def base(store, *, pledge_amounts=(("PL-A", "1000.00", "USD"),), line_quantity=100, unit_price="100", fx=True):
    for pid, name, kind, country in [
        ("UA", "Ukraine MoD", "government", "UA"),
        ("US", "US Government", "government", "US"),
        ("NL", "Netherlands", "government", "NL"),
        ("SUP", "Supplier", "company", "US"),
    ]:
        bus.handle(store, OP, parties.RegisterParty(id=pid, name=name, kind=kind, country=country))
    if fx:
        bus.handle(store, OP, parties.RecordRates(day="2025-08-01", rates={"USD": "1.25"}))
    validated_requirement(store, "R-1", quantity=line_quantity, unit_price=unit_price)
    for pid, amount, currency in pledge_amounts:
        bus.handle(
            store,
            OP,
            funding.AnnouncePledge(
                funder="NL",
                amount=amount,
                currency=currency,
                pledged_on="2025-08-02",
                mechanism="purl",
                id=pid,
                commit=True,
            ),
        )
    bus.handle(
        store,
        OP,
        packages.DraftPackage(
            title="P", mechanism="purl", seller="US", recipient="UA", currency="USD", approvers=(), id="PKG-1"
        ),
    )
    bus.handle(store, OP, packages.AddLine(package_id="PKG-1", requirement_id="R-1", quantity=line_quantity))


def allocate(store, pledge_id, amount, currency=None, *, on="2025-08-03", package_id="PKG-1", line_no=1):
    """The operator allocates ``amount`` of a pledge to a package line (PKG-1's first by default)."""
    bus.handle(
        store,
        OP,
        funding.Allocate(
            pledge_id=pledge_id, package_id=package_id, line_no=line_no, amount=amount, currency=currency, on=on
        ),
    )


def funded_and_contracted(store):
    """EUR 8,000 (USD 10,000 at 1.25) funds 100 × USD 100; the contract costs what was funded."""
    base(store, pledge_amounts=(("PL-E", "8000.00", "EUR"),))
    allocate(store, "PL-E", "8000.00", "EUR")
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    bus.handle(store, OP, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2025-08-05"))
    contract = contracts.SignContract(
        package_id="PKG-1",
        buyer="US",
        supplier="SUP",
        kind="purchase",
        signed_on="2025-08-20",
        lines=(LineTerms(1, 100),),
        id="CT-1",
    )
    bus.handle(store, OP, contract)
    bus.handle(store, OP, parties.RecordRates(day="2025-09-01", rates={"USD": "1.20"}))

"""A small ledger built through the services: one validated requirement, one package with a
line, committed pledges. Used by tests that need money to move."""

from supplyline.services import bus, funding, packages, parties, requirements
from supplyline.services.context import Actor

OP = Actor("operator", via="test")


def base(store, *, pledge_amounts=(("PL-A", "1000.00", "USD"),), line_quantity=100, unit_price="100", fx=True):
    for pid, name, kind, country in [
        ("UA", "Ukraine MoD", "government", "UA"),
        ("US", "US Government", "government", "US"),
        ("NL", "Netherlands", "government", "NL"),
        ("SUP", "Supplier", "company", "US"),
    ]:
        parties.register_party(store, OP, parties.RegisterParty(pid, name, kind, country))
    if fx:
        parties.record_rates(store, OP, parties.RecordRates("2025-08-01", {"USD": "1.25"}))
    requirements.draft_requirement(
        store,
        OP,
        requirements.DraftRequirement(
            recipient="UA",
            list_month="2025-08",
            priority=1,
            rank=1,
            item="Interceptor",
            category="air_defence",
            quantity=line_quantity,
            unit="missile",
            unit_price=unit_price,
            currency="USD",
            origin="US",
            id="R-1",
        ),
    )
    requirements.submit_requirement(store, OP, "R-1")
    requirements.validate_requirement(store, OP, "R-1")
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
    packages.draft_package(store, OP, packages.DraftPackage("P", "purl", "US", "UA", "USD", (), "PKG-1"))
    packages.add_line(store, OP, packages.AddLine("PKG-1", "R-1", line_quantity))

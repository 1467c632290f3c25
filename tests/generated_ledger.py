"""A ledger generated from a seed: every kind of record that can withhold a field, each
withholdable field at a random disclosure level (issue 13, item 1).

Values are drawn so that two records share a value only where the domain makes them share
it (a package line taking its requirement's quantity or price, a contract line its package
line's, an order its contract line's, a receipt its shipment's): quantities and amounts are
distinct random numbers, and dates are distinct days of 2040–2045 taken in order, so a
withheld value found on a public surface is a leak, not a coincidence. Embargoes fall in
2090–2099, outside that range.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from supplyline.domain.amendment import LineAmendment
from supplyline.domain.contract import DeliveryTerms, LineTerms
from supplyline.domain.disclosure_table import WITHHOLDABLE
from supplyline.domain.serials import SerialRow
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.end_use import enduse
from supplyline.services.evidence import documents, findings
from supplyline.services.money_flow import money
from supplyline.services.records import (
    agreement,
    amendments,
    contracts,
    funding,
    lists,
    packages,
    parties,
    production,
    requirements,
    shipments,
)

OP = Actor("operator", via="generated")
FIRST_DAY = date(2040, 1, 1)
ITEM = "Interceptor"


@dataclass
class Draw:
    """Random, distinct values and disclosure choices from one seed."""

    rng: random.Random
    used: set[int] = field(default_factory=set)
    day: date = FIRST_DAY
    #: contract -> its line's unit price as signed
    signed: dict[str, str] = field(default_factory=dict)

    def number(self, low: int = 10_001, high: int = 999_999) -> int:
        while True:
            n = self.rng.randint(low, high)
            if n not in self.used:
                self.used.add(n)
                return n

    def price(self) -> str:
        return f"{self.number(1_001, 99_999)}.{self.rng.randint(11, 99)}"

    def next_day(self) -> str:
        """A day after every day drawn so far (each used once)."""
        self.day += timedelta(days=self.rng.randint(1, 9))
        return self.day.isoformat()

    def following_day(self) -> str:
        """The day after every day drawn so far, without drawing (so that adding a record
        leaves every later random choice of a seed as it was)."""
        self.day += timedelta(days=1)
        return self.day.isoformat()

    def disclose(self, event_type: str) -> list[str]:
        """A random level for each withholdable field of ``event_type``, some with an embargo."""
        out = []
        for name in WITHHOLDABLE.get(event_type, ()):
            level = self.rng.choice(("public", "public", "parties", "confidential"))
            if level != "public" and self.rng.random() < 0.3:
                embargo = date(2090, 1, 1) + timedelta(days=self.rng.randint(0, 3000))
                level = f"{level}@{embargo.isoformat()}"
            out.append(f"{name}={level}")
        return out

    def part(self, whole: int) -> int:
        """All of ``whole`` (the domain copies it) or a distinct part of it."""
        if whole < 20 or self.rng.random() < 0.5:
            return whole
        while True:
            n = self.rng.randint(whole // 2, whole - 1)
            if n not in self.used:
                self.used.add(n)
                return n


def build(store, seed: int, *, chains: int = 3) -> None:
    """Record a generated ledger into ``store`` (fresh, migrated)."""
    draw = Draw(random.Random(seed))
    for pid, kind, country in [("UA", "government", "UA"), ("US", "government", "US"), ("NL", "government", "NL")]:
        bus.handle(store, OP, parties.RegisterParty(id=pid, name=pid, kind=kind, country=country))
    bus.handle(store, OP, parties.RegisterParty(id="SUP", name="SUP", kind="company", country="US"))
    bus.handle(store, OP, parties.RecordRates(day="2039-12-01", rates={"USD": "1.25"}))
    steps = agreement.ConfigureApprovalSteps(mechanism="purl", steps=("validation", "concurrence"), on="2039-12-01")
    bus.handle(store, OP, steps)
    bus.handle(store, OP, production.RegisterFacility(name="Plant", country="US", owners=(("SUP", "100"),), id="FAC-1"))
    bus.handle(
        store,
        OP,
        production.SetCapacity(facility_id="FAC-1", item=ITEM, from_month="2040-01", monthly_quantity=draw.number()),
    )
    for _ in range(2):
        bus.handle(
            store,
            OP,
            enduse.RegisterSite(
                code=f"DEP-{draw.number()}",
                name=f"Depot {draw.number()}",
                party="UA",
                disclosure=draw.disclose("SiteRegistered"),
            ),
        )
    for n in range(1, chains + 1):
        _chain(store, draw, n)
    _chain(store, draw, chains + 1, rejected=True)
    _chain(store, draw, chains + 2, serialised=True)
    _evidence(store, draw)
    _amendments(store, draw, chains)


def _evidence(store, draw: Draw) -> None:
    """A document on the first contract and a finding through its whole life (issue 18),
    each text a distinct number so that a withheld one found in public is a leak. Drawn
    last, so every earlier random choice of a seed stays as it was."""
    attached = documents.AttachDocument(
        record="contract:CT-1", doc_type="invoice", language="en", title=str(draw.number()),
        content=f"%PDF-1.4 {draw.number()}".encode(), on=draw.following_day(),
        disclosure=draw.disclose("DocumentAttached"),
    )  # fmt: skip
    doc = bus.handle(store, Actor("US", via="generated"), attached).id
    auditor = Actor("AUDIT", via="generated")
    opened = findings.OpenFinding(
        record="contract:CT-1", severity="high", criteria=str(draw.number()), condition=str(draw.number()),
        due="2099-01-01", on=draw.following_day(), evidence=(doc,), disclosure=draw.disclose("FindingOpened"),
    )  # fmt: skip
    finding = bus.handle(store, auditor, opened).id
    steps = (
        findings.RespondToFinding(finding_id=finding, response=str(draw.number()), on=draw.following_day(),
                                  disclosure=draw.disclose("FindingResponded")),
        findings.CloseFinding(finding_id=finding, resolution=str(draw.number()), on=draw.following_day(),
                              disclosure=draw.disclose("FindingClosed")),
        findings.ReopenFinding(finding_id=finding, reason=str(draw.number()), due="2099-01-01",
                               on=draw.following_day(), disclosure=draw.disclose("FindingReopened")),
    )  # fmt: skip
    for step in steps:
        bus.handle(store, Actor("US", via="generated") if step is steps[0] else auditor, step)


def _amendments(store, draw: Draw, chains: int) -> None:
    """Each contract changed (issue 15 item 4): a rise far beyond the tolerance its funder
    refuses, then a fall within it that takes effect; each text a distinct number. Drawn
    last, so every earlier random choice of a seed stays as it was."""
    us = Actor("US", via="generated")
    for n in range(1, chains + 1):
        ct, price = f"CT-{n}", draw.signed[f"CT-{n}"]
        rise = amendments.AmendContract(
            contract_id=ct,
            rationale="item_price_variation",
            lines=(LineAmendment(1, unit_price=_amount(_cents(price) * 3 // 2)),),
            description=f"rise {draw.number()}",
            on=draw.next_day(),
        )
        bus.handle(store, us, rise)
        refusal = amendments.RejectAmendment(
            contract_id=ct, amendment_id=f"{ct}-A1", party="NL", reason=f"refused {draw.number()}", on=draw.next_day()
        )
        bus.handle(store, Actor("NL", via="generated"), refusal)
        fall = amendments.AmendContract(
            contract_id=ct,
            rationale="price_reduction",
            lines=(LineAmendment(1, unit_price=_amount(_cents(price) - draw.rng.randint(1, 99))),),
            description=f"fall {draw.number()}",
            on=draw.next_day(),
        )
        bus.handle(store, us, fall)


def _end_use(store, draw: Draw, shipment: str, serials: tuple[SerialRow, ...]) -> None:
    """A site and a disposition, each field at a random level (issue 16)."""
    ua = Actor("UA", via="generated")
    site = enduse.RegisterSite(
        code=f"S{draw.number()}", name=f"Store {draw.number()}", disclosure=draw.disclose("SiteRegistered")
    )
    bus.handle(store, ua, site)
    disposition = enduse.RecordDisposition(
        kind="expended",
        disposed_on=draw.next_day(),
        serials=serials[:1],
        evidence_sha256=f"{draw.number():064x}",
        authorisation=f"auth {draw.number()}",
        note=f"used {draw.number()}",
        disclosure=draw.disclose("DispositionRecorded"),
    )
    bus.handle(store, ua, disposition)


def _chain(store, draw: Draw, n: int, *, rejected: bool = False, serialised: bool = False) -> None:
    """Long because it is one story, requirement to receipt, told in order. A ``rejected``
    package ends at its decision, its allocations released back to the pledge; a
    ``serialised`` one carries a serial per unit and ends with a site and a disposition."""
    rid, pledge_id, pkg, ct, sh = f"R-{n}", f"PL-{n}", f"PKG-{n}", f"CT-{n}", f"SH-{n}"
    if serialised:
        bus.handle(store, OP, enduse.RequireSerials(requirement=rid))
    # a serial per unit: fewer than 20,000, as the checks need serials, not many (600,000 took a minute)
    quantity, price = draw.number(high=19_999) if serialised else draw.number(), draw.price()
    bus.handle(
        store,
        OP,
        requirements.DraftRequirement(
            recipient="UA",
            list_month="2040-01",
            priority=1,
            rank=n,
            item=ITEM,
            category="air_defence",
            quantity=quantity,
            unit="missile",
            unit_price=price,
            currency="USD",
            origin="US",
            needed_by=draw.next_day(),
            note=f"need {draw.number()}",
            id=rid,
            disclosure=draw.disclose("RequirementDrafted"),
        ),
    )
    bus.handle(store, OP, requirements.SubmitRequirement(requirement_id=rid))
    # returned to draft once with a reason, submitted again (issue 17)
    returned = lists.ReturnRequirement(
        requirement_id=rid,
        reason=f"returned {draw.number()}",
        by="US",
        on=draw.next_day(),
        disclosure=draw.disclose("RequirementReturned"),
    )
    bus.handle(store, OP, returned)
    bus.handle(store, OP, requirements.SubmitRequirement(requirement_id=rid))
    bus.handle(store, OP, requirements.ValidateRequirement(requirement_id=rid))
    line_quantity = draw.part(quantity)
    line_price = price if draw.rng.random() < 0.5 else draw.price()
    value = line_quantity * _cents(line_price)
    pledge_amount = _amount(value + draw.number() * 100)
    bus.handle(
        store,
        OP,
        funding.AnnouncePledge(
            funder="NL",
            amount=pledge_amount,
            currency="USD",
            pledged_on=draw.next_day(),
            mechanism="purl",
            valid_from=draw.next_day(),
            valid_until=(draw.day + timedelta(days=draw.number(1_000, 9_000))).isoformat(),
            note=f"tranche {draw.number()}",
            id=pledge_id,
            commit=True,
            disclosure=draw.disclose("PledgeAnnounced"),
        ),
    )
    bus.handle(
        store,
        OP,
        packages.DraftPackage(
            title=f"Package {n}",
            mechanism="purl",
            seller="US",
            recipient="UA",
            currency="USD",
            approvers=(),
            id=pkg,
            disclosure=draw.disclose("PackageDrafted"),
        ),
    )
    bus.handle(
        store,
        OP,
        packages.AddLine(
            package_id=pkg,
            requirement_id=rid,
            quantity=line_quantity,
            unit_price=line_price,
            disclosure=draw.disclose("PackageLineAdded"),
        ),
    )
    bus.handle(store, OP, packages.ProposePackage(package_id=pkg))
    bus.handle(
        store,
        OP,
        funding.Allocate(
            pledge_id=pledge_id,
            package_id=pkg,
            line_no=1,
            amount=_amount(value),
            currency="USD",
            on=draw.next_day(),
            disclosure=draw.disclose("PledgeAllocated"),
        ),
    )
    if not rejected:  # the whole pledge paid in, the whole allocation transferred (issue 15)
        bus.handle(
            store, OP, money.PayIn(pledge_id=pledge_id, amount=pledge_amount, reference=f"P{n}", on=draw.next_day())
        )
        transfer = money.Transfer(
            pledge_id=pledge_id, package_id=pkg, amount=_amount(value), reference=f"T{n}", on=draw.next_day()
        )
        bus.handle(store, OP, transfer)
    _agreement(store, draw, pkg)
    bus.handle(
        store,
        Actor("US", via="generated"),
        packages.Decide(
            package_id=pkg,
            party="US",
            decision="reject" if rejected else "approve",
            reason=f"cleared {draw.number()}",
            on=draw.next_day(),
            disclosure=draw.disclose("PackageDecisionRecorded"),
        ),
    )
    if rejected:
        return
    contract_quantity = draw.part(line_quantity)
    contract_price = None if draw.rng.random() < 0.5 else f"{_amount(_cents(line_price) - draw.rng.randint(1, 99))}"
    signed_on = draw.next_day()
    first = draw.part(contract_quantity) if contract_quantity > 40 else contract_quantity
    schedule = [DeliveryTerms(1, draw.next_day(), first)]
    if first < contract_quantity:
        schedule.append(DeliveryTerms(1, draw.next_day(), contract_quantity - first))
    bus.handle(
        store,
        OP,
        contracts.SignContract(
            package_id=pkg,
            buyer="US",
            supplier="SUP",
            kind="purchase",
            signed_on=signed_on,
            lines=(LineTerms(1, contract_quantity, contract_price),),
            schedule=tuple(schedule),
            id=ct,
            disclosure=draw.disclose("ContractSigned"),
        ),
    )
    draw.signed[ct] = contract_price or line_price
    # money obligated and paid on the line (issue 15): sealed with the line's price when it is withheld
    obligated = min(draw.number(), value, contract_quantity * _cents(draw.signed[ct]))
    bus.handle(store, OP, money.Obligate(contract_id=ct, line_no=1, amount=_amount(obligated), on=draw.next_day()))
    paid = money.Expend(
        contract_id=ct, line_no=1, amount=_amount(draw.rng.randint(1, obligated)), reference=f"I{n}", on=draw.next_day()
    )
    bus.handle(store, OP, paid)
    bus.handle(
        store,
        OP,
        production.PlaceOrder(
            facility_id="FAC-1",
            contract_id=ct,
            contract_line_no=1,
            quantity=draw.part(contract_quantity),
            due=schedule[-1].due,
            id=f"PO-{n}",
        ),
    )
    # schedules that move (issue 17): each repeats the date it moves from
    move = contracts.RescheduleDelivery(
        contract_id=ct, entry=1, due=draw.following_day(), reason="transport", on=draw.following_day()
    )
    bus.handle(store, OP, move)
    order_move = production.RescheduleOrder(
        order_id=f"PO-{n}", due=draw.following_day(), reason="quality_rework", on=draw.following_day()
    )
    bus.handle(store, OP, order_move)
    shipped = draw.part(contract_quantity)
    serials = tuple(SerialRow(i, f"GS{n}-{i:07d}") for i in range(1, shipped + 1)) if serialised else ()
    bus.handle(
        store,
        OP,
        shipments.Dispatch(
            serials=serials,
            contract_id=ct,
            shipped_on=draw.next_day(),
            lines=(ShippedLine(1, shipped),),
            id=sh,
            disclosure=draw.disclose("ShipmentDispatched"),
            expected_arrival=draw.following_day(),
        ),
    )
    # moved once on its way: withheld with the shipping day, as the first expected day is
    arrival_move = shipments.ExpectArrival(
        shipment_id=sh, expected_arrival=draw.following_day(), reason="transport", on=draw.following_day()
    )
    bus.handle(store, OP, arrival_move)
    received: dict[int, object] | None = None if draw.rng.random() < 0.5 else {1: draw.part(shipped)}
    arrived = shipped if received is None else int(str(received[1]))
    bus.handle(
        store,
        Actor("UA", via="generated"),
        shipments.Receive(
            shipment_id=sh,
            received_on=draw.next_day(),
            quantities=received,
            note=f"short by {draw.number()}" if received else "",
            disclosure=draw.disclose("ShipmentReceived"),
            missing=serials[arrived:],
        ),
    )
    if serialised:
        _end_use(store, draw, sh, serials[:arrived])


def _agreement(store, draw: Draw, pkg: str) -> None:
    """The coordinator returns the package with its reasons, it is proposed again, the funder
    objects then concurs and it is validated (issue 17): reasons at random levels."""
    returned = agreement.ReturnPackage(
        package_id=pkg,
        reasons=f"returned {draw.number()}",
        by="US",
        on=draw.next_day(),
        disclosure=draw.disclose("PackageReturned"),
    )
    bus.handle(store, OP, returned)
    bus.handle(store, OP, packages.ProposePackage(package_id=pkg))
    for verdict in ("object", "concur"):
        concurrence = agreement.Concur(
            package_id=pkg,
            verdict=verdict,
            reason=f"{verdict} {draw.number()}",
            funder="NL",
            on=draw.next_day(),
            disclosure=draw.disclose("FunderConcurrenceRecorded"),
        )
        bus.handle(store, OP, concurrence)
    bus.handle(store, OP, agreement.ValidatePackage(package_id=pkg, by="US", on=draw.next_day()))


def _cents(price: str) -> int:
    whole, _, cents = price.partition(".")
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"

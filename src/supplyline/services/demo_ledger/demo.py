"""Demo data: the first PURL packages and a Drone Deal purchase, pledge to receipt.

What is public and what is illustrative is written into the data itself (each pledge's
note says which), so nobody mistakes an invented figure for a reported one:

- public: the PURL funders and amounts of August 2025 as announced by their governments —
  Netherlands EUR 500 M; Denmark USD 90 M, Norway USD 146 M and Sweden USD 275 M together;
  Germany USD 500 M; Canada USD 500 M — and that a December 2025 package was funded by
  Germany, Norway and Poland.
- illustrative: everything else — the December 2025 amounts, the requirement lines and
  prices (package contents are not published), contracts, suppliers, shipments, the Drone
  Deal figures and facility, and the FX rates (round approximations of the ECB's, not
  copies of them).

Every record is written through the same service functions as the CLI and API, each by the
party that would act in reality (the ministry drafts requirements, NATO's cell validates
and allocates, funders pledge, the seller approves, contracts and ships, the recipient
confirms receipt).
"""

from __future__ import annotations

from ...domain.contract import DeliveryTerms, LineTerms
from ...domain.shipment import ShippedLine
from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..records import funding, packages, parties, production, requirements
from . import (
    demo_agreement,
    demo_amendments,
    demo_canada,
    demo_enduse,
    demo_evidence,
    demo_money,
    demo_schedules,
)
from .demo_data import (
    DEMO_TOKENS,
    DISCLOSURE,
    DRONE_DEAL_PRICES,
    FX,
    ILLUSTRATIVE,
    PARTIES,
    PLEDGES,
    REPRIORITISED,
    REQUIREMENTS,
)
from .demo_steps import package as _package
from .demo_steps import receive as _receive
from .demo_steps import ship as _ship
from .demo_steps import sign as _sign

__all__ = ["DEMO_TOKENS", "load"]


def _party(store: Store, party: str) -> Actor:
    return Actor(party, via="demo")


def load(store: Store, *, reallocate: bool = True) -> dict:
    """Load the demo into an empty ledger; returns the ids a caller may want to show.

    ``reallocate=False`` stops after PKG-CA-1's rejection, before its money goes to PKG-CA-2
    (for tests that look at the money in between)."""
    op = Actor("NATO-NSATU", via="demo")
    # parties are registered by the coordinator, who runs the shared ledger
    for party_id, name, kind, country in PARTIES:
        bus.handle(store, op, parties.RegisterParty(id=party_id, name=name, kind=kind, country=country))
    for day, rates in FX.items():
        bus.handle(store, op, parties.RecordRates(day=day, rates=rates, source="illustrative"))
    _requirements(store, op)
    _pledges(store)
    _purl_packages(store, op)
    _drone_deal(store, op)
    demo_money.load_money(store, op)
    demo_amendments.load_amendments(store, op)  # a price rise topped up by an amendment
    # closed once its money has moved: what its pledges did not send the seller goes back
    bus.handle(store, op, packages.ClosePackage(package_id="PKG-NORDIC-1", on="2026-01-15"))
    demo_schedules.slips(store)
    demo_evidence.load_evidence(store, op)
    demo_enduse.unit_leg(store)
    demo_agreement.publish_list(store)
    demo_canada.reject(store)
    if reallocate:
        demo_canada.reallocate(store, op)
    return {"trace_package": "PKG-NL-1", "drone_package": "PKG-DD-1"}


def _requirements(store: Store, op: Actor) -> None:
    """The ministries' lists: drafted and submitted by the recipient, validated by NATO's cell."""
    for rid, recipient, tier, rank, item, cat, qty, unit, price, origin, lot, whole, needed in REQUIREMENTS:
        author = _party(store, recipient)
        bus.handle(
            store,
            author,
            requirements.DraftRequirement(
                recipient=recipient,
                list_month="2025-08",
                priority=tier,
                rank=rank,
                item=item,
                category=cat,
                quantity=qty,
                unit=unit,
                unit_price=price,
                currency="USD",
                origin=origin,
                min_lot=lot,
                whole_only=whole,
                needed_by=needed,
                note=f"{ILLUSTRATIVE}: PURL and Drone Deal contents are not published",
                id=rid,
                # the Drone Deal's prices are its parties' (PKG-DD-1 withholds them): withheld
                # here too, when recorded, so the public log never holds them in clear
                disclosure=DRONE_DEAL_PRICES if rid.startswith("DD-") else (),
            ),
        )
        bus.handle(store, author, requirements.SubmitRequirement(requirement_id=rid))
        bus.handle(store, op, requirements.ValidateRequirement(requirement_id=rid))
    for rid, tier, rank in REPRIORITISED:
        bus.handle(
            store,
            _party(store, "UA-MOD"),
            requirements.Reprioritise(requirement_id=rid, list_month="2025-12", priority=tier, rank=rank),
        )


def _pledges(store: Store) -> None:
    """Each funder announces and commits its pledge."""
    for pid, funder, amount, cur, day, mech, cats, origins, until, note in PLEDGES:
        bus.handle(
            store,
            _party(store, funder),
            funding.AnnouncePledge(
                funder=funder,
                amount=amount,
                currency=cur,
                pledged_on=day,
                mechanism=mech,
                categories=cats,
                origins=origins,
                valid_until=until,
                note=note,
                id=pid,
                commit=True,
                disclosure=DISCLOSURE.get(pid, ()),
            ),
        )


def _purl_packages(store: Store, op: Actor) -> None:
    us, ua = Actor("US-GOV", via="demo"), Actor("UA-MOD", via="demo")
    demo_enduse.rules_and_sites(store, op)
    demo_agreement.configure(store, op, "purl", "2025-08-01")
    _netherlands(store, op, us, ua)
    _nordic(store, op, us, ua)
    _germany(store, op, us)
    _canada(store, op)
    _december(store, op)


def _netherlands(store: Store, op: Actor, us: Actor, ua: Actor) -> None:
    """Netherlands: approved, contracted, delivering (one receipt short)."""
    _package(
        store,
        op,
        "PKG-NL-1",
        "PURL package 1 — Netherlands",
        [("REQ-01", 120, None), ("REQ-02", 20, None), ("REQ-08", 300, None)],
        [
            ("PL-NL-2025-08", 1, "492000000", "2025-08-05"),
            ("PL-NL-2025-08", 2, "50000000", "2025-08-05"),
            ("PL-NL-2025-08", 3, "30000000", "2025-08-05"),
        ],
    )
    demo_agreement.agree(store, op, "PKG-NL-1", "2025-08-08")
    bus.handle(
        store,
        us,
        packages.Decide(
            package_id="PKG-NL-1", party="US-GOV", decision="approve", reason="cleared for sale", on="2025-08-12"
        ),
    )
    _sign(
        store,
        us,
        "PKG-NL-1",
        "US-GOV",
        "US-PRIME-A",
        "purchase",
        "2025-09-01",
        (LineTerms(1, 120, "4000000"), LineTerms(2, 20), LineTerms(3, 300, "95000")),
        "CT-NL-1",
        schedule=(
            DeliveryTerms(1, "2025-11-30", 60),
            DeliveryTerms(1, "2026-02-28", 60),
            DeliveryTerms(2, "2025-10-31", 20),
            DeliveryTerms(3, "2025-12-31", 300),
        ),
    )
    _netherlands_deliveries(store, us, ua)


def _netherlands_deliveries(store: Store, us: Actor, ua: Actor) -> None:
    """Two shipments, the second with serial-numbered items, received one short."""
    _ship(store, us, "CT-NL-1", "2025-10-20", (ShippedLine(2, 20), ShippedLine(3, 150)), "SH-NL-1")
    _receive(store, ua, "SH-NL-1", "2025-10-27")
    _ship(
        store,
        us,
        "CT-NL-1",
        "2025-11-24",
        (ShippedLine(1, 60), ShippedLine(3, 150)),
        "SH-NL-2",
        serials=demo_enduse.NL_PAC3,
    )
    _receive(
        store,
        ua,
        "SH-NL-2",
        "2025-12-02",
        quantities={1: 60, 3: 146},
        note="4 spare parts sets damaged in transit",
        disclosure=["note=parties"],
        site="DEP-01",
    )


def _nordic(store: Store, op: Actor, us: Actor, ua: Actor) -> None:
    """Denmark, Norway and Sweden together: delivered in full and closed."""
    _package(
        store,
        op,
        "PKG-NORDIC-1",
        "PURL package 2 — Denmark, Norway, Sweden",
        [("REQ-01", 80, None), ("REQ-05", 150, None), ("REQ-07", 16, None)],
        [
            ("PL-SE-2025-08", 1, "275000000", "2025-08-06"),
            ("PL-NO-2025-08", 1, "53000000", "2025-08-06"),
            ("PL-NO-2025-08", 2, "93000000", "2025-08-06"),
            ("PL-DK-2025-08", 2, "57000000", "2025-08-06"),
            ("PL-DK-2025-08", 3, "32000000", "2025-08-06"),
        ],
    )
    demo_agreement.agree(store, op, "PKG-NORDIC-1", "2025-08-14")
    bus.handle(
        store,
        us,
        packages.Decide(package_id="PKG-NORDIC-1", party="US-GOV", decision="approve", reason="", on="2025-08-20"),
    )
    _sign(
        store,
        us,
        "PKG-NORDIC-1",
        "US-GOV",
        "US-PRIME-A",
        "purchase",
        "2025-09-15",
        (LineTerms(1, 80), LineTerms(3, 16)),
        "CT-NORDIC-1",
    )
    _sign(
        store, us, "PKG-NORDIC-1", "US-GOV", "US-GOV", "stock_draw", "2025-09-15", (LineTerms(2, 150),), "CT-NORDIC-2"
    )
    _ship(store, us, "CT-NORDIC-2", "2025-10-01", (ShippedLine(1, 150),), "SH-NORDIC-1")
    _receive(store, ua, "SH-NORDIC-1", "2025-10-09")
    _ship(
        store,
        us,
        "CT-NORDIC-1",
        "2025-12-10",
        (ShippedLine(1, 80), ShippedLine(2, 16)),
        "SH-NORDIC-2",
        serials=demo_enduse.NORDIC,
    )
    _receive(store, ua, "SH-NORDIC-2", "2025-12-18", site="DEP-02")
    demo_enduse.nordic_checks(store)


def _germany(store: Store, op: Actor, us: Actor) -> None:
    """Germany: contracted, first shipment in transit."""
    _package(
        store,
        op,
        "PKG-DE-1",
        "PURL package 3 — Germany",
        [("REQ-06", 10, None), ("REQ-03", 100000, None), ("REQ-07", 10, None)],
        [
            ("PL-DE-2025-08", 1, "180000000", "2025-08-14"),
            ("PL-DE-2025-08", 2, "300000000", "2025-08-14"),
            ("PL-DE-2025-08", 3, "20000000", "2025-08-14"),
        ],
    )
    demo_agreement.agree(store, op, "PKG-DE-1", "2025-08-21")
    bus.handle(
        store,
        us,
        packages.Decide(package_id="PKG-DE-1", party="US-GOV", decision="approve", reason="", on="2025-08-28"),
    )
    _sign(
        store,
        us,
        "PKG-DE-1",
        "US-GOV",
        "US-PRIME-B",
        "purchase",
        "2025-10-01",
        (LineTerms(1, 10), LineTerms(2, 100000, "2950"), LineTerms(3, 10)),
        "CT-DE-1",
    )
    _ship(store, us, "CT-DE-1", "2026-02-10", (ShippedLine(2, 40000),), "SH-DE-1", expected_arrival="2026-03-13")


def _canada(store: Store, op: Actor) -> None:
    """Canada: fully funded, awaiting the seller's decision (rejected at the end: ``demo_canada``)."""
    _package(
        store,
        op,
        "PKG-CA-1",
        "PURL package 4 — Canada",
        [("REQ-01", 100, None), ("REQ-04", 60, None)],
        [("PL-CA-2025-08", 1, "410000000", "2025-08-28"), ("PL-CA-2025-08", 2, "90000000", "2025-08-28")],
    )
    demo_agreement.agree(store, op, "PKG-CA-1", "2025-09-04")  # validated and concurred with: the seller's to decide


def _december(store: Store, op: Actor) -> None:
    """December 2025: Germany, Norway and Poland; Poland's share allocated so far."""
    _package(
        store,
        op,
        "PKG-DEC-1",
        "PURL package — December 2025 (Germany, Norway, Poland)",
        [("REQ-04", 60, None), ("REQ-01", 60, None), ("REQ-05", 54, None)],
        [
            ("PL-DE-2025-12", 1, "90000000", "2025-12-05"),
            ("PL-PL-2025-12", 3, "54000000", "2025-12-05"),
            ("PL-NO-2025-12", 2, "100000000", "2025-12-05"),
        ],
    )
    demo_agreement.agree(store, op, "PKG-DEC-1", "2025-12-09", waiting=("PL-GOV",))  # Poland has not concurred


def _drone_deal(store: Store, op: Actor) -> None:
    us, ua_gov = Actor("US-GOV", via="demo"), Actor("UA-GOV", via="demo")
    demo_agreement.configure(store, op, "drone_deal", "2025-09-01")
    jv = Actor("UA-US-JV", via="demo")
    _package(
        store,
        op,
        "PKG-DD-1",
        "Drone Deal purchase 1",
        [("DD-REQ-01", 6000, None), ("DD-REQ-02", 20, None)],
        [("PL-US-DD-2025", 1, "24000000", "2025-09-12"), ("PL-US-DD-2025", 2, "6000000", "2025-09-12")],
        mechanism="drone_deal",
        seller="UA-GOV",
        recipient="US-GOV",
        approvers=("UA-GOV",),
        line_disclosure=DRONE_DEAL_PRICES,
    )
    demo_agreement.agree(store, op, "PKG-DD-1", "2025-09-15", mechanism="drone_deal")
    bus.handle(
        store,
        ua_gov,
        packages.Decide(
            package_id="PKG-DD-1", party="UA-GOV", decision="approve", reason="export licence granted", on="2025-09-20"
        ),
    )
    _sign(
        store,
        us,
        "PKG-DD-1",
        "US-GOV",
        "UA-US-JV",
        "purchase_agreement",
        "2025-10-01",
        (LineTerms(1, 6000), LineTerms(2, 20)),
        "DD-PA-1",
        schedule=(
            DeliveryTerms(1, "2026-01-31", 3000),
            DeliveryTerms(1, "2026-04-30", 3000),
            DeliveryTerms(2, "2026-06-30", 20),
        ),
        disclosure=["lines=confidential@2027-06-30", "schedule=confidential@2027-06-30"],
    )
    _drone_production(store, op, us, jv)


def _drone_production(store: Store, op: Actor, us: Actor, jv: Actor) -> None:
    """The joint venture's facility builds the drones in inspected lots and ships the first half."""
    bus.handle(
        store,
        op,
        production.RegisterFacility(
            name="Joint drone production facility (illustrative)",
            country="UA",
            owners=(("UA-DRONE-CO", "51"), ("US-DRONE-CO", "49")),
            id="FAC-JV-1",
        ),
    )
    for item, month, monthly in [
        ("Interceptor drone", "2025-10", "1500"),
        ("Interceptor drone", "2026-01", "3000"),
        ("Naval surface drone", "2025-11", "4"),
    ]:
        bus.handle(
            store,
            jv,
            production.SetCapacity(facility_id="FAC-JV-1", item=item, from_month=month, monthly_quantity=monthly),
        )
    for line_no, quantity, due, order_id in [(1, 6000, "2026-04-30", "PO-DD-1"), (2, 20, "2026-06-30", "PO-DD-2")]:
        order = production.PlaceOrder(
            facility_id="FAC-JV-1",
            contract_id="DD-PA-1",
            contract_line_no=line_no,
            quantity=quantity,
            due=due,
            id=order_id,
        )
        bus.handle(store, jv, order)
    bus.handle(store, jv, production.StartOrder(order_id="PO-DD-1", on="2025-10-06"))
    for lot, made, accepted, rejected, reason, inspected in [
        ("PO-DD-1-L001", "2025-10-31", 1460, 40, "seeker calibration out of tolerance", "2025-11-04"),
        ("PO-DD-1-L002", "2025-11-28", 1500, 0, "", "2025-12-02"),
        ("PO-DD-1-L003", "2025-12-05", 40, 0, "", "2025-12-08"),
    ]:
        bus.handle(store, jv, production.RecordLot(order_id="PO-DD-1", quantity=accepted + rejected, produced_on=made))
        inspection = production.InspectLot(
            order_id="PO-DD-1", lot_id=lot, accepted=accepted, rejected=rejected, reason=reason, on=inspected
        )
        bus.handle(store, jv, inspection)
    bus.handle(store, jv, production.StartOrder(order_id="PO-DD-2", on="2025-11-10"))
    _ship(
        store,
        jv,
        "DD-PA-1",
        "2025-12-15",
        (ShippedLine(1, 3000, (("PO-DD-1-L001", 1460), ("PO-DD-1-L002", 1500), ("PO-DD-1-L003", 40))),),
        "SH-DD-1",
    )
    _receive(store, us, "SH-DD-1", "2026-01-08")

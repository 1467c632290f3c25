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

from ..domain.contract import DeliveryTerms, LineTerms
from ..domain.shipment import ShippedLine
from ..store.eventstore import Store
from . import contracts, demo_enduse, funding, packages, parties, production, requirements, shipments
from .context import Actor

#: who a person trying the demo can sign in as (`supplyline demo --tokens`)
DEMO_TOKENS = [("NL-GOV", "funder"), ("UA-MOD", "recipient"), ("US-GOV", "seller"), ("NATO-NSATU", "auditor")]

PUBLIC = "public"
ILLUSTRATIVE = "illustrative"

PARTIES = [
    ("UA-MOD", "Ministry of Defence of Ukraine", "government", "UA"),
    ("UA-GOV", "Government of Ukraine (export control)", "government", "UA"),
    ("NATO-NSATU", "NATO Security Assistance and Training for Ukraine", "organisation", None),
    ("US-GOV", "United States Government (Department of Defense)", "government", "US"),
    ("NL-GOV", "Netherlands", "government", "NL"),
    ("DK-GOV", "Denmark", "government", "DK"),
    ("NO-GOV", "Norway", "government", "NO"),
    ("SE-GOV", "Sweden", "government", "SE"),
    ("DE-GOV", "Germany", "government", "DE"),
    ("CA-GOV", "Canada", "government", "CA"),
    ("PL-GOV", "Poland", "government", "PL"),
    ("US-PRIME-A", "US prime contractor A (illustrative)", "company", "US"),
    ("US-PRIME-B", "US prime contractor B (illustrative)", "company", "US"),
    ("UA-DRONE-CO", "Ukrainian drone maker (illustrative)", "company", "UA"),
    ("US-DRONE-CO", "US drone maker (illustrative)", "company", "US"),
    ("UA-US-JV", "Joint US–Ukrainian drone venture (illustrative)", "company", "UA"),
]

# units per EUR; illustrative round approximations of ECB reference rates
FX = {
    "2025-08-04": {
        "USD": "1.1570",
        "DKK": "7.4640",
        "NOK": "11.850",
        "SEK": "11.130",
        "CAD": "1.5940",
        "PLN": "4.2700",
    },
    "2025-09-01": {
        "USD": "1.1690",
        "DKK": "7.4640",
        "NOK": "11.720",
        "SEK": "10.990",
        "CAD": "1.6080",
        "PLN": "4.2650",
    },
    "2025-10-01": {
        "USD": "1.1740",
        "DKK": "7.4630",
        "NOK": "11.710",
        "SEK": "11.030",
        "CAD": "1.6340",
        "PLN": "4.2660",
    },
    "2025-11-03": {
        "USD": "1.1530",
        "DKK": "7.4640",
        "NOK": "11.690",
        "SEK": "10.990",
        "CAD": "1.6180",
        "PLN": "4.2560",
    },
    "2025-12-01": {
        "USD": "1.1610",
        "DKK": "7.4690",
        "NOK": "11.780",
        "SEK": "10.930",
        "CAD": "1.6240",
        "PLN": "4.2330",
    },
    "2026-01-02": {
        "USD": "1.1720",
        "DKK": "7.4700",
        "NOK": "11.830",
        "SEK": "10.850",
        "CAD": "1.6100",
        "PLN": "4.2200",
    },
    "2026-02-02": {
        "USD": "1.1800",
        "DKK": "7.4690",
        "NOK": "11.700",
        "SEK": "10.900",
        "CAD": "1.6050",
        "PLN": "4.2150",
    },
}

# (id, recipient, tier, rank, item, category, quantity, unit, unit price USD, origin, min lot, whole only, needed by)
REQUIREMENTS = [
    (
        "REQ-01",
        "UA-MOD",
        1,
        1,
        "Patriot PAC-3 MSE interceptor",
        "air_defence",
        400,
        "missile",
        "4100000",
        "US",
        4,
        False,
        "2026-06-30",
    ),
    (
        "REQ-02",
        "UA-MOD",
        1,
        2,
        "Patriot battery spares and sustainment kit",
        "sustainment",
        40,
        "kit",
        "2500000",
        "US",
        1,
        False,
        "2026-03-31",
    ),
    (
        "REQ-03",
        "UA-MOD",
        1,
        3,
        "155 mm artillery shell",
        "artillery_ammunition",
        300000,
        "round",
        "3000",
        "any",
        1000,
        False,
        "2026-06-30",
    ),
    (
        "REQ-04",
        "UA-MOD",
        1,
        4,
        "NASAMS AMRAAM-ER missile",
        "air_defence",
        120,
        "missile",
        "1500000",
        "US",
        2,
        False,
        "2026-09-30",
    ),
    (
        "REQ-05",
        "UA-MOD",
        2,
        5,
        "GMLRS rocket pod",
        "artillery_ammunition",
        400,
        "pod",
        "1000000",
        "US",
        2,
        False,
        "2026-06-30",
    ),
    (
        "REQ-06",
        "UA-MOD",
        2,
        6,
        "Air defence radar",
        "air_defence",
        10,
        "radar",
        "18000000",
        "US",
        1,
        True,
        "2026-12-31",
    ),
    (
        "REQ-07",
        "UA-MOD",
        2,
        7,
        "Counter-drone electronic warfare system",
        "electronic_warfare",
        60,
        "system",
        "2000000",
        "any",
        2,
        False,
        "2026-06-30",
    ),
    (
        "REQ-08",
        "UA-MOD",
        3,
        8,
        "Armoured vehicle spare parts set",
        "sustainment",
        600,
        "set",
        "100000",
        "US",
        10,
        False,
        "2026-12-31",
    ),
    (
        "REQ-09",
        "UA-MOD",
        3,
        9,
        "Naval surface drone",
        "naval_drones",
        80,
        "drone",
        "250000",
        "UA",
        5,
        False,
        "2026-12-31",
    ),
    (
        "REQ-10",
        "UA-MOD",
        3,
        10,
        "Ground robotic logistics vehicle",
        "ground_drones",
        300,
        "vehicle",
        "40000",
        "any",
        10,
        False,
        "2026-12-31",
    ),
    (
        "REQ-11",
        "UA-MOD",
        4,
        11,
        "Tactical radio set",
        "communications",
        5000,
        "set",
        "8000",
        "any",
        100,
        False,
        "2027-03-31",
    ),
    # the Drone Deal: the United States buys Ukrainian-made drones
    (
        "DD-REQ-01",
        "US-GOV",
        1,
        1,
        "Interceptor drone",
        "aerial_drones",
        6000,
        "drone",
        "4000",
        "UA",
        100,
        False,
        "2026-06-30",
    ),
    (
        "DD-REQ-02",
        "US-GOV",
        2,
        2,
        "Naval surface drone",
        "naval_drones",
        20,
        "drone",
        "300000",
        "UA",
        1,
        False,
        "2026-09-30",
    ),
]

# December 2025 version of the list: re-ranked lines (id, tier, rank)
REPRIORITISED = [("REQ-04", 1, 1), ("REQ-01", 1, 2), ("REQ-07", 1, 5)]

# (id, funder, amount, currency, date, mechanism, categories, origins, valid until, source note)
# Withheld fields, to show commit-now-reveal-later: the December amounts were embargoed
# until mid-2026 (already public now), the Drone Deal's funds until the end of 2027.
#: the Drone Deal's unit prices stay among its parties until the purchase agreement's terms are public
DRONE_DEAL_PRICES = ("unit_price=parties@2027-06-30",)

DISCLOSURE = {
    "PL-DE-2025-12": ["amount=parties@2026-06-30"],
    "PL-NO-2025-12": ["amount=parties@2026-06-30"],
    "PL-PL-2025-12": ["amount=parties@2026-06-30"],
    "PL-US-DD-2025": ["amount=confidential@2027-12-31"],
}

PLEDGES = [
    (
        "PL-NL-2025-08",
        "NL-GOV",
        "500000000",
        "EUR",
        "2025-08-04",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Netherlands, first PURL package, announced 4 Aug 2025",
    ),
    (
        "PL-DK-2025-08",
        "DK-GOV",
        "90000000",
        "USD",
        "2025-08-05",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Denmark, joint Nordic PURL package, announced 5 Aug 2025",
    ),
    (
        "PL-NO-2025-08",
        "NO-GOV",
        "146000000",
        "USD",
        "2025-08-05",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Norway, joint Nordic PURL package, announced 5 Aug 2025",
    ),
    (
        "PL-SE-2025-08",
        "SE-GOV",
        "275000000",
        "USD",
        "2025-08-05",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Sweden, joint Nordic PURL package, announced 5 Aug 2025",
    ),
    (
        "PL-DE-2025-08",
        "DE-GOV",
        "500000000",
        "USD",
        "2025-08-13",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Germany, PURL package, announced 13 Aug 2025",
    ),
    (
        "PL-CA-2025-08",
        "CA-GOV",
        "500000000",
        "USD",
        "2025-08-27",
        "purl",
        (),
        ("US",),
        None,
        f"{PUBLIC}: Canada, PURL package, announced Aug 2025",
    ),
    (
        "PL-DE-2025-12",
        "DE-GOV",
        "200000000",
        "USD",
        "2025-12-03",
        "purl",
        ("air_defence",),
        ("US",),
        "2026-12-31",
        f"{ILLUSTRATIVE}: amount; {PUBLIC}: Germany co-funded a December 2025 PURL package",
    ),
    (
        "PL-NO-2025-12",
        "NO-GOV",
        "150000000",
        "USD",
        "2025-12-03",
        "purl",
        (),
        ("US",),
        "2026-12-31",
        f"{ILLUSTRATIVE}: amount; {PUBLIC}: Norway co-funded a December 2025 PURL package",
    ),
    (
        "PL-PL-2025-12",
        "PL-GOV",
        "100000000",
        "USD",
        "2025-12-03",
        "purl",
        (),
        ("US",),
        "2026-12-31",
        f"{ILLUSTRATIVE}: amount; {PUBLIC}: Poland co-funded a December 2025 PURL package",
    ),
    (
        "PL-US-DD-2025",
        "US-GOV",
        "40000000",
        "USD",
        "2025-09-10",
        "drone_deal",
        (),
        ("UA",),
        "2027-12-31",
        f"{ILLUSTRATIVE}: Drone Deal purchase funds",
    ),
]


def _party(store: Store, party: str) -> Actor:
    return Actor(party, via="demo")


def load(store: Store) -> dict:
    """Load the demo into an empty ledger; returns the ids a caller may want to show."""
    op = Actor("NATO-NSATU", via="demo")
    # parties are registered by the coordinator, who runs the shared ledger
    for party_id, name, kind, country in PARTIES:
        parties.register_party(store, op, parties.RegisterParty(party_id, name, kind, country))
    parties.record_rate_days(store, op, [parties.RecordRates(day, rates, "illustrative") for day, rates in FX.items()])

    for rid, recipient, tier, rank, item, cat, qty, unit, price, origin, lot, whole, needed in REQUIREMENTS:
        author = _party(store, recipient)
        requirements.draft_requirement(
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
        requirements.submit_requirement(store, author, rid)
        requirements.validate_requirement(store, op, rid)
    for rid, tier, rank in REPRIORITISED:
        requirements.reprioritise_requirement(
            store, _party(store, "UA-MOD"), requirements.Reprioritise(rid, "2025-12", tier, rank)
        )

    for pid, funder, amount, cur, day, mech, cats, origins, until, note in PLEDGES:
        funding.announce_pledge(
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

    _purl_packages(store, op)
    _drone_deal(store, op)
    return {"trace_package": "PKG-NL-1", "drone_package": "PKG-DD-1"}


def _package(
    store: Store,
    op: Actor,
    pid: str,
    title: str,
    lines: list[tuple[str, int, str | None]],
    funding_plan: list[tuple[str, int, str, str]],
    *,
    mechanism: str = "purl",
    seller: str = "US-GOV",
    recipient: str = "UA-MOD",
    approvers: tuple[str, ...] = (),
    line_disclosure: tuple[str, ...] = (),
) -> None:
    packages.draft_package(store, op, packages.DraftPackage(title, mechanism, seller, recipient, "USD", approvers, pid))
    for rid, qty, price in lines:
        packages.add_line(store, op, packages.AddLine(pid, rid, qty, price, disclosure=line_disclosure))
    packages.propose_package(store, op, pid)
    for pledge_id, line_no, usd, day in funding_plan:
        funding.allocate(store, op, funding.Allocate(pledge_id, pid, line_no, usd, "USD", day))


def _purl_packages(store: Store, op: Actor) -> None:
    us, ua = Actor("US-GOV", via="demo"), Actor("UA-MOD", via="demo")
    demo_enduse.rules_and_sites(store, op)

    # 1. Netherlands: approved, contracted, delivering (one receipt short)
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
    packages.decide_package(
        store, us, packages.Decide("PKG-NL-1", "US-GOV", "approve", "cleared for sale", "2025-08-12")
    )
    contracts.sign_contract(
        store,
        us,
        contracts.SignContract(
            "PKG-NL-1",
            "US-GOV",
            "US-PRIME-A",
            "purchase",
            "2025-09-01",
            (LineTerms(1, 120, "4000000"), LineTerms(2, 20), LineTerms(3, 300, "95000")),
            (
                DeliveryTerms(1, "2025-11-30", 60),
                DeliveryTerms(1, "2026-02-28", 60),
                DeliveryTerms(2, "2025-10-31", 20),
                DeliveryTerms(3, "2025-12-31", 300),
            ),
            "CT-NL-1",
        ),
    )
    shipments.dispatch(
        store, us, shipments.Dispatch("CT-NL-1", "2025-10-20", (ShippedLine(2, 20), ShippedLine(3, 150)), "SH-NL-1")
    )
    shipments.receive(store, ua, shipments.Receive("SH-NL-1", "2025-10-27"))
    shipments.dispatch(
        store,
        us,
        shipments.Dispatch(
            "CT-NL-1",
            "2025-11-24",
            (ShippedLine(1, 60), ShippedLine(3, 150)),
            "SH-NL-2",
            serials=demo_enduse.NL_PAC3,
        ),
    )
    shipments.receive(
        store,
        ua,
        shipments.Receive(
            "SH-NL-2",
            "2025-12-02",
            {1: 60, 3: 146},
            "4 spare parts sets damaged in transit",
            disclosure=["note=parties"],
            site="DEP-01",
        ),
    )

    # 2. Denmark, Norway and Sweden together: delivered in full and closed
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
    packages.decide_package(store, us, packages.Decide("PKG-NORDIC-1", "US-GOV", "approve", "", "2025-08-20"))
    contracts.sign_contract(
        store,
        us,
        contracts.SignContract(
            "PKG-NORDIC-1",
            "US-GOV",
            "US-PRIME-A",
            "purchase",
            "2025-09-15",
            (LineTerms(1, 80), LineTerms(3, 16)),
            (),
            "CT-NORDIC-1",
        ),
    )
    contracts.sign_contract(
        store,
        us,
        contracts.SignContract(
            "PKG-NORDIC-1", "US-GOV", "US-GOV", "stock_draw", "2025-09-15", (LineTerms(2, 150),), (), "CT-NORDIC-2"
        ),
    )
    shipments.dispatch(
        store, us, shipments.Dispatch("CT-NORDIC-2", "2025-10-01", (ShippedLine(1, 150),), "SH-NORDIC-1")
    )
    shipments.receive(store, ua, shipments.Receive("SH-NORDIC-1", "2025-10-09"))
    shipments.dispatch(
        store,
        us,
        shipments.Dispatch(
            "CT-NORDIC-1",
            "2025-12-10",
            (ShippedLine(1, 80), ShippedLine(2, 16)),
            "SH-NORDIC-2",
            serials=demo_enduse.NORDIC,
        ),
    )
    shipments.receive(store, ua, shipments.Receive("SH-NORDIC-2", "2025-12-18", site="DEP-02"))
    demo_enduse.nordic_checks(store)
    packages.close_package(store, op, "PKG-NORDIC-1", on="2026-01-15")

    # 3. Germany: contracted, first shipment in transit
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
    packages.decide_package(store, us, packages.Decide("PKG-DE-1", "US-GOV", "approve", "", "2025-08-28"))
    contracts.sign_contract(
        store,
        us,
        contracts.SignContract(
            "PKG-DE-1",
            "US-GOV",
            "US-PRIME-B",
            "purchase",
            "2025-10-01",
            (LineTerms(1, 10), LineTerms(2, 100000, "2950"), LineTerms(3, 10)),
            (),
            "CT-DE-1",
        ),
    )
    shipments.dispatch(store, us, shipments.Dispatch("CT-DE-1", "2026-02-10", (ShippedLine(2, 40000),), "SH-DE-1"))

    # 4. Canada: fully funded, awaiting the seller's approval
    _package(
        store,
        op,
        "PKG-CA-1",
        "PURL package 4 — Canada",
        [("REQ-01", 100, None), ("REQ-04", 60, None)],
        [("PL-CA-2025-08", 1, "410000000", "2025-08-28"), ("PL-CA-2025-08", 2, "90000000", "2025-08-28")],
    )

    # 5. December 2025: Germany, Norway and Poland; Poland's share allocated so far
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


def _drone_deal(store: Store, op: Actor) -> None:
    us, ua_gov = Actor("US-GOV", via="demo"), Actor("UA-GOV", via="demo")
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
    packages.decide_package(
        store, ua_gov, packages.Decide("PKG-DD-1", "UA-GOV", "approve", "export licence granted", "2025-09-20")
    )
    contracts.sign_contract(
        store,
        us,
        contracts.SignContract(
            "PKG-DD-1",
            "US-GOV",
            "UA-US-JV",
            "purchase_agreement",
            "2025-10-01",
            (LineTerms(1, 6000), LineTerms(2, 20)),
            (
                DeliveryTerms(1, "2026-01-31", 3000),
                DeliveryTerms(1, "2026-04-30", 3000),
                DeliveryTerms(2, "2026-06-30", 20),
            ),
            "DD-PA-1",
            disclosure=["lines=confidential@2027-06-30", "schedule=confidential@2027-06-30"],
        ),
    )
    production.register_facility(
        store,
        op,
        production.RegisterFacility(
            "Joint drone production facility (illustrative)",
            "UA",
            (("UA-DRONE-CO", "51"), ("US-DRONE-CO", "49")),
            "FAC-JV-1",
        ),
    )
    for item, month, monthly in [
        ("Interceptor drone", "2025-10", "1500"),
        ("Interceptor drone", "2026-01", "3000"),
        ("Naval surface drone", "2025-11", "4"),
    ]:
        production.set_capacity(store, jv, production.SetCapacity("FAC-JV-1", item, month, monthly))
    production.place_order(store, jv, production.PlaceOrder("FAC-JV-1", "DD-PA-1", 1, 6000, "2026-04-30", "PO-DD-1"))
    production.place_order(store, jv, production.PlaceOrder("FAC-JV-1", "DD-PA-1", 2, 20, "2026-06-30", "PO-DD-2"))
    production.start_order(store, jv, "PO-DD-1", on="2025-10-06")
    production.record_lot(store, jv, "PO-DD-1", quantity=1500, produced_on="2025-10-31")
    production.inspect_lot(
        store,
        jv,
        production.InspectLot("PO-DD-1", "PO-DD-1-L001", 1460, 40, "seeker calibration out of tolerance", "2025-11-04"),
    )
    production.record_lot(store, jv, "PO-DD-1", quantity=1500, produced_on="2025-11-28")
    production.inspect_lot(store, jv, production.InspectLot("PO-DD-1", "PO-DD-1-L002", 1500, 0, "", "2025-12-02"))
    production.record_lot(store, jv, "PO-DD-1", quantity=40, produced_on="2025-12-05")
    production.inspect_lot(store, jv, production.InspectLot("PO-DD-1", "PO-DD-1-L003", 40, 0, "", "2025-12-08"))
    production.start_order(store, jv, "PO-DD-2", on="2025-11-10")
    shipments.dispatch(
        store,
        jv,
        shipments.Dispatch(
            "DD-PA-1",
            "2025-12-15",
            (ShippedLine(1, 3000, (("PO-DD-1-L001", 1460), ("PO-DD-1-L002", 1500), ("PO-DD-1-L003", 40))),),
            "SH-DD-1",
        ),
    )
    shipments.receive(store, us, shipments.Receive("SH-DD-1", "2026-01-08"))

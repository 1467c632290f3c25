"""A two-sided ledger for API tests: side A and side B each have a recipient, a funder, a
seller, a supplier, a coordinator and an auditor, with requirements, pledges, packages,
contracts, a facility, production orders and shipments. A third funder (FUND-C) co-funds
package A. Every confidential record carries a marker text so tests can check that it
never reaches a party it is not shared with. Two fields are also withheld from the log (a
confidential pledge note, a package title for its parties) and one was withheld until an
embargo that has passed. The ledger also holds a Kiel tracker release (FUND-A is German)
and an accepted production plan; its signing key lies beside the database file.

Each role has two tokens: one for the side-A party (the "own" party of the side-A records
that requests address) and one for the side-B party (the "other" party).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from supplyline.domain.amendment import LineAmendment
from supplyline.domain.contract import DeliveryTerms, LineTerms
from supplyline.domain.shipment import ShippedLine
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.evidence import documents, findings
from supplyline.services.interchange import kiel
from supplyline.services.money_flow import money
from supplyline.services.plans import planning
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
from supplyline.store import schema as t
from supplyline.store.db import make_engine
from supplyline.store.eventstore import Store

KIEL_HEADER = "country,iso,year,month,total,financial,humanitarian,military,commitments,to_be_allocated\n"
ROLES = ("recipient", "coordinator", "funder", "seller", "supplier", "auditor")
PARTY_OF = {
    "recipient": ("REC-A", "REC-B"),
    "coordinator": ("COORD-A", "COORD-B"),
    "funder": ("FUND-A", "FUND-B"),
    "seller": ("SELL-A", "SELL-B"),
    "supplier": ("SUP-A", "SUP-B"),
    "auditor": ("AUD-A", "AUD-B"),
}

#: marker text → the parties it may be shown to (besides any-scope coordinators and auditors)
MARKERS = {
    "note-of-requirement-A": {"REC-A", "FUND-A", "FUND-C", "SELL-A"},
    "title-of-package-A": {"REC-A", "FUND-A", "FUND-C", "SELL-A"},
    "note-of-pledge-A1": {"FUND-A"},
    # withheld in the log as well: confidential, and for the package's parties
    "note-of-pledge-A2": {"FUND-A"},
    "title-of-package-A-PROP": {"REC-A", "SELL-A"},
    "note-of-pledge-C1": {"FUND-C"},
    "PLEDGE-C1": {"FUND-C"},
    "name-of-facility-A": {"SUP-A", "SELL-A"},
    # the evidence (issue 18): seen by whoever sees contract CT-A; the finding's texts are
    # withheld in the log, among the record's parties
    "title-of-document-A": {"REC-A", "FUND-A", "FUND-C", "SELL-A", "SUP-A"},
    "criteria-of-finding-A": {"REC-A", "FUND-A", "FUND-C", "SELL-A", "SUP-A"},
    # a confidential document: its title (and bytes) for the contract's buyer and supplier
    # only; its hash is in the public log
    "title-of-confidential-document-A": {"SELL-A", "SUP-A"},
    "bytes-of-confidential-document-A": {"SELL-A", "SUP-A"},
    # an amendment's description: among contract CT-A-DONE's parties (its package's funder is FUND-A)
    "description-of-amendment-A": {"REC-A", "FUND-A", "SELL-A", "SUP-A"},
    "note-of-requirement-B": {"REC-B", "FUND-B", "SELL-B"},
    "title-of-package-B": {"REC-B", "FUND-B", "SELL-B"},
    "note-of-pledge-B1": {"FUND-B"},
    "PLEDGE-B1": {"FUND-B"},
    "name-of-facility-B": {"SUP-B", "SELL-B"},
    "reason-of-lot-B": {"SUP-B", "SELL-B", "REC-B", "FUND-B"},
    "note-of-shipment-B": {"SUP-B", "SELL-B", "REC-B", "FUND-B"},
}


@dataclass
class Scenario:
    secrets: dict[tuple[str, str], str]  # (role, "own"|"other") -> secret
    token_ids: dict[tuple[str, str], str]
    first_seq: dict[str, int]  # stream -> sequence number of its first event

    def headers(self, role: str, side: str = "own") -> dict[str, str]:
        if role == "public":
            return {}
        return {"Authorization": f"Bearer {self.secrets[role, side]}"}

    @staticmethod
    def party(role: str, side: str = "own") -> str | None:
        if role == "public":
            return None
        return PARTY_OF[role][0 if side == "own" else 1]


def build(store: Store) -> Scenario:
    def by(party: str) -> Actor:
        return Actor(party, via="test")

    coord = by("COORD-A")
    for pid, kind in [
        ("COORD-A", "organisation"),
        ("COORD-B", "organisation"),
        ("AUD-A", "organisation"),
        ("AUD-B", "organisation"),
        ("REC-A", "government"),
        ("REC-B", "government"),
        ("FUND-A", "government"),
        ("FUND-B", "government"),
        ("FUND-C", "government"),
        ("SELL-A", "government"),
        ("SELL-B", "government"),
        ("SUP-A", "company"),
        ("SUP-B", "company"),
    ]:
        # FUND-A is a country's government, so the Kiel tracker can be compared with its pledges
        bus.handle(
            store,
            coord,
            parties.RegisterParty(id=pid, name=f"Party {pid}", kind=kind, country="DE" if pid == "FUND-A" else None),
        )
    bus.handle(store, coord, parties.RecordRates(day="2025-01-02", rates={"USD": "1.10"}, source="test"))

    def requirement(rid: str, recipient: str, qty: int, note: str = "", *, state: str = "validated") -> None:
        bus.handle(
            store,
            by(recipient),
            requirements.DraftRequirement(
                recipient=recipient,
                list_month="2025-08",
                priority=1,
                rank=1,
                item=f"Item {rid}",
                category="air_defence",
                quantity=qty,
                unit="unit",
                unit_price="1000",
                currency="USD",
                note=note,
                id=rid,
            ),
        )
        if state in ("submitted", "validated"):
            bus.handle(store, by(recipient), requirements.SubmitRequirement(requirement_id=rid))
        if state == "validated":
            bus.handle(store, coord, requirements.ValidateRequirement(requirement_id=rid))

    def pledge(
        pid: str,
        funder: str,
        amount: str,
        note: str,
        *,
        commit: bool = True,
        until: str | None = None,
        disclosure: tuple[str, ...] = (),
    ) -> None:
        bus.handle(
            store,
            by(funder),
            funding.AnnouncePledge(
                funder=funder,
                amount=amount,
                currency="USD",
                pledged_on="2025-08-01",
                mechanism="purl",
                note=note,
                valid_until=until,
                id=pid,
                commit=commit,
                disclosure=disclosure,
            ),
        )

    def package(
        pid: str,
        title: str,
        seller: str,
        recipient: str,
        lines: list[tuple[str, int]],
        disclosure: tuple[str, ...] = (),
    ) -> None:
        bus.handle(
            store,
            coord,
            packages.DraftPackage(
                title=title,
                mechanism="purl",
                seller=seller,
                recipient=recipient,
                currency="USD",
                approvers=(),
                id=pid,
                disclosure=disclosure,
            ),
        )
        for rid, qty in lines:
            bus.handle(store, coord, packages.AddLine(package_id=pid, requirement_id=rid, quantity=qty))

    def allocate(pledge_id: str, package_id: str, amount: str) -> None:
        bus.handle(
            store,
            coord,
            funding.Allocate(
                pledge_id=pledge_id, package_id=package_id, line_no=1, amount=amount, currency="USD", on="2025-08-05"
            ),
        )

    # --- side A -------------------------------------------------------------------------
    requirement("RQ-A", "REC-A", 20, "note-of-requirement-A")
    requirement("RQ-A2", "REC-A", 20)
    requirement("RQ-A-DRAFT", "REC-A", 5, state="draft")
    requirement("RQ-A-SUB", "REC-A", 5, state="submitted")
    pledge("PLEDGE-A1", "FUND-A", "100000", "note-of-pledge-A1")
    pledge("PLEDGE-C1", "FUND-C", "50000", "note-of-pledge-C1")
    pledge(
        "PLEDGE-A2",
        "FUND-A",
        "1000",
        "note-of-pledge-A2",
        commit=False,
        until="2026-01-31",
        disclosure=("note=confidential",),
    )

    package("PKG-A", "title-of-package-A", "SELL-A", "REC-A", [("RQ-A", 10)])
    bus.handle(store, coord, packages.ProposePackage(package_id="PKG-A"))
    allocate("PLEDGE-A1", "PKG-A", "6000")
    allocate("PLEDGE-C1", "PKG-A", "4000")
    bus.handle(
        store,
        by("SELL-A"),
        packages.Decide(package_id="PKG-A", party="SELL-A", decision="approve", reason="", on="2025-08-10"),
    )
    bus.handle(
        store,
        by("SELL-A"),
        contracts.SignContract(
            package_id="PKG-A",
            buyer="SELL-A",
            supplier="SUP-A",
            kind="purchase",
            signed_on="2025-09-01",
            lines=(LineTerms(1, 8),),
            schedule=(DeliveryTerms(1, "2026-03-01", 8),),
            id="CT-A",
        ),
    )
    # money along its stages (issue 15): FUND-A pays, the coordinator transfers, SELL-A obligates
    bus.handle(
        store, by("FUND-A"), money.PayIn(pledge_id="PLEDGE-A1", amount="10000", reference="PAY-A", on="2025-09-02")
    )
    bus.handle(
        store,
        coord,
        money.Transfer(pledge_id="PLEDGE-A1", package_id="PKG-A", amount="6000", reference="TX-A", on="2025-09-03"),
    )
    bus.handle(store, by("SELL-A"), money.Obligate(contract_id="CT-A", line_no=1, amount="3000", on="2025-09-04"))
    bus.handle(
        store,
        by("SUP-A"),
        production.RegisterFacility(name="name-of-facility-A", country="US", owners=(("SUP-A", "100"),), id="FAC-A"),
    )
    bus.handle(
        store,
        by("SUP-A"),
        production.SetCapacity(facility_id="FAC-A", item="Item RQ-A", from_month="2025-08", monthly_quantity=100),
    )
    bus.handle(
        store,
        by("SUP-A"),
        production.PlaceOrder(
            facility_id="FAC-A", contract_id="CT-A", contract_line_no=1, quantity=5, due="2026-03-01", id="PO-A"
        ),
    )
    bus.handle(store, by("SUP-A"), production.StartOrder(order_id="PO-A", on="2025-09-10"))
    bus.handle(store, by("SUP-A"), production.RecordLot(order_id="PO-A", quantity=3, produced_on="2025-10-01"))
    bus.handle(
        store,
        by("SUP-A"),
        production.InspectLot(order_id="PO-A", lot_id="PO-A-L001", accepted=3, rejected=0, reason="", on="2025-10-02"),
    )
    bus.handle(store, by("SUP-A"), production.RecordLot(order_id="PO-A", quantity=1, produced_on="2025-10-05"))
    bus.handle(
        store,
        by("SUP-A"),
        production.PlaceOrder(
            facility_id="FAC-A", contract_id="CT-A", contract_line_no=1, quantity=2, due="2026-03-01", id="PO-A2"
        ),
    )
    bus.handle(
        store,
        by("SELL-A"),
        shipments.Dispatch(contract_id="CT-A", shipped_on="2025-10-10", lines=(ShippedLine(1, 4),), id="SH-A1"),
    )
    bus.handle(store, by("REC-A"), shipments.Receive(shipment_id="SH-A1", received_on="2025-10-20"))
    bus.handle(
        store,
        by("SELL-A"),
        shipments.Dispatch(contract_id="CT-A", shipped_on="2025-11-10", lines=(ShippedLine(1, 2),), id="SH-A2"),
    )
    _evidence(store, by)

    package("PKG-A-PROP", "title-of-package-A-PROP", "SELL-A", "REC-A", [("RQ-A2", 5)], ("title=parties",))
    bus.handle(store, coord, packages.ProposePackage(package_id="PKG-A-PROP"))
    # withheld until an embargo that has passed: public now
    package("PKG-A-DRAFT", "draft package A", "SELL-A", "REC-A", [("RQ-A2", 1)], ("title=parties@2025-06-30",))
    package("PKG-A-DONE", "delivered package A", "SELL-A", "REC-A", [("RQ-A", 2)])
    bus.handle(store, coord, packages.ProposePackage(package_id="PKG-A-DONE"))
    allocate("PLEDGE-A1", "PKG-A-DONE", "2000")
    bus.handle(
        store,
        by("SELL-A"),
        packages.Decide(package_id="PKG-A-DONE", party="SELL-A", decision="approve", reason="", on="2025-08-10"),
    )
    bus.handle(
        store,
        by("SELL-A"),
        contracts.SignContract(
            package_id="PKG-A-DONE",
            buyer="SELL-A",
            supplier="SUP-A",
            kind="purchase",
            signed_on="2025-09-01",
            lines=(LineTerms(1, 2),),
            schedule=(),
            id="CT-A-DONE",
        ),
    )
    bus.handle(
        store,
        by("SELL-A"),
        shipments.Dispatch(
            contract_id="CT-A-DONE", shipped_on="2025-10-10", lines=(ShippedLine(1, 2),), id="SH-A-DONE"
        ),
    )
    bus.handle(store, by("REC-A"), shipments.Receive(shipment_id="SH-A-DONE", received_on="2025-10-20"))
    # proposed, paid by FUND-A: waiting on the coordinator's validation and FUND-A's concurrence
    package("PKG-A-CONC", "package A awaiting concurrence", "SELL-A", "REC-A", [("RQ-A2", 1)])
    bus.handle(store, coord, packages.ProposePackage(package_id="PKG-A-CONC"))
    allocate("PLEDGE-A1", "PKG-A-CONC", "1000")
    # a price rise awaiting REC-A's and FUND-A's acceptance (issue 15 item 4)
    bus.handle(
        store,
        by("SELL-A"),
        amendments.AmendContract(
            contract_id="CT-A-DONE",
            rationale="item_price_variation",
            lines=(LineAmendment(1, unit_price="1200"),),
            description="description-of-amendment-A",
            on="2025-10-25",
        ),
    )

    # --- side B -------------------------------------------------------------------------
    requirement("RQ-B", "REC-B", 20, "note-of-requirement-B")
    pledge("PLEDGE-B1", "FUND-B", "100000", "note-of-pledge-B1")
    package("PKG-B", "title-of-package-B", "SELL-B", "REC-B", [("RQ-B", 10)])
    bus.handle(store, coord, packages.ProposePackage(package_id="PKG-B"))
    allocate("PLEDGE-B1", "PKG-B", "10000")
    bus.handle(
        store,
        by("SELL-B"),
        packages.Decide(package_id="PKG-B", party="SELL-B", decision="approve", reason="", on="2025-08-10"),
    )
    bus.handle(
        store,
        by("SELL-B"),
        contracts.SignContract(
            package_id="PKG-B",
            buyer="SELL-B",
            supplier="SUP-B",
            kind="purchase",
            signed_on="2025-09-01",
            lines=(LineTerms(1, 10),),
            schedule=(),
            id="CT-B",
        ),
    )
    bus.handle(
        store,
        by("SUP-B"),
        production.RegisterFacility(name="name-of-facility-B", country="US", owners=(("SUP-B", "100"),), id="FAC-B"),
    )
    bus.handle(
        store,
        by("SUP-B"),
        production.SetCapacity(facility_id="FAC-B", item="Item RQ-B", from_month="2025-08", monthly_quantity=100),
    )
    bus.handle(
        store,
        by("SUP-B"),
        production.PlaceOrder(
            facility_id="FAC-B", contract_id="CT-B", contract_line_no=1, quantity=4, due="2026-03-01", id="PO-B"
        ),
    )
    bus.handle(store, by("SUP-B"), production.StartOrder(order_id="PO-B", on="2025-09-10"))
    bus.handle(store, by("SUP-B"), production.RecordLot(order_id="PO-B", quantity=4, produced_on="2025-10-01"))
    bus.handle(
        store,
        by("SUP-B"),
        production.InspectLot(
            order_id="PO-B", lot_id="PO-B-L001", accepted=3, rejected=1, reason="reason-of-lot-B", on="2025-10-02"
        ),
    )
    bus.handle(
        store,
        by("SUP-B"),
        shipments.Dispatch(
            contract_id="CT-B", shipped_on="2025-10-10", lines=(ShippedLine(1, 3, (("PO-B-L001", 3),)),), id="SH-B"
        ),
    )
    bus.handle(
        store,
        by("REC-B"),
        shipments.Receive(shipment_id="SH-B", received_on="2025-10-20", quantities={1: 2}, note="note-of-shipment-B"),
    )

    # --- reference data and planning -----------------------------------------------------
    with tempfile.TemporaryDirectory() as directory:
        tracker = Path(directory) / "data_explorer.csv"
        tracker.write_text(KIEL_HEADER + "Germany,DEU,2025,8,0.00005,0,0,0.00005,0.00005,0\n")
        kiel.import_kiel(store, coord, tracker, release="99")
    planning.accept_plan(
        store,
        coord,
        planning.PlanRequest(horizon=12, first_month="2025-09", time_limit=5),
        on="2025-09-15",
        plan_id="PLAN-A",
    )

    # REC-A's list for September 2025, waiting on its three approvers (issue 17)
    version = lists.ProposeListVersion(recipient="REC-A", month="2025-09", coordinator="COORD-A", seller="SELL-A")
    bus.handle(store, by("REC-A"), version)
    # PURL packages are validated and concurred with from now on (the approvals above came first)
    bus.handle(store, coord, agreement.ConfigureApprovalSteps(mechanism="purl", steps=("validation", "concurrence")))

    # --- tokens -------------------------------------------------------------------------
    secrets, ids = {}, {}
    for role in ROLES:
        for side, party in zip(("own", "other"), PARTY_OF[role], strict=False):
            issued = tokens.issue_token(
                store, Actor("operator", via="test"), tokens.IssueToken(party, role, f"{role} {side}")
            )
            secrets[role, side], ids[role, side] = issued.secret, issued.outcome.id
    issued = tokens.issue_token(
        store, Actor("operator", via="test"), tokens.IssueToken("FUND-C", "funder", "co-funder")
    )
    secrets["funder", "cofunder"], ids["funder", "cofunder"] = issued.secret, issued.outcome.id
    with store.read() as conn:
        first = dict(
            conn.execute(select(t.events.c.stream_id, func.min(t.events.c.seq)).group_by(t.events.c.stream_id)).all()
        )
    return Scenario(secrets, ids, first)


def _evidence(store: Store, by) -> None:
    """Contract CT-A's letter of offer, its supplier's confidential invoice, a finding open on it and one closed (issue 18)."""
    loa = documents.AttachDocument(
        record="contract:CT-A", doc_type="loa", language="en", title="title-of-document-A",
        content=b"%PDF-1.4 the letter of offer of CT-A", on="2025-09-01", id="DOC-A",
    )  # fmt: skip
    bus.handle(store, by("SELL-A"), loa)
    invoice = documents.AttachDocument(
        record="contract:CT-A", doc_type="invoice", language="en", title="title-of-confidential-document-A",
        content=b"%PDF-1.4 bytes-of-confidential-document-A", on="2025-09-02", id="DOC-A-CONF",
        disclosure=("title=confidential",),
    )  # fmt: skip
    bus.handle(store, by("SUP-A"), invoice)
    for finding_id in ("FND-A", "FND-A-CLOSED"):
        opened = findings.OpenFinding(
            record="contract:CT-A", severity="medium", criteria="criteria-of-finding-A", condition="late",
            due="2026-01-31", on="2025-10-01", evidence=("DOC-A",), id=finding_id,
        )  # fmt: skip
        bus.handle(store, by("AUD-A"), opened)
    closed = findings.CloseFinding(finding_id="FND-A-CLOSED", resolution="answered", on="2025-10-05")
    bus.handle(store, by("AUD-A"), closed)


class Copies:
    """Fresh copies of the scenario ledger (SQLite files), each as a store, with the signing
    key beside it where `supplyline init` puts it."""

    def __init__(self, template: Path, directory: Path):
        self.template, self.directory, self.count = template, directory, 0
        self.stores: list[Store] = []

    def new(self) -> Store:
        self.count += 1
        path = self.directory / f"copy-{self.count}.db"
        shutil.copy(self.template, path)
        key = self.template.with_name(f"{self.template.name}.key")
        if key.exists():
            shutil.copy(key, path.with_name(f"{path.name}.key"))
        blobs = self.template.with_name(f"{self.template.name}.blobs")  # the documents' bytes beside it
        if blobs.exists():
            shutil.copytree(blobs, path.with_name(f"{path.name}.blobs"))
        store = Store(make_engine(f"sqlite:///{path}"))
        self.stores.append(store)
        return store

    def close(self) -> None:
        for store in self.stores:
            store.engine.dispose()


def events_in(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(t.events)).scalar_one()

"""Who agrees to a package before its seller decides (issue 17, item 2): the coordinator's
validation, every paying funder's concurrence, configured per mechanism in the ledger; an
approval before them is refused (409 over the API) naming who is missing, nothing written."""

import re

import pytest
from fastapi.testclient import TestClient

from conftest import event_count
from scenario import OP, base
from supplyline.api import create_app
from supplyline.domain.errors import InvalidInput, RuleViolation, StepsOutstanding
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.reads import agreement as reads
from supplyline.services.reads import queries
from supplyline.services.records import agreement, funding, packages, parties

NSATU, NL, DE = Actor("NSATU", via="test"), Actor("NL", via="test"), Actor("DE", via="test")


def two_funders(store, steps=("validation", "concurrence")):
    """PKG-1 (PURL, USD 10,000) paid half by NL's PL-A and half by DE's PL-B, proposed."""
    base(store, pledge_amounts=(("PL-A", "5000.00", "USD"),))
    bus.handle(store, OP, parties.RegisterParty(id="DE", name="Germany", kind="government", country="DE"))
    bus.handle(store, OP, parties.RegisterParty(id="NSATU", name="NSATU", kind="organisation", country="DE"))
    pledge = funding.AnnouncePledge(
        funder="DE", amount="5000.00", currency="USD", pledged_on="2025-08-02", mechanism="purl", id="PL-B", commit=True
    )
    bus.handle(store, OP, pledge)
    for pid in ("PL-A", "PL-B"):
        allocate = funding.Allocate(
            pledge_id=pid, package_id="PKG-1", line_no=1, amount="5000.00", currency="USD", on="2025-08-03"
        )
        bus.handle(store, OP, allocate)
    bus.handle(store, OP, agreement.ConfigureApprovalSteps(mechanism="purl", steps=steps, on="2025-08-01"))
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))


def approve(store):
    return bus.handle(store, OP, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2025-08-05"))


def refused_approval(store) -> str:
    before = event_count(store)
    with pytest.raises(StepsOutstanding) as refused:
        approve(store)
    assert event_count(store) == before
    return refused.value.message


def package(store) -> dict:
    with store.read() as conn:
        return dict(queries.package(conn, "PKG-1"))


def test_approval_waits_for_the_coordinator_then_every_funder(store):
    two_funders(store)
    assert refused_approval(store) == (
        "package 'PKG-1' cannot be approved yet: waiting on validation by the coordinator; "
        "concurrence of DE; concurrence of NL"
    )
    bus.handle(store, NSATU, agreement.ValidatePackage(package_id="PKG-1", on="2025-08-04"))
    assert (
        refused_approval(store)
        == "package 'PKG-1' cannot be approved yet: waiting on concurrence of DE; concurrence of NL"
    )
    bus.handle(store, NL, agreement.Concur(package_id="PKG-1", on="2025-08-04"))
    objection = agreement.Concur(package_id="PKG-1", verdict="object", reason="wrong variant", on="2025-08-04")
    bus.handle(store, DE, objection)
    assert refused_approval(store) == (
        "package 'PKG-1' cannot be approved yet: waiting on concurrence of DE (objected: wrong variant)"
    )
    bus.handle(store, DE, agreement.Concur(package_id="PKG-1", on="2025-08-05"))
    approve(store)
    shown = package(store)
    assert shown["state"] == "approved"
    assert shown["checklist"] == [
        {"step": "validation", "party": "NSATU", "verdict": "validated", "done_on": "2025-08-04"},
        {"step": "concurrence", "party": "DE", "verdict": "concur", "done_on": "2025-08-05"},
        {"step": "concurrence", "party": "NL", "verdict": "concur", "done_on": "2025-08-04"},
    ]
    assert [(s["party"], s["verdict"], s["reason"]) for s in shown["steps"]] == [
        ("NSATU", "validated", ""),
        ("NL", "concur", ""),
        ("DE", "object", "wrong variant"),
        ("DE", "concur", ""),
    ]


def test_a_returned_package_is_a_draft_and_starts_its_steps_again(store):
    two_funders(store)
    bus.handle(store, NSATU, agreement.ValidatePackage(package_id="PKG-1", on="2025-08-04"))
    bus.handle(store, NL, agreement.Concur(package_id="PKG-1", on="2025-08-04"))
    ret = agreement.ReturnPackage(package_id="PKG-1", reasons="quantities exceed the list", on="2025-08-05")
    bus.handle(store, NSATU, ret)
    assert package(store)["state"] == "draft"
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    assert [(i["party"], i["verdict"]) for i in package(store)["checklist"]] == [
        ("coordinator", None),
        ("DE", None),
        ("NL", None),
    ]


def test_only_a_paying_funder_concurs_and_an_objection_says_why(store):
    two_funders(store)
    before = event_count(store)
    with pytest.raises(RuleViolation, match=r"US pays for nothing in package 'PKG-1' \(its funders: DE, NL\)"):
        bus.handle(store, Actor("US", via="test"), agreement.Concur(package_id="PKG-1"))
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        bus.handle(store, DE, agreement.Concur(package_id="PKG-1", verdict="object"))
    assert event_count(store) == before


def test_steps_are_the_mechanisms_configuration(store):
    """Concurrence alone (the Drone Deal's way): no validation is asked, nor accepted."""
    two_funders(store, steps=("concurrence",))
    assert (
        refused_approval(store)
        == "package 'PKG-1' cannot be approved yet: waiting on concurrence of DE; concurrence of NL"
    )
    with pytest.raises(RuleViolation, match="not validated"):
        bus.handle(store, NSATU, agreement.ValidatePackage(package_id="PKG-1"))
    for funder in (NL, DE):
        bus.handle(store, funder, agreement.Concur(package_id="PKG-1", on="2025-08-04"))
    approve(store)
    assert package(store)["state"] == "approved"
    with store.read() as conn:
        assert reads.approval_steps(conn) == [
            {"mechanism": "purl", "steps": ["concurrence"], "configured_on": "2025-08-01", "version": 1}
        ]


def test_no_configuration_asks_for_no_steps(store):
    two_funders(store, steps=())
    approve(store)
    assert package(store)["checklist"] == []


def test_the_package_page_shows_who_must_still_agree(demo_store):
    """PKG-DEC-1 waits on Poland's concurrence: the checklist names it, in English and Ukrainian."""
    secret = tokens.issue_token(demo_store, OP, tokens.IssueToken(party="NATO-NSATU", role="coordinator")).secret
    client = TestClient(create_app(demo_store))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert csrf is not None
    client.post("/signin", data={"token": secret, "csrf": csrf.group(1)}, follow_redirects=False)

    def words(path: str, element: str) -> str:
        page = client.get(path).text
        found = re.search(rf'<(\w+) [^>]*id="{element}"[^>]*>(.*?)</\1>', page, re.S)
        assert found, f"{path} has no #{element}"
        return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())

    assert words("/packages/PKG-DEC-1", "waiting-on") == "Waiting on: PL-GOV."
    assert words("/packages/PKG-DEC-1", "checklist") == (
        "Step Party Done On Validation NATO-NSATU validated 2025-12-09 Concurrence DE-GOV concurred 2025-12-09 "
        "Concurrence NO-GOV concurred 2025-12-09 Concurrence PL-GOV waiting"
    )
    assert words("/packages/PKG-DEC-1?lang=uk", "waiting-on") == "Очікується: PL-GOV."
    assert "Погодження PL-GOV очікується" in words("/packages/PKG-DEC-1?lang=uk", "checklist")
    assert "waiting-on" not in client.get("/packages/PKG-NL-1").text  # approved after its steps

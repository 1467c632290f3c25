"""The prioritised list's monthly versions (issue 17, item 1): approved by the recipient, the
coordinator and the seller; allocation follows the version in force (a re-ranking or a new
line only once approved); the difference between two versions; a line returned to draft."""

import re

import pytest
from fastapi.testclient import TestClient

from conftest import event_count
from scenario import OP, base
from supplyline.api import create_app
from supplyline.domain.errors import RuleViolation, TransitionRefused
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.plans.allocation import load_instance
from supplyline.services.reads import lists as reads
from supplyline.services.records import lists, parties, requirements

UA, NSATU, US = Actor("UA", via="test"), Actor("NSATU", via="test"), Actor("US", via="test")


def second_line(store, rid="R-2", rank=2):
    line = requirements.DraftRequirement(
        recipient="UA", list_month="2025-08", priority=1, rank=rank, item="Radar", category="air_defence",
        quantity=2, unit="radar", unit_price="500", currency="USD", origin="US", id=rid,
    )  # fmt: skip
    bus.handle(store, OP, line)
    bus.handle(store, OP, requirements.SubmitRequirement(requirement_id=rid))
    bus.handle(store, OP, requirements.ValidateRequirement(requirement_id=rid))


def publish(store, month: str) -> str:
    propose = lists.ProposeListVersion(recipient="UA", month=month, coordinator="NSATU", seller="US", on=f"{month}-01")
    return bus.handle(store, UA, propose).id


def approve_by_all(store, version: str) -> None:
    for party in (UA, NSATU, US):
        bus.handle(store, party, lists.ApproveListVersion(version_id=version, on="2025-09-02"))


def needs(store) -> tuple[dict, list[tuple[str, int, int]]]:
    from datetime import date

    with store.read() as conn:
        instance = load_instance(conn, date(2025, 9, 3), "USD", None)
    return instance.list_versions, sorted((n.requirement_id, n.tier, n.rank) for n in instance.needs)


@pytest.fixture
def ledger(store):
    base(store)
    bus.handle(store, OP, parties.RegisterParty(id="NSATU", name="NSATU", kind="organisation", country="BE"))
    return store


def test_allocation_follows_the_approved_version_only(ledger):
    """R-1 is all in PKG-1: the open lines are R-2 and, once listed, R-3."""
    store = ledger
    second_line(store)
    v1 = publish(store, "2025-09")
    assert v1 == "UA-2025-09"
    bus.handle(store, UA, lists.ApproveListVersion(version_id=v1, on="2025-09-02"))
    assert needs(store) == ({}, [("R-2", 1, 2)])  # approved by one of three: the lines as ranked now
    bus.handle(store, NSATU, lists.ApproveListVersion(version_id=v1, on="2025-09-02"))
    bus.handle(store, US, lists.ApproveListVersion(version_id=v1, on="2025-09-02"))
    assert needs(store) == ({"UA": "UA-2025-09"}, [("R-2", 1, 2)])
    second_line(store, rid="R-3", rank=3)
    bus.handle(store, UA, requirements.Reprioritise(requirement_id="R-2", list_month="2025-10", priority=2, rank=1))
    # the new line and the re-ranking wait for an approved version
    assert needs(store) == ({"UA": "UA-2025-09"}, [("R-2", 1, 2)])
    v2 = publish(store, "2025-10")
    approve_by_all(store, v2)
    assert needs(store) == ({"UA": "UA-2025-10"}, [("R-2", 2, 1), ("R-3", 1, 3)])
    with store.read() as conn:
        diff = reads.list_diff(conn, v1, v2)
        shown = reads.list_version(conn, v2)
    assert diff["added"] == [{"requirement_id": "R-3", "priority": 1, "rank": 3, "item": "Radar"}]
    assert diff["removed"] == []
    assert diff["reranked"] == [
        {
            "requirement_id": "R-2",
            "from": {"requirement_id": "R-2", "priority": 1, "rank": 2},
            "to": {"requirement_id": "R-2", "priority": 2, "rank": 1},
            "item": "Radar",
        }
    ]
    assert shown["state"] == "approved" and shown["approvers"] == ["UA", "NSATU", "US"]
    assert [a["party"] for a in shown["approvals"]] == ["NSATU", "UA", "US"]
    assert [line["requirement_id"] for line in shown["lines"]] == ["R-1", "R-3", "R-2"]


def test_only_its_approvers_approve_once_and_a_month_has_one_version(ledger):
    store = ledger
    version = publish(store, "2025-09")
    before = event_count(store)
    with pytest.raises(
        RuleViolation, match=r"NL is not an approver of list version 'UA-2025-09' \(approvers: UA, NSATU, US\)"
    ):
        bus.handle(store, Actor("NL", via="test"), lists.ApproveListVersion(version_id=version))
    bus.handle(store, UA, lists.ApproveListVersion(version_id=version))
    after = event_count(store)
    with pytest.raises(RuleViolation, match="UA has already approved list version 'UA-2025-09'"):
        bus.handle(store, UA, lists.ApproveListVersion(version_id=version))
    with pytest.raises(Exception, match="already exists"):
        publish(store, "2025-09")
    assert event_count(store) == after == before + 1


def test_a_submitted_line_goes_back_to_draft_with_a_reason(ledger):
    store = ledger
    second_line(store, rid="R-3", rank=3)
    draft = requirements.DraftRequirement(
        recipient="UA", list_month="2025-08", priority=1, rank=4, item="Drone", category="air_defence",
        quantity=1, unit="drone", unit_price="5", currency="USD", origin="US", id="R-4",
    )  # fmt: skip
    bus.handle(store, OP, draft)
    bus.handle(store, OP, requirements.SubmitRequirement(requirement_id="R-4"))
    bus.handle(store, NSATU, lists.ReturnRequirement(requirement_id="R-4", reason="unit price looks wrong"))
    with store.read() as conn:
        state = conn.exec_driver_sql("SELECT state FROM requirements WHERE id = 'R-4'").scalar_one()
    assert state == "draft"
    before = event_count(store)
    with pytest.raises(TransitionRefused, match="requirement 'R-3' is validated: cannot return to draft"):
        bus.handle(store, NSATU, lists.ReturnRequirement(requirement_id="R-3", reason="late"))
    assert event_count(store) == before


def test_the_demo_list_is_in_force_and_the_requirements_page_says_so(demo_store):
    """Ukraine's December 2026 list, approved by Ukraine, NSATU and the US: allocation uses it."""
    with demo_store.read() as conn:
        assert reads.in_force(conn) == {"UA-MOD": "UA-MOD-2026-12"}
        [version] = reads.list_versions(conn)
    assert [(a["party"], a["approved_on"]) for a in version["approvals"]] == [
        ("NATO-NSATU", "2026-12-02"),
        ("UA-MOD", "2026-12-02"),
        ("US-GOV", "2026-12-02"),
    ]
    secret = tokens.issue_token(demo_store, OP, tokens.IssueToken(party="NATO-NSATU", role="coordinator")).secret
    client = TestClient(create_app(demo_store))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert csrf is not None
    client.post("/signin", data={"token": secret, "csrf": csrf.group(1)}, follow_redirects=False)
    page = client.get("/requirements").text
    found = re.search(r'<p id="list-in-force">(.*?)</p>', page, re.S)
    assert found is not None
    assert " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) == (
        "In force for allocation: UA-MOD-2026-12, approved 2 Dec 2026 by UA-MOD, NATO-NSATU, US-GOV."
    )
    assert "list-in-force" not in TestClient(create_app(demo_store)).get("/requirements").text  # not the public's

"""The policy table and the one function that reads it (pure: sets of party ids)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from supplyline.domain import access
from supplyline.domain.access import ANONYMOUS, POLICY, Parties, Principal, Scope, Target, Verdict, authorize, can_read
from supplyline.domain.errors import InvalidInput

PLEDGE_OF_NL = Target("pledge", Parties(frozenset({"NL-GOV"})))
NORDIC_PACKAGE = Target("package", Parties(frozenset({"US-GOV", "UA-MOD"}), frozenset({"SE-GOV", "NO-GOV"})))


def funder(party: str) -> Principal:
    return Principal(party, "funder", "TK-1")


def test_a_funder_reads_and_commits_its_own_pledge_only():
    assert authorize(funder("NL-GOV"), "pledge.read", PLEDGE_OF_NL) is Verdict.ALLOW
    assert authorize(funder("NL-GOV"), "pledge.commit", PLEDGE_OF_NL) is Verdict.ALLOW
    # another funder cannot even learn that the pledge exists
    assert authorize(funder("DE-GOV"), "pledge.read", PLEDGE_OF_NL) is Verdict.HIDE
    assert authorize(funder("DE-GOV"), "pledge.commit", PLEDGE_OF_NL) is Verdict.HIDE
    # a role without the action is refused whatever the record
    assert authorize(funder("NL-GOV"), "pledge.allocate", PLEDGE_OF_NL) is Verdict.FORBID
    assert authorize(funder("NL-GOV"), "pledge.allocate") is Verdict.FORBID


def test_shared_records_are_read_by_every_party_they_are_shared_with():
    for party in ("US-GOV", "UA-MOD", "SE-GOV", "NO-GOV"):
        assert can_read(Principal(party, "funder"), "package", NORDIC_PACKAGE.parties)
    assert not can_read(funder("NL-GOV"), "package", NORDIC_PACKAGE.parties)
    assert can_read(Principal("AUDIT", "auditor"), "package", NORDIC_PACKAGE.parties)
    assert not can_read(ANONYMOUS, "package", NORDIC_PACKAGE.parties)


def test_acting_narrows_who_may_act_and_a_visible_record_is_forbidden_not_hidden():
    receipt = Target(
        "shipment", Parties(frozenset({"US-GOV", "PRIME"}), frozenset({"UA-MOD"})), acting=frozenset({"UA-MOD"})
    )
    assert authorize(Principal("UA-MOD", "recipient"), "shipment.receive", receipt) is Verdict.ALLOW
    # the supplier sees the shipment but does not confirm its receipt, even holding a recipient token
    assert authorize(Principal("PRIME", "recipient"), "shipment.receive", receipt) is Verdict.FORBID
    assert authorize(Principal("PL-GOV", "recipient"), "shipment.receive", receipt) is Verdict.HIDE


def test_creating_for_another_party_is_forbidden():
    new = Target.creating("pledge", {"NO-GOV"})
    assert authorize(funder("NO-GOV"), "pledge.announce", new) is Verdict.ALLOW
    assert authorize(funder("NL-GOV"), "pledge.announce", new) is Verdict.FORBID


def test_the_public_reads_public_aggregates_and_the_log_and_nothing_else():
    public = {action for action, scopes in POLICY.items() if "public" in scopes}
    assert public == {
        "party.read",
        "fx.read",
        "report.funnel",
        "report.kiel",
        # the open data: every field withheld from the public left out, whoever asks (issue 21)
        "report.ocds",
        # percentages per category and month only (docs/end-use.md)
        "report.end_use",
        # closed findings their auditor made public, and nothing else (issue 18)
        "report.findings",
        # the steps each mechanism's packages pass before approval: configuration (issue 17)
        "approval_steps.read",
        "ledger.status",
        "log.read",
        "log.checkpoint",
        "log.key",
        "log.prove",
    }
    assert all(POLICY[action]["public"] is Scope.ANY for action in public)


def test_a_withheld_field_is_seen_by_the_parties_its_level_names():
    pledge = Parties(frozenset({"NL-GOV"}), frozenset({"US-GOV"}))
    shared = access.withheld_field("pledge", pledge, "parties", "NL-GOV")
    confidential = access.withheld_field("pledge", pledge, "confidential", "COORD")
    assert authorize(Principal("US-GOV", "seller"), "event.reveal", shared) is Verdict.ALLOW
    assert authorize(Principal("US-GOV", "seller"), "event.reveal", confidential) is Verdict.HIDE
    assert authorize(funder("NL-GOV"), "event.reveal", confidential) is Verdict.ALLOW
    # the party that recorded a confidential value may see it again
    assert authorize(Principal("COORD", "recipient"), "event.reveal", confidential) is Verdict.ALLOW
    assert authorize(funder("DE-GOV"), "event.reveal", shared) is Verdict.HIDE
    assert authorize(Principal("AUDIT", "auditor"), "event.reveal", confidential) is Verdict.ALLOW
    assert authorize(ANONYMOUS, "event.reveal", shared) is Verdict.FORBID


def test_imports_are_the_own_records_of_a_funder_or_recipient_and_anything_for_the_coordinator():
    assert authorize(funder("NL-GOV"), "pledge.import", Target.creating("pledge", {"NL-GOV"})) is Verdict.ALLOW
    assert authorize(funder("NL-GOV"), "pledge.import", Target.creating("pledge", {"DE-GOV"})) is Verdict.FORBID
    assert authorize(Principal("UA-MOD", "recipient"), "pledge.import") is Verdict.FORBID
    assert (
        authorize(Principal("NATO", "coordinator"), "pledge.import", Target.creating("pledge", {"DE-GOV"}))
        is Verdict.ALLOW
    )
    assert authorize(Principal("NATO", "coordinator"), "kiel.import") is Verdict.ALLOW
    assert authorize(Principal("AUDIT", "auditor"), "kiel.import") is Verdict.FORBID


def test_the_table_is_complete_and_consistent():
    kinds = {action.split(".")[0] for action in POLICY}
    # the Kiel tracker's figures are read through report.kiel; allocations through their pledge
    for kind in kinds - {"report", "event", "ledger", "kiel", "allocation"}:
        assert f"{kind}.read" in POLICY, kind
    # an auditor reads everything and writes nothing but its evidence and findings (issue 18)
    auditing = {"document.attach", "finding.open", "finding.close", "finding.reopen"}
    for action, scopes in POLICY.items():
        reading = (
            action.endswith(".read")
            or action.startswith(("report.", "log."))
            or action
            in (
                "package.trace",
                "event.read",
                "event.reveal",
                "ledger.verify",
                "ledger.check",
                "ledger.status",
                "plan.compute",
                "allocation.propose",
            )
        )
        assert (scopes.get("auditor") is Scope.ANY) == (reading or action in auditing), action
    with pytest.raises(KeyError):
        access.scope_of("funder", "pledge.delete")


def test_token_roles_exclude_the_public():
    assert access.parse_role("role", "auditor") == "auditor"
    with pytest.raises(InvalidInput) as refused:
        access.parse_role("role", "public")
    assert refused.value.field == "role"


def test_the_documented_table_is_the_policy():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "." in line.split("|")[1]]
    documented = {}
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == len(access.ROLES) + 1 and cells[0] in POLICY:
            documented[cells[0]] = {r: Scope(c) for r, c in zip(access.ROLES, cells[1:], strict=False) if c != "·"}
    assert documented == POLICY


def test_a_document_or_finding_is_read_only_by_whoever_reads_the_record_it_is_about():
    """The document rows admit shared parties and coordinators; the record's own row narrows
    them (issue 18): a depot's document stays with the recipient, the seller it is shared
    with and auditors, as the depot does."""
    depot = Parties(frozenset({"UA-MOD"}), frozenset({"US-GOV"}))
    on_site = Target("document", replace(depot, about="site"))
    assert authorize(Principal("UA-MOD", "recipient"), "document.read", on_site) is Verdict.ALLOW
    assert authorize(Principal("US-GOV", "seller"), "document.read", on_site) is Verdict.ALLOW
    assert authorize(Principal("AUDIT", "auditor"), "document.read", on_site) is Verdict.ALLOW
    # the coordinator reads every contract's documents, but no depot's: site.read has no row for it
    assert authorize(Principal("NATO", "coordinator"), "document.read", on_site) is Verdict.HIDE
    assert authorize(Principal("NATO", "coordinator"), "document.read", Target("document", depot)) is Verdict.ALLOW
    # a check is its owners' (check.read: own): the party it is shared with reads neither it nor its finding
    on_check = replace(depot, about="check")
    assert not can_read(Principal("US-GOV", "seller"), "document", on_check)
    assert not can_read(Principal("US-GOV", "seller"), "finding", on_check)
    assert can_read(Principal("UA-MOD", "recipient"), "finding", on_check)
    # a pledge's document: its funder and the any-scope roles, no one it is not shared with
    on_pledge = Parties(frozenset({"NL-GOV"}), about="pledge")
    assert can_read(funder("NL-GOV"), "document", on_pledge)
    assert not can_read(Principal("NL-GOV", "recipient"), "document", on_pledge)
    assert not can_read(ANONYMOUS, "document", on_pledge)
    # answering a finding on a check needs reading the check too
    assert authorize(Principal("UA-MOD", "recipient"), "finding.respond", Target("finding", on_check)) is Verdict.ALLOW
    assert authorize(Principal("US-GOV", "seller"), "finding.respond", Target("finding", on_check)) is Verdict.HIDE

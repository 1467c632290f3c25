"""The allocation optimiser over HTTP, on the demo ledger: the proposal never writes, the
coordinator records it, and the result passes the ledger's own checks."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import event_count
from supplyline.api import create_app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.log.checks import check_projections, verify_ledger


def test_proposal_then_recording_by_the_coordinator(demo_store):
    operator = Actor("operator", via="test")
    coordinator = tokens.issue_token(
        demo_store, operator, tokens.IssueToken(party="NATO-NSATU", role="coordinator")
    ).secret
    funder = tokens.issue_token(demo_store, operator, tokens.IssueToken(party="NL-GOV", role="funder")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    as_coordinator = {"Authorization": f"Bearer {coordinator}"}
    before = event_count(demo_store)

    proposal = client.get("/api/v1/allocation-proposal?on=2026-03-02&time_limit=5", headers=as_coordinator)
    assert proposal.status_code == 200, proposal.text
    body = proposal.json()
    assert body["recorded"] is False and body["label"] == "certified"
    assert [t["tier"] for t in body["tiers"]] == [1, 2, 3, 4, 5]
    planned = {(a["pledge_id"], a["requirement_id"], a["quantity"]) for a in body["allocations"]}
    assert planned and event_count(demo_store) == before

    refused = client.post(
        "/api/v1/allocations/optimal", json={"on": "2026-03-02"}, headers={"Authorization": f"Bearer {funder}"}
    )
    assert refused.status_code == 403 and event_count(demo_store) == before

    recorded = client.post(
        "/api/v1/allocations/optimal",
        json={"on": "2026-03-02", "time_limit": 5},
        headers={**as_coordinator, "Idempotency-Key": "alloc-1"},
    )
    assert recorded.status_code == 201, recorded.text
    answer = recorded.json()
    # the same plan as proposed (nothing else changed the ledger meanwhile)
    assert {(a["pledge_id"], a["requirement_id"], a["quantity"]) for a in answer["allocations"]} == planned
    assert len(answer["events"]) == event_count(demo_store) - before
    again = client.post(
        "/api/v1/allocations/optimal",
        json={"on": "2026-03-02", "time_limit": 5},
        headers={**as_coordinator, "Idempotency-Key": "alloc-1"},
    )
    assert again.json() == answer and again.headers.get("Idempotent-Replayed") == "true"
    assert verify_ledger(demo_store).ok and check_projections(demo_store) == []

"""Production planning over HTTP: the plan the service computes, accepted only for the input
that was reviewed, and the item terms and priorities it weighs, set by the facility's side."""

from __future__ import annotations

from typing import Any

from supplyline.services import bus
from supplyline.services.context import Actor
from supplyline.services.plans import planning
from supplyline.services.reads import queries
from supplyline.services.records import production

from .scenario import events_in

V1 = "/api/v1"
NOV = {"from": "2025-11", "horizon": 6, "time_limit": 5}


def _without_timings(report: Any) -> dict:
    plans = [report["plan"]] + ([report["scenario"]["plan"]] if report["scenario"] else [])
    for plan in plans:
        plan.pop("seconds")
    return report


def test_the_proposal_is_the_plan_the_service_computes_with_the_what_if_beside_it(client, scenario, api_store):
    auditor = scenario.headers("auditor")
    answer = client.get(f"{V1}/plan-proposal", params={**NOV, "capacity": "FAC-A=-99%"}, headers=auditor)
    assert answer.status_code == 200, answer.text
    with api_store.read() as conn:
        expected = planning.plan_production_report(
            conn,
            planning.PlanRequest(
                horizon=6, first_month="2025-11", currency="USD", capacity=("FAC-A=-99%",), time_limit=5
            ),
        )
    got = answer.json()
    assert _without_timings(got) == _without_timings(expected)
    assert [(o["order"], o["months_late"]) for o in got["plan"]["orders"]] == [("PO-A", 0), ("PO-A2", 0), ("PO-B", 0)]
    # FAC-A makes 1 unit a month instead of 100: PO-A2's 2 units move to December and January,
    # still before they are due in March
    assert [(m["order"], m["month"], m["change"]) for m in got["scenario"]["moved"]] == [
        ("PO-A2", "2025-11", -2),
        ("PO-A2", "2025-12", 1),
        ("PO-A2", "2026-01", 1),
    ]
    assert (got["scenario"]["orders_changed"], got["scenario"]["lateness_change"]) == ([], 0)
    # PLAN-A planned from September; what was left then is made in November now
    assert (got["accepted"]["id"], got["accepted"]["same_input"]) == ("PLAN-A", False)

    unknown = client.get(f"{V1}/plan-proposal", params={**NOV, "capacity": "FAC-Z=-10%"}, headers=auditor)
    assert (unknown.status_code, unknown.json()["field"]) == (422, "capacity[1]")
    malformed = client.get(f"{V1}/plan-proposal", params={**NOV, "new_facility": "FAC-NEW=2"}, headers=auditor)
    assert (malformed.status_code, malformed.json()["field"]) == (422, "new_facility[1]")
    assert (
        client.get(f"{V1}/plan-proposal", params={**NOV, "from": "2025-13"}, headers=auditor).json()["field"] == "from"
    )


def test_a_plan_is_accepted_for_the_input_reviewed_and_refused_once_it_moved(client, scenario, api_store):
    coordinator, supplier = scenario.headers("coordinator"), scenario.headers("supplier")
    reviewed = client.get(f"{V1}/plan-proposal", params=NOV, headers=coordinator).json()
    # the supplier changes capacity after the coordinator looked: the reviewed plan is stale
    assert (
        client.post(
            f"{V1}/facilities/FAC-A/capacity",
            headers=supplier,
            json={"item": "Item RQ-A", "from_month": "2025-12", "monthly_quantity": 1},
        ).status_code
        == 200
    )
    before = events_in(api_store)
    stale = client.post(f"{V1}/plans", headers=coordinator, json={**NOV, "input_digest": reviewed["input_digest"]})
    assert (stale.status_code, stale.json()["type"], stale.json()["field"]) == (
        409,
        "urn:supplyline:problem:input-changed",
        "input_digest",
    )
    assert events_in(api_store) == before

    fresh = client.get(f"{V1}/plan-proposal", params=NOV, headers=coordinator).json()
    accepted = client.post(
        f"{V1}/plans",
        headers={**coordinator, "Idempotency-Key": "plan-nov"},
        json={**NOV, "input_digest": fresh["input_digest"], "on": "2025-11-03"},
    )
    assert accepted.status_code == 201, accepted.text
    body = accepted.json()
    assert accepted.headers["Location"] == f"/api/v1/plans/{body['id']}"
    assert [e["type"] for e in body["events"]] == ["ProductionPlanAccepted", "ProductionPlanSuperseded"]
    assert (body["plan"]["supersedes"], body["plan"]["input_digest"], body["plan"]["weighted_lateness"]) == (
        "PLAN-A",
        fresh["input_digest"],
        fresh["plan"]["weighted_lateness"],
    )
    replay = client.post(
        f"{V1}/plans",
        headers={**coordinator, "Idempotency-Key": "plan-nov"},
        json={**NOV, "input_digest": fresh["input_digest"], "on": "2025-11-03"},
    )
    assert (replay.content, replay.headers["Idempotent-Replayed"]) == (accepted.content, "true")
    assert events_in(api_store) == before + 2

    shown = client.get(f"{V1}/plans/{body['id']}", headers=scenario.headers("auditor")).json()
    with api_store.read() as conn:
        assert shown == planning.show_plan(conn, body["id"])
    made: dict[str, int] = {}
    for part in shown["parts"]:
        made[part["order_id"]] = made.get(part["order_id"], 0) + part["quantity"]
    assert made == {"PO-A": 1, "PO-A2": 2, "PO-B": 1} and shown["accepted_on"] == "2025-11-03"
    listed = client.get(f"{V1}/plans", headers=coordinator).json()["items"]
    assert [(p["id"], p["state"], p["superseded_by"]) for p in listed] == [
        ("PLAN-A", "superseded", body["id"]),
        (body["id"], "accepted", None),
    ]
    assert client.get(f"{V1}/plans/PLAN-ZZ", headers=coordinator).status_code == 404
    what_if = client.post(f"{V1}/plans", headers=coordinator, json={**NOV, "capacity": ["FAC-A=-10%"]})
    assert (what_if.status_code, what_if.json()["field"]) == (422, "capacity")


def test_terms_and_priorities_are_set_by_the_facilitys_side_and_weigh_in_the_plan(client, scenario, api_store):
    supplier, coordinator = scenario.headers("supplier"), scenario.headers("coordinator")
    terms = client.post(
        f"{V1}/facilities/FAC-A/terms",
        headers={**supplier, "If-Match": '"2"'},
        json={"item": "Item RQ-A", "min_batch": 1, "unit_cost": "900.50", "currency": "USD"},
    )
    assert terms.status_code == 200, terms.text
    facility = client.get(f"{V1}/facilities/FAC-A", headers=supplier).json()
    assert facility["terms"] == [
        {"item": "Item RQ-A", "min_batch": 1, "unit_cost": "900.50", "unit_cost_currency": "USD"}
    ]
    stale = client.post(
        f"{V1}/facilities/FAC-A/terms",
        headers={**supplier, "If-Match": '"2"'},
        json={"item": "Item RQ-A", "min_batch": 1, "unit_cost": "1", "currency": "USD"},
    )
    assert stale.status_code == 409
    not_built = client.post(
        f"{V1}/facilities/FAC-A/terms",
        headers=supplier,
        json={"item": "Tank", "min_batch": 1, "unit_cost": "1", "currency": "USD"},
    )
    assert (not_built.status_code, not_built.json()["field"]) == (422, "item")

    assert client.post(f"{V1}/orders/PO-A2/priority", headers=supplier, json={"priority": 7}).status_code == 200
    with api_store.read() as conn:
        assert queries.order(conn, "PO-A2")["priority"] == 7
    assert (
        client.post(f"{V1}/orders/PO-A2/priority", headers=supplier, json={"priority": 0}).json()["field"] == "priority"
    )
    plan = client.get(f"{V1}/plan-proposal", params=NOV, headers=coordinator).json()["plan"]
    # 3 units of FAC-A's item at 900.50 (PO-A 1, PO-A2 2); FAC-B has no cost
    assert plan["cost"] == "2701.50"
    assert {o["order"]: o["priority"] for o in plan["orders"]} == {"PO-A": 1, "PO-A2": 7, "PO-B": 1}
    # a cancelled order is no longer open: its priority is not for planning any more
    bus.handle(api_store, Actor("SUP-A"), production.CancelOrder(order_id="PO-A2", reason="no longer needed"))
    closed = client.post(f"{V1}/orders/PO-A2/priority", headers=supplier, json={"priority": 3})
    assert closed.status_code == 422 and "only open orders" in closed.json()["detail"]

"""The API's behaviour beyond who may do what: same answers as the services, versions and
If-Match, cursors, problem documents, tokens, bounds, and a whole PURL flow over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.log import checks
from supplyline.services.reads import queries, reports

from .scenario import events_in


def without_empty_withheld(value):
    """An API answer without the ``withheld: []`` the response models add where nothing is withheld."""
    if isinstance(value, dict):
        return {k: without_empty_withheld(v) for k, v in value.items() if not (k == "withheld" and v == [])}
    if isinstance(value, list):
        return [without_empty_withheld(v) for v in value]
    return value


V1 = "/api/v1"


def test_reads_answer_exactly_what_the_services_return(client, scenario, api_store):
    auditor = scenario.headers("auditor")
    with api_store.read() as conn:
        package = queries.package(conn, "PKG-A")
        pledge = queries.pledge(conn, "PLEDGE-A1")
        funnel = reports.funnel(conn, "USD")
        trace = reports.trace(conn, "PKG-A")
        order = queries.order(conn, "PO-A")

    def get(path, **kw):
        return without_empty_withheld(client.get(V1 + path, **kw).json())

    def without_evidence(answer: dict) -> dict:
        """The record as the service returned it: the gate adds its evidence (issue 18), none here."""
        assert (answer.pop("documents"), answer.pop("open_findings")) == ([], 0)
        return answer

    assert without_evidence(get("/packages/PKG-A", headers=auditor)) == package
    assert without_evidence(get("/pledges/PLEDGE-A1", headers=auditor)) == pledge
    assert get("/reports/funnel?currency=USD") == funnel
    assert get("/packages/PKG-A/trace", headers=auditor) == trace
    assert without_evidence(get("/orders/PO-A", headers=auditor)) == order
    assert funnel["total"]["pledged"] == "251000.00"


def test_a_cofunder_sees_the_shared_package_but_not_the_other_funders_pledge(client, scenario):
    trace = without_empty_withheld(client.get(f"{V1}/packages/PKG-A/trace", headers=scenario.headers("funder")).json())
    funded_by = trace["lines"][0]["funded_by"]
    assert funded_by == [
        {
            "allocation_id": "PLEDGE-A1.1",
            "pledge_id": "PLEDGE-A1",
            "funder": "FUND-A",
            "amount": "6000.00",
            "currency": "USD",
            "line_amount": "6000.00",
            "fx_rate": None,
            "fx_date": None,
            "allocated_on": "2025-08-05",
        },
        {
            "allocation_id": None,
            "pledge_id": None,
            "funder": "FUND-C",
            "amount": None,
            "currency": None,
            "line_amount": "4000.00",
            "fx_rate": None,
            "fx_date": None,
            "allocated_on": "2025-08-05",
        },
    ]
    assert [(p["pledge_id"], p["funder"], p["amount"]) for p in trace["delivered"][0]["paid_by"]] == [
        ("PLEDGE-A1", "FUND-A", "2400.00"),
        (None, "FUND-C", "1600.00"),
    ]
    cofunder = {"Authorization": f"Bearer {scenario.secrets['funder', 'cofunder']}"}
    theirs = client.get(f"{V1}/packages/PKG-A/trace", headers=cofunder).json()["lines"][0]["funded_by"]
    assert [(f["pledge_id"], f["funder"]) for f in theirs] == [(None, "FUND-A"), ("PLEDGE-C1", "FUND-C")]
    # and each funder's list of pledges holds its own only
    assert [p["id"] for p in client.get(f"{V1}/pledges", headers=scenario.headers("funder")).json()["items"]] == [
        "PLEDGE-A1",
        "PLEDGE-A2",
    ]
    assert [p["id"] for p in client.get(f"{V1}/pledges", headers=cofunder).json()["items"]] == ["PLEDGE-C1"]


def test_lists_show_only_what_is_shared(client, scenario):
    def ids(path, role, side="own"):
        return [r["id"] for r in client.get(V1 + path, headers=scenario.headers(role, side)).json()["items"]]

    assert ids("/packages", "funder") == ["PKG-A", "PKG-A-CONC", "PKG-A-DONE"]
    assert ids("/packages", "funder", "other") == ["PKG-B"]
    assert ids("/packages", "recipient") == ["PKG-A", "PKG-A-CONC", "PKG-A-DONE", "PKG-A-DRAFT", "PKG-A-PROP"]
    assert ids("/requirements", "seller", "other") == ["RQ-B"]
    assert ids("/facilities", "supplier") == ["FAC-A"]
    assert ids("/facilities", "recipient") == []
    assert ids("/shipments", "supplier", "other") == ["SH-B"]
    assert len(ids("/packages", "auditor")) == 6


def test_a_requirement_names_only_the_packages_the_reader_may_see(client, scenario):
    funder = client.get(f"{V1}/requirements/RQ-A", headers=scenario.headers("funder")).json()
    recipient = client.get(f"{V1}/requirements/RQ-A", headers=scenario.headers("recipient")).json()
    assert [p["package_id"] for p in recipient["packages"]] == ["PKG-A", "PKG-A-DONE"]
    assert [p["package_id"] for p in funder["packages"]] == ["PKG-A", "PKG-A-DONE"]
    seller_b = client.get(f"{V1}/requirements/RQ-B", headers=scenario.headers("seller", "other")).json()
    assert [p["package_id"] for p in seller_b["packages"]] == ["PKG-B"]


def test_cursors_walk_a_list_once_in_order(client, scenario):
    auditor = scenario.headers("auditor")
    everything = client.get(f"{V1}/parties?limit=500").json()["items"]
    seen, cursor, pages = [], None, 0
    while True:
        page = client.get(f"{V1}/parties", params={"limit": 4, **({"cursor": cursor} if cursor else {})}).json()
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything and len(seen) == 13 and pages == 4
    events = client.get(f"{V1}/events?limit=3", headers=auditor).json()
    following = client.get(f"{V1}/events", params={"limit": 3, "cursor": events["next_cursor"]}, headers=auditor).json()
    assert [e["seq"] for e in events["items"] + following["items"]] == list(
        range(events["items"][0]["seq"], events["items"][0]["seq"] - 6, -1)
    )
    for bad in ("not-a-cursor", "e30", "W3RydWVd"):  # garbage, {}, [true]
        problem = client.get(f"{V1}/parties", params={"cursor": bad})
        assert (problem.status_code, problem.json()["field"]) == (422, "cursor")
        assert client.get(f"{V1}/events", params={"cursor": bad}, headers=auditor).status_code == 422


def test_if_match_carries_the_version_the_etag_gave(client, scenario):
    funder = scenario.headers("funder")
    read = client.get(f"{V1}/pledges/PLEDGE-A2", headers=funder)
    assert read.headers["ETag"] == '"1"'
    stale = client.post(f"{V1}/pledges/PLEDGE-A2/commit", headers={**funder, "If-Match": '"0"'})
    assert stale.status_code == 409
    assert stale.json() == {
        "type": "urn:supplyline:problem:version-conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "pledge:PLEDGE-A2 is at version 1, not 0: reload it and try again",
        "instance": "/api/v1/pledges/PLEDGE-A2/commit",
        "field": "version",
    }
    done = client.post(f"{V1}/pledges/PLEDGE-A2/commit", headers={**funder, "If-Match": read.headers["ETag"]})
    assert (done.status_code, done.headers["ETag"]) == (200, '"2"')
    again = client.post(f"{V1}/pledges/PLEDGE-A2/commit", headers={**funder, "If-Match": "*"})
    assert (again.status_code, again.json()["type"]) == (409, "urn:supplyline:problem:transition-refused")
    malformed = client.post(f"{V1}/pledges/PLEDGE-A2/commit", headers={**funder, "If-Match": 'W/"2"'})
    assert (malformed.status_code, malformed.json()["field"]) == (422, "If-Match")


def test_problems_name_the_failing_field(client, scenario, api_store):
    seller, funder, coordinator = (
        scenario.headers("seller"),
        scenario.headers("funder"),
        scenario.headers("coordinator"),
    )
    before = events_in(api_store)
    contract = client.post(
        f"{V1}/contracts",
        headers=seller,
        json={
            "package_id": "PKG-A",
            "buyer": "SELL-A",
            "supplier": "SUP-A",
            "signed_on": "2025-12-01",
            "lines": [{"package_line_no": 1, "quantity": 1}, {"package_line_no": 1, "quantity": 0}],
        },
    )
    assert contract.status_code == 422 and contract.headers["content-type"] == "application/problem+json"
    assert contract.json()["field"] == "lines[2].quantity"
    assert contract.json()["errors"][0]["location"] == "body"
    as_float = client.post(
        f"{V1}/pledges",
        headers=funder,
        json={"funder": "FUND-A", "amount": 500.25, "currency": "USD", "pledged_on": "2025-12-01", "mechanism": "purl"},
    )
    assert (as_float.status_code, as_float.json()["field"]) == (422, "amount")
    too_much = client.post(
        f"{V1}/pledges/PLEDGE-A1/allocations",
        headers=coordinator,
        json={"package_id": "PKG-A-PROP", "line_no": 1, "amount": "90000.00"},
    )
    assert too_much.status_code == 422
    assert too_much.json()["type"] == "urn:supplyline:problem:rule-violation" and too_much.json()["field"] == "amount"
    no_package = client.post(
        f"{V1}/pledges/PLEDGE-A1/allocations",
        headers=coordinator,
        json={"package_id": "PKG-NONE", "line_no": 1, "amount": "1.00"},
    )
    assert (no_package.status_code, no_package.json()["field"]) == (422, "package")
    assert client.post(f"{V1}/pledges", headers=funder, content=b"{not json").status_code == 422
    undecodable = client.post(
        f"{V1}/pledges", headers={**funder, "Content-Type": "application/json"}, content=b"\xff\xfe"
    )
    assert (undecodable.status_code, undecodable.json()["field"]) == (422, "body")
    assert events_in(api_store) == before


def test_absurd_numbers_are_refused_not_crashed_on(client, scenario, api_store):
    coordinator, recipient = scenario.headers("coordinator"), scenario.headers("recipient")
    before = events_in(api_store)
    price = client.post(
        f"{V1}/packages/PKG-A-DRAFT/lines",
        headers=coordinator,
        json={"requirement_id": "RQ-A", "quantity": 1, "unit_price": "999999999999999"},
    )
    assert (price.status_code, price.json()["field"]) == (422, "unit_price")
    value = client.post(
        f"{V1}/packages/PKG-A-DRAFT/lines",
        headers=coordinator,
        json={"requirement_id": "RQ-A", "quantity": 2, "unit_price": "99999999999999"},
    )
    assert (value.status_code, value.json()["field"]) == (422, "quantity")
    huge = client.post(
        f"{V1}/requirements",
        headers=recipient,
        json={
            "recipient": "REC-A",
            "list_month": "2025-12",
            "priority": 1,
            "rank": 1,
            "item": "x",
            "category": "medical",
            "quantity": 2_147_483_648,
            "unit": "u",
            "unit_price": "1",
            "currency": "USD",
        },
    )
    assert (huge.status_code, huge.json()["field"]) == (422, "quantity")
    assert events_in(api_store) == before


def test_hidden_and_missing_records_get_the_same_answer(client, scenario):
    funder_b = scenario.headers("funder", "other")
    hidden = client.get(f"{V1}/pledges/PLEDGE-A1", headers=funder_b)
    missing = client.get(f"{V1}/pledges/PLEDGE-ZZ", headers=funder_b)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("PLEDGE-A1", "X") == missing.json()["detail"].replace("PLEDGE-ZZ", "X")
    assert set(hidden.headers) == set(missing.headers)
    stream_hidden = client.get(f"{V1}/events?stream=pledge:PLEDGE-A1", headers=funder_b)
    assert stream_hidden.status_code == 404


def test_method_not_allowed_lists_every_method_of_the_path(client):
    response = client.delete(f"{V1}/pledges")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"


def test_tokens_authenticate_until_revoked(client, scenario, api_store):
    issued = tokens.issue_token(api_store, Actor("operator"), tokens.IssueToken("AUD-A", "auditor", "audit office"))
    bearer = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get(f"{V1}/me", headers=bearer).json() == {
        "token_id": issued.outcome.id,
        "party": "AUD-A",
        "role": "auditor",
    }
    tokens.revoke_token(api_store, Actor("operator"), issued.outcome.id, reason="left the office")
    refused = client.get(f"{V1}/me", headers=bearer)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert client.get(f"{V1}/parties", headers=bearer).status_code == 401
    assert client.get(f"{V1}/me").status_code == 401
    with api_store.read() as conn:
        listed = {row["id"]: row for row in tokens.list_tokens(conn, party="AUD-A")}
    assert listed[issued.outcome.id]["state"] == "revoked"
    assert "secret_sha256" not in listed[issued.outcome.id]
    assert checks.check_projections(api_store) == []


def test_documents_are_served(client):
    schema = client.get(f"{V1}/openapi.json").json()
    assert schema["info"]["title"] == "supplyline"
    assert schema["paths"]["/api/v1/pledges"]["post"]["security"] == [{}, {"HTTPBearer": []}]
    assert "application/problem+json" in schema["paths"]["/api/v1/pledges"]["post"]["responses"]["422"]["content"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text
    assert "cdn" not in docs.text  # nothing fetched from elsewhere: air-gapped ministries read it too
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200


def test_a_purl_package_from_requirement_to_receipt_over_http(api_store, scenario):
    """The whole chain through the API only, each step by the party that acts in reality."""
    h = {role: scenario.headers(role) for role in ("recipient", "coordinator", "funder", "seller", "supplier")}
    with TestClient(create_app(api_store)) as c:

        def ok(method, path, role, body=None, status=200):
            response = c.request(method, V1 + path, headers=h[role], json=body)
            assert response.status_code == status, response.text
            return response.json()

        rid = ok(
            "POST",
            "/requirements",
            "recipient",
            {
                "recipient": "REC-A",
                "list_month": "2026-01",
                "priority": 1,
                "rank": 1,
                "item": "Counter-drone system",
                "category": "electronic_warfare",
                "quantity": 4,
                "unit": "system",
                "unit_price": "250000",
                "currency": "USD",
            },
            201,
        )["id"]
        ok("POST", f"/requirements/{rid}/submit", "recipient")
        ok("POST", f"/requirements/{rid}/validate", "coordinator")
        pid = ok(
            "POST",
            "/pledges",
            "funder",
            {
                "funder": "FUND-A",
                "amount": "900000",
                "currency": "EUR",
                "pledged_on": "2025-12-01",
                "mechanism": "purl",
                "commit": True,
            },
            201,
        )["id"]
        fx = ok("POST", "/fx-rates", "coordinator", {"day": "2025-12-01", "rates": {"USD": "1.16"}})
        assert fx["id"] == "2025-12-01"
        pkg = ok(
            "POST",
            "/packages",
            "coordinator",
            {
                "title": "Counter-drone package",
                "mechanism": "purl",
                "seller": "SELL-A",
                "recipient": "REC-A",
                "currency": "USD",
            },
            201,
        )["id"]
        ok("POST", f"/packages/{pkg}/lines", "coordinator", {"requirement_id": rid, "quantity": 4})
        ok("POST", f"/packages/{pkg}/propose", "coordinator")
        allocation = ok(
            "POST",
            f"/pledges/{pid}/allocations",
            "coordinator",
            {"package_id": pkg, "line_no": 1, "amount": "1000000.00", "currency": "USD", "on": "2025-12-02"},
            201,
        )
        assert allocation["id"] == f"{pid}.1"
        # PURL packages are validated and concurred with (issue 17): the seller waits, nothing written
        approval = {"party": "SELL-A", "decision": "approve", "on": "2025-12-03"}
        early = ok("POST", f"/packages/{pkg}/decisions", "seller", approval, 409)
        assert early["detail"] == (
            f"package '{pkg}' cannot be approved yet: waiting on validation by the coordinator; concurrence of FUND-A"
        )
        ok("POST", f"/packages/{pkg}/validation", "coordinator", {"on": "2025-12-02"})
        early = ok("POST", f"/packages/{pkg}/decisions", "seller", approval, 409)
        assert early["detail"] == f"package '{pkg}' cannot be approved yet: waiting on concurrence of FUND-A"
        ok("POST", f"/packages/{pkg}/concurrences", "funder", {"on": "2025-12-03"})
        assert ok("GET", f"/packages/{pkg}", "seller")["checklist"] == [
            {"step": "validation", "party": "COORD-A", "verdict": "validated", "done_on": "2025-12-02"},
            {"step": "concurrence", "party": "FUND-A", "verdict": "concur", "done_on": "2025-12-03"},
        ]
        ok("POST", f"/packages/{pkg}/decisions", "seller", approval)
        ct = ok(
            "POST",
            "/contracts",
            "seller",
            {
                "package_id": pkg,
                "buyer": "SELL-A",
                "supplier": "SUP-A",
                "signed_on": "2025-12-04",
                "lines": [{"package_line_no": 1, "quantity": 4}],
                "schedule": [{"line_no": 1, "due": "2026-02-01", "quantity": 4}],
            },
            201,
        )["id"]
        ok(
            "POST",
            "/facilities/FAC-A/capacity",
            "supplier",
            {"item": "Counter-drone system", "from_month": "2025-12", "monthly_quantity": 10},
        )
        po = ok(
            "POST",
            "/orders",
            "supplier",
            {"facility_id": "FAC-A", "contract_id": ct, "contract_line_no": 1, "quantity": 4, "due": "2026-01-31"},
            201,
        )["id"]
        ok("POST", f"/orders/{po}/start", "supplier", {"on": "2025-12-05"})
        ok("POST", f"/orders/{po}/lots", "supplier", {"quantity": 4, "produced_on": "2025-12-20"})
        ok("POST", f"/orders/{po}/lots/{po}-L001/inspection", "supplier", {"accepted": 4, "on": "2025-12-21"})
        sh = ok(
            "POST",
            "/shipments",
            "supplier",
            {
                "contract_id": ct,
                "shipped_on": "2025-12-22",
                "lines": [{"contract_line_no": 1, "quantity": 4, "lots": [{"lot_id": f"{po}-L001", "quantity": 4}]}],
            },
            201,
        )["id"]
        ok("POST", f"/shipments/{sh}/receipt", "recipient", {"received_on": "2026-01-05"})
        ok("POST", f"/packages/{pkg}/close", "coordinator", {"on": "2026-01-10"})

        trace = ok("GET", f"/packages/{pkg}/trace", "funder")
        assert trace["package"]["state"] == "closed"
        [delivered] = trace["delivered"]
        assert (delivered["received"], delivered["value"], delivered["lots"][0]["facility_id"]) == (
            4,
            "1000000.00",
            "FAC-A",
        )
        assert [
            (p["pledge_id"], p["amount"], p["pledge_amount"], p["pledge_currency"]) for p in delivered["paid_by"]
        ] == [(pid, "1000000.00", "862068.97", "EUR")]
        assert ok("GET", f"/requirements/{rid}", "recipient")["state"] == "fulfilled"
    assert checks.verify_ledger(api_store).ok
    assert checks.check_projections(api_store) == []


@pytest.mark.parametrize("path", ["/api/v1/parties", "/api/v1/reports/funnel"])
def test_the_public_reads_public_aggregates_without_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"


def _walk(client, path: str, headers: dict, limit: int) -> list[dict]:
    seen, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{V1}{path}", params=params, headers=headers)
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen


def test_pages_read_by_the_database_walk_what_the_caller_may_see_once_in_key_order(client, scenario):
    """Keyset pages of one item (the database reads each after the cursor's key, among the
    records the caller may read) give the one-page answer, in the list's order."""
    for path, role, side, key in (
        ("/pledges", "funder", "own", ("pledged_on", "id")),
        ("/pledges", "auditor", "own", ("pledged_on", "id")),
        ("/packages", "funder", "own", ("id",)),
        ("/contracts", "seller", "other", ("id",)),
        ("/shipments", "recipient", "own", ("shipped_on", "id")),
        ("/requirements", "coordinator", "own", ("priority", "rank", "id")),
        ("/orders", "supplier", "own", ("id",)),
    ):
        headers = scenario.headers(role, side)
        whole = client.get(f"{V1}{path}", params={"limit": 500}, headers=headers).json()["items"]
        assert len(whole) >= 1, path
        assert _walk(client, path, headers, 1) == whole, (path, role)
        keys = [tuple(item[name] for name in key) for item in whole]
        assert keys == sorted(keys), path
    assert [p["id"] for p in _walk(client, "/packages", scenario.headers("funder"), 1)] == [
        "PKG-A",
        "PKG-A-CONC",
        "PKG-A-DONE",
    ]
    for bad in ("WzFd", "WyJ4Il0", "WyIyMDI1LTEzLTAxIiwieCJd"):  # [1], ["x"], ["2025-13-01","x"]
        problem = client.get(f"{V1}/pledges", params={"cursor": bad}, headers=scenario.headers("coordinator"))
        assert (problem.status_code, problem.json()["field"]) == (422, "cursor"), bad

"""The authorisation matrix: every endpoint × every role × own/other party, exact status.

Requests address side-A records. For each role, the "own" token belongs to the side-A
party of that role and the "other" token to the side-B party. The expected statuses are
written out by hand from the policy in docs/architecture.md, not computed from the code.
Every response body is also searched for the markers of confidential records its party
may not see. Requests that should be refused must write nothing; each request that should
succeed runs on its own fresh copy of the ledger, and its events must name the token's
party as actor and the token id in their meta.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from supplyline.api import create_app
from supplyline.domain.access import POLICY
from supplyline.services.log import transparency
from supplyline.settings import Settings
from supplyline.store import schema as t

from .scenario import KIEL_HEADER, MARKERS, ROLES, Scenario, build, events_in

MEDIA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ANY = ("coordinator", "auditor")


def expect(rec=403, coord=403, fund=403, sell=403, supp=403, aud=403, public=401) -> dict:
    """Expected status per role: an int for both parties, or (own, other)."""
    out = {}
    for role, given in zip(ROLES, (rec, coord, fund, sell, supp, aud), strict=False):
        own, other = given if isinstance(given, tuple) else (given, given)
        out[role, "own"], out[role, "other"] = own, other
    out["public", "own"] = public
    return out


V1 = "/api/v1"
WRITES = ("POST", "PUT")
SHARED_READ = {"rec": (200, 404), "coord": 200, "fund": (200, 404), "sell": (200, 404), "aud": 200}
EVERYONE = expect(200, 200, 200, 200, 200, 200, 200)
COORDINATOR_AND_AUDITOR = expect(coord=200, aud=200)


@dataclass(frozen=True)
class Upload:
    """A multipart body: files by field (name, bytes) and form fields."""

    files: dict[str, tuple[str, bytes]]
    form: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return json.dumps(self.form) + "".join(content.decode() for _, content in self.files.values())


def csv_upload(name: str, text: str, **form: str) -> Upload:
    return Upload({"file": (name, text.encode())}, form)


def send(client, method: str, path: str, body, headers: dict):
    if isinstance(body, Upload):
        return client.request(method, V1 + path, files=body.files, data=body.form, headers=headers)
    return client.request(method, V1 + path, json=body, headers=headers)


def request_text(path: str, body) -> str:
    return path + (body.text() if isinstance(body, Upload) else json.dumps(body))


def concrete(path: str, scenario: Scenario) -> str:
    """``{pledge:PLEDGE-A2}`` in a path: the sequence number of that stream's first event."""
    return re.sub(r"\{([a-z]+:[A-Za-z0-9-]+)\}", lambda m: str(scenario.first_seq[m[1]]), path)


#: (method, path template, concrete path, body, expected)
CASES = [
    # --- reference data, public ---------------------------------------------------------
    ("GET", "/parties", "/parties", None, expect(200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/parties/{party_id}", "/parties/REC-A", None, expect(200, 200, 200, 200, 200, 200, 200)),
    (
        "POST",
        "/parties",
        "/parties",
        {"id": "NEW-PARTY", "name": "A new company", "kind": "company"},
        expect(coord=201),
    ),
    ("GET", "/fx-rates", "/fx-rates", None, expect(200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/fx-rates", "/fx-rates", {"day": "2025-12-01", "rates": {"USD": "1.17"}}, expect(coord=200)),
    ("GET", "/reports/funnel", "/reports/funnel?currency=USD", None, expect(200, 200, 200, 200, 200, 200, 200)),
    # --- requirements -------------------------------------------------------------------
    ("GET", "/requirements", "/requirements", None, expect(200, 200, 200, 200, 403, 200)),
    ("GET", "/requirements/{requirement_id}", "/requirements/RQ-A", None, expect(**SHARED_READ)),
    (
        "POST",
        "/requirements",
        "/requirements",
        {
            "recipient": "REC-A",
            "list_month": "2025-12",
            "priority": 2,
            "rank": 9,
            "item": "Radio",
            "category": "communications",
            "quantity": 10,
            "unit": "set",
            "unit_price": "5000",
            "currency": "USD",
        },
        expect(rec=(201, 403)),
    ),
    ("POST", "/requirements/{requirement_id}/submit", "/requirements/RQ-A-DRAFT/submit", None, expect(rec=(200, 404))),
    ("POST", "/requirements/{requirement_id}/validate", "/requirements/RQ-A-SUB/validate", None, expect(coord=200)),
    (
        "POST",
        "/requirements/{requirement_id}/withdraw",
        "/requirements/RQ-A-SUB/withdraw",
        {"reason": "covered bilaterally"},
        expect(rec=(200, 404)),
    ),
    (
        "POST",
        "/requirements/{requirement_id}/reprioritise",
        "/requirements/RQ-A/reprioritise",
        {"list_month": "2025-12", "priority": 2, "rank": 3},
        expect(rec=(200, 404)),
    ),
    # --- pledges ------------------------------------------------------------------------
    ("GET", "/pledges", "/pledges", None, expect(coord=200, fund=200, aud=200)),
    ("GET", "/pledges/{pledge_id}", "/pledges/PLEDGE-A1", None, expect(coord=200, fund=(200, 404), aud=200)),
    (
        "POST",
        "/pledges",
        "/pledges",
        {"funder": "FUND-A", "amount": "500.00", "currency": "USD", "pledged_on": "2025-12-01", "mechanism": "purl"},
        expect(fund=(201, 403)),
    ),
    ("POST", "/pledges/{pledge_id}/commit", "/pledges/PLEDGE-A2/commit", None, expect(fund=(200, 404))),
    (
        "POST",
        "/pledges/{pledge_id}/expire",
        "/pledges/PLEDGE-A2/expire",
        {"on": "2026-06-01"},
        expect(coord=200, fund=(200, 404)),
    ),
    (
        "POST",
        "/pledges/{pledge_id}/allocations",
        "/pledges/PLEDGE-A1/allocations",
        {"package_id": "PKG-A-PROP", "line_no": 1, "amount": "1000.00"},
        expect(coord=201),
    ),
    # --- money stages (issue 15) ----------------------------------------------------------
    (
        "POST",
        "/pledges/{pledge_id}/payments",
        "/pledges/PLEDGE-A1/payments",
        {"amount": "1000.00", "reference": "PAY-A2", "on": "2025-09-05"},
        expect(fund=(201, 404)),
    ),
    (
        "POST",
        "/pledges/{pledge_id}/transfers",
        "/pledges/PLEDGE-A1/transfers",
        {"package_id": "PKG-A-DONE", "amount": "1000.00", "reference": "TX-A2", "on": "2025-09-05"},
        expect(coord=201),
    ),
    (
        "POST",
        "/pledges/{pledge_id}/returns",
        "/pledges/PLEDGE-A1/returns",
        {"amount": "100.00", "reference": "RET-A", "on": "2025-09-05"},
        expect(coord=201),
    ),
    (
        "POST",
        "/contracts/{contract_id}/obligations",
        "/contracts/CT-A/obligations",
        {"line_no": 1, "amount": "1000.00", "on": "2025-09-05"},
        expect(sell=(201, 404)),
    ),
    (
        "POST",
        "/contracts/{contract_id}/expenditures",
        "/contracts/CT-A/expenditures",
        {"line_no": 1, "amount": "100.00", "reference": "INV-A", "on": "2025-09-06"},
        expect(sell=(201, 404)),
    ),
    ("GET", "/reports/money", "/reports/money?currency=USD", None, expect(coord=200, fund=200, aud=200)),
    # --- packages -----------------------------------------------------------------------
    ("GET", "/packages", "/packages", None, expect(200, 200, 200, 200, 403, 200)),
    ("GET", "/packages/{package_id}", "/packages/PKG-A", None, expect(**SHARED_READ)),
    ("GET", "/packages/{package_id}/trace", "/packages/PKG-A/trace", None, expect(**SHARED_READ)),
    (
        "POST",
        "/packages",
        "/packages",
        {
            "title": "Package A, second",
            "mechanism": "purl",
            "seller": "SELL-A",
            "recipient": "REC-A",
            "currency": "USD",
        },
        expect(coord=201),
    ),
    (
        "POST",
        "/packages/{package_id}/lines",
        "/packages/PKG-A-DRAFT/lines",
        {"requirement_id": "RQ-A", "quantity": 1},
        expect(coord=200),
    ),
    ("POST", "/packages/{package_id}/propose", "/packages/PKG-A-DRAFT/propose", None, expect(coord=200)),
    # the recipient sees the package but may only decide for itself (and is no approver)
    (
        "POST",
        "/packages/{package_id}/decisions",
        "/packages/PKG-A-PROP/decisions",
        {"party": "SELL-A", "decision": "reject", "reason": "not this year"},
        expect(rec=(403, 404), sell=(200, 404)),
    ),
    ("POST", "/packages/{package_id}/close", "/packages/PKG-A-DONE/close", {"on": "2026-01-15"}, expect(coord=200)),
    # the coordinator passes the gate; the domain keeps the package's only line (reject the package instead)
    (
        "POST",
        "/packages/{package_id}/lines/{line_no}/cancel",
        "/packages/PKG-A-DRAFT/lines/1/cancel",
        {"reason": "moved to the next list"},
        expect(coord=422),
    ),
    # who agrees before the seller decides (issue 17, item 2)
    ("POST", "/packages/{package_id}/validation", "/packages/PKG-A-CONC/validation", None, expect(coord=200)),
    (
        "POST",
        "/packages/{package_id}/return",
        "/packages/PKG-A-CONC/return",
        {"reasons": "reasons-of-return-A"},
        expect(coord=200),
    ),
    # only a funder whose pledge pays for it: FUND-A's PLEDGE-A1 does, FUND-B's nothing
    ("POST", "/packages/{package_id}/concurrences", "/packages/PKG-A-CONC/concurrences", {}, expect(fund=(200, 404))),
    ("GET", "/approval-steps", "/approval-steps", None, EVERYONE),
    # the list's monthly versions (issue 17, item 1): REC-A's, approved by REC-A, COORD-A and SELL-A
    ("GET", "/list-versions", "/list-versions", None, expect(200, 200, 403, 200, 403, 200)),
    (
        "GET",
        "/list-versions/{version_id}",
        "/list-versions/REC-A-2025-09",
        None,
        expect(rec=(200, 404), coord=200, sell=(200, 404), aud=200),
    ),
    (
        "GET",
        "/list-versions/{version_id}/diff",
        "/list-versions/REC-A-2025-09/diff?against=REC-A-2025-09",
        None,
        expect(rec=(200, 404), coord=200, sell=(200, 404), aud=200),
    ),
    (
        "POST",
        "/list-versions",
        "/list-versions",
        {"recipient": "REC-A", "month": "2025-10", "coordinator": "COORD-A", "seller": "SELL-A"},
        expect(rec=(201, 403), coord=201),
    ),
    (
        "POST",
        "/list-versions/{version_id}/approvals",
        "/list-versions/REC-A-2025-09/approvals",
        {},
        expect(rec=(200, 404), coord=(200, 403), sell=(200, 404)),
    ),
    (
        "POST",
        "/requirements/{requirement_id}/return",
        "/requirements/RQ-A-SUB/return",
        {"reason": "reason-of-return-A"},
        expect(coord=200),
    ),
    ("PUT", "/approval-steps/{mechanism}", "/approval-steps/drone_deal", {"steps": ["concurrence"]}, expect(coord=200)),
    # --- contracts ----------------------------------------------------------------------
    ("GET", "/contracts", "/contracts", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/contracts/{contract_id}", "/contracts/CT-A", None, expect(**SHARED_READ, supp=(200, 404))),
    # --- the evidence (issue 18): documents and findings follow contract CT-A ---------------
    (
        "POST",
        "/documents",
        "/documents",
        Upload(
            {"file": ("loa.pdf", b"%PDF-1.4 another letter")}, {"record": "contract:CT-A", "type": "loa", "lang": "en"}
        ),
        expect(rec=(201, 422), coord=201, fund=(201, 422), sell=(201, 422), supp=(201, 422), aud=201),
    ),
    ("GET", "/documents/{document_id}", "/documents/DOC-A", None, expect(**SHARED_READ, supp=(200, 404))),
    (
        "GET",
        "/documents/{document_id}/content",
        "/documents/DOC-A/content",
        None,
        expect(**SHARED_READ, supp=(200, 404)),
    ),
    # a confidential document: its record and hash for whoever reads the contract, its title
    # and bytes for the contract's buyer and supplier (and the any-scope roles)
    ("GET", "/documents/{document_id}", "/documents/DOC-A-CONF", None, expect(**SHARED_READ, supp=(200, 404))),
    (
        "GET",
        "/documents/{document_id}/content",
        "/documents/DOC-A-CONF/content",
        None,
        expect(rec=(403, 404), coord=200, fund=(403, 404), sell=(200, 404), supp=(200, 404), aud=200),
    ),
    (
        "POST",
        "/findings",
        "/findings",
        {
            "record": "contract:CT-A",
            "severity": "low",
            "criteria": "c",
            "condition": "d",
            "due": "2026-02-01",
            "on": "2025-12-01",
        },
        expect(aud=201),
    ),
    ("GET", "/findings/{finding_id}", "/findings/FND-A", None, expect(**SHARED_READ, supp=(200, 404))),
    (
        "POST",
        "/findings/{finding_id}/response",
        "/findings/FND-A/response",
        {"response": "fixed", "on": "2025-12-01", "evidence": ["DOC-A"]},
        expect(rec=(403, 404), fund=(403, 404), sell=(200, 404), supp=(200, 404)),
    ),
    (
        "POST",
        "/findings/{finding_id}/close",
        "/findings/FND-A/close",
        {"resolution": "ok", "on": "2025-12-01"},
        expect(aud=200),
    ),
    (
        "POST",
        "/findings/{finding_id}/reopen",
        "/findings/FND-A-CLOSED/reopen",
        {"reason": "not fixed", "due": "2026-02-01", "on": "2025-12-01"},
        expect(aud=200),
    ),
    ("GET", "/reports/findings", "/reports/findings", None, EVERYONE),
    # a contract is signed by its buyer; the package must be visible (422 names the field)
    (
        "POST",
        "/contracts",
        "/contracts",
        {
            "package_id": "PKG-A",
            "buyer": "SELL-A",
            "supplier": "SUP-A",
            "signed_on": "2025-12-01",
            "lines": [{"package_line_no": 1, "quantity": 1}],
        },
        expect(rec=(403, 422), sell=(201, 422)),
    ),
    # --- production ---------------------------------------------------------------------
    ("GET", "/facilities", "/facilities", None, expect(200, 200, 403, 200, 200, 200)),
    # FAC-A is shared with the buyer of the contracts ordered there, not with the recipient
    (
        "GET",
        "/facilities/{facility_id}",
        "/facilities/FAC-A",
        None,
        expect(rec=404, coord=200, sell=(200, 404), supp=(200, 404), aud=200),
    ),
    (
        "POST",
        "/facilities",
        "/facilities",
        {"name": "Second line", "country": "US", "owners": [{"party": "SUP-A", "share": "100"}]},
        expect(coord=201, supp=(201, 403)),
    ),
    (
        "POST",
        "/facilities/{facility_id}/capacity",
        "/facilities/FAC-A/capacity",
        {"item": "Item RQ-A", "from_month": "2026-01", "monthly_quantity": 50},
        expect(supp=(200, 404)),
    ),
    ("GET", "/orders", "/orders", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/orders/{order_id}", "/orders/PO-A", None, expect(**SHARED_READ, supp=(200, 404))),
    (
        "POST",
        "/orders",
        "/orders",
        {"facility_id": "FAC-A", "contract_id": "CT-A", "contract_line_no": 1, "quantity": 1, "due": "2026-03-01"},
        expect(supp=(201, 422)),
    ),
    ("POST", "/orders/{order_id}/start", "/orders/PO-A2/start", {"on": "2025-12-01"}, expect(supp=(200, 404))),
    (
        "POST",
        "/orders/{order_id}/lots",
        "/orders/PO-A/lots",
        {"quantity": 1, "produced_on": "2025-12-01"},
        expect(supp=(200, 404)),
    ),
    (
        "POST",
        "/orders/{order_id}/lots/{lot_id}/inspection",
        "/orders/PO-A/lots/PO-A-L002/inspection",
        {"accepted": 1, "on": "2025-12-05"},
        expect(supp=(200, 404)),
    ),
    (
        "POST",
        "/orders/{order_id}/cancel",
        "/orders/PO-A2/cancel",
        {"reason": "no longer needed"},
        expect(supp=(200, 404)),
    ),
    # --- shipments ----------------------------------------------------------------------
    ("GET", "/shipments", "/shipments", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/shipments/{shipment_id}", "/shipments/SH-A1", None, expect(**SHARED_READ, supp=(200, 404))),
    (
        "POST",
        "/shipments",
        "/shipments",
        {"contract_id": "CT-A", "shipped_on": "2025-12-10", "lines": [{"contract_line_no": 1, "quantity": 1}]},
        expect(sell=(201, 422), supp=(201, 422)),
    ),
    # the seller and supplier see the shipment, only the recipient confirms it
    (
        "POST",
        "/shipments/{shipment_id}/receipt",
        "/shipments/SH-A2/receipt",
        {"received_on": "2025-12-20"},
        expect(rec=(200, 404)),
    ),
    (
        "POST",
        "/shipments/{shipment_id}/loss",
        "/shipments/SH-A2/loss",
        {"reason": "lost at sea", "on": "2025-12-20"},
        expect(sell=(200, 404), supp=(200, 404)),
    ),
    # the expected arrival moves by the hand of whoever sent it (issue 17, item 3)
    (
        "POST",
        "/shipments/{shipment_id}/arrival",
        "/shipments/SH-A2/arrival",
        {"expected_arrival": "2026-01-15", "reason": "transport", "on": "2025-12-20"},
        expect(sell=(200, 404), supp=(200, 404)),
    ),
    # --- end-use monitoring (docs/end-use.md) -------------------------------------------
    ("POST", "/end-use/serial-rules", "/end-use/serial-rules", {"category": "air_defence"}, expect(coord=200)),
    ("GET", "/sites", "/sites", None, expect(rec=200, sell=200, aud=200)),
    (
        "POST",
        "/sites",
        "/sites",
        {"party": "REC-A", "code": "DEP-A", "name": "Depot A"},
        expect(rec=(201, 403)),
    ),
    # the scenario holds no serial: the recipient and seller may record, and are told why not
    (
        "POST",
        "/end-use/checks",
        "/end-use/checks",
        {"kind": "initial", "checked_on": "2026-01-10", "site": "DEP-NONE", "serials": ["S-1"]},
        expect(rec=422, sell=422),
    ),
    (
        "POST",
        "/end-use/dispositions",
        "/end-use/dispositions",
        {"kind": "expended", "disposed_on": "2026-01-10", "serials": ["S-1"], "evidence_sha256": "ab" * 32},
        expect(rec=422, sell=422),
    ),
    (
        "POST",
        "/end-use/handovers",
        "/end-use/handovers",
        {"from_site": "DEP-NONE", "to_site": "DEP-NONE-2", "handed_on": "2026-01-10", "serials": ["S-1"]},
        expect(rec=422, sell=422),
    ),
    (
        "POST",
        "/end-use/handovers/{handover_id}/confirmation",
        "/end-use/handovers/HO-NONE/confirmation",
        {"confirmed_on": "2026-01-10"},
        expect(rec=404, sell=404),
    ),
    # every role sees its share of the figures; the public its percentages per category and month
    ("GET", "/reports/end-use", "/reports/end-use?as_of=2026-03-03", None, expect(200, 200, 200, 200, 403, 200, 200)),
    ("GET", "/serials/{serial}", "/serials/S-NONE", None, expect(rec=404, sell=404, aud=404)),
    ("GET", "/serials/{serial}/proof", "/serials/S-NONE/proof", None, expect(rec=404, sell=404, aud=404)),
    # --- the ledger ---------------------------------------------------------------------
    ("GET", "/events", "/events", None, expect(coord=200, aud=200)),
    ("GET", "/events", "/events?stream=pledge:PLEDGE-A1", None, expect(coord=200, fund=(200, 404), aud=200)),
    ("GET", "/events", "/events?stream=package:PKG-A", None, expect(**SHARED_READ)),
    ("GET", "/ledger/verify", "/ledger/verify", None, expect(coord=200, aud=200)),
    ("GET", "/ledger/projections", "/ledger/projections", None, expect(coord=200, aud=200)),
    ("GET", "/me", "/me", None, expect(200, 200, 200, 200, 200, 200, 401)),
    # --- files in and out ----------------------------------------------------------------
    # a funder imports its own pledges only: every row's funder is checked (403 otherwise)
    (
        "POST",
        "/imports/pledges",
        "/imports/pledges",
        csv_upload("pledges.csv", "funder,amount,currency,pledged_on,mechanism\nFUND-A,750.00,USD,2025-12-01,purl\n"),
        expect(coord=200, fund=(200, 403)),
    ),
    (
        "POST",
        "/imports/requirements",
        "/imports/requirements",
        csv_upload(
            "needs.csv",
            "recipient,list_month,priority,rank,item,category,quantity,unit,unit_price,currency\n"
            "REC-A,2025-12,2,4,Generator,engineering,3,unit,1200,USD\n",
        ),
        expect(rec=(200, 403), coord=200),
    ),
    (
        "POST",
        "/imports/fx",
        "/imports/fx",
        csv_upload("eurofxref.csv", "Date,USD,\n2025-12-02,1.1601,\n"),
        expect(coord=200),
    ),
    (
        "POST",
        "/imports/kiel",
        "/imports/kiel",
        csv_upload(
            "data_explorer.csv", KIEL_HEADER + "Germany,DEU,2025,9,0.00001,0,0,0.00001,0.00001,0\n", release="100"
        ),
        expect(coord=200),
    ),
    ("GET", "/exports/ocds", "/exports/ocds?as_of=2026-01-01", None, EVERYONE),
    ("GET", "/reports/kiel", "/reports/kiel?currency=USD", None, EVERYONE),
    ("GET", "/reports/funnel", "/reports/funnel?compare_kiel=true&format=csv", None, EVERYONE),
    ("GET", "/packages/{package_id}/trace", "/packages/PKG-A/trace?format=xlsx", None, expect(**SHARED_READ)),
    # --- the allocation optimiser ---------------------------------------------------------
    ("GET", "/allocation-proposal", "/allocation-proposal?on=2025-09-01&time_limit=2", None, COORDINATOR_AND_AUDITOR),
    ("POST", "/allocations/optimal", "/allocations/optimal", {"on": "2025-09-01", "time_limit": 2}, expect(coord=201)),
    # --- production planning ---------------------------------------------------------------
    ("GET", "/plan-proposal", "/plan-proposal?from=2025-11&horizon=6&time_limit=2", None, COORDINATOR_AND_AUDITOR),
    ("POST", "/plans", "/plans", {"from": "2025-11", "horizon": 6, "time_limit": 2}, expect(coord=201)),
    ("GET", "/plans", "/plans", None, COORDINATOR_AND_AUDITOR),
    ("GET", "/plans/{plan_id}", "/plans/PLAN-A", None, COORDINATOR_AND_AUDITOR),
    (
        "POST",
        "/facilities/{facility_id}/terms",
        "/facilities/FAC-A/terms",
        {"item": "Item RQ-A", "min_batch": 2, "unit_cost": "900", "currency": "USD"},
        expect(supp=(200, 404)),
    ),
    ("POST", "/orders/{order_id}/priority", "/orders/PO-A2/priority", {"priority": 5}, expect(supp=(200, 404))),
    # --- schedules that move and what is late (issue 17, item 3) --------------------------------
    (
        "POST",
        "/orders/{order_id}/reschedule",
        "/orders/PO-A2/reschedule",
        {"due": "2026-05-31", "reason": "component_shortage", "on": "2026-01-10"},
        expect(supp=(200, 404)),
    ),
    (
        "POST",
        "/contracts/{contract_id}/schedule/{entry}/reschedule",
        "/contracts/CT-A/schedule/1/reschedule",
        {"due": "2026-04-30", "reason": "transport", "on": "2026-01-10"},
        expect(sell=(200, 404), supp=(200, 404)),
    ),
    ("GET", "/reports/late", "/reports/late?as_of=2026-12-02", None, expect(200, 200, 200, 200, 200, 200)),
    ("GET", "/todo", "/todo?as_of=2026-12-02", None, expect(200, 200, 200, 200, 200, 200)),
    # --- notifications (issue 17, item 5): every party subscribes for itself to what it may read ----
    (
        "POST",
        "/subscriptions",
        "/subscriptions",
        {"url": "https://hooks.example/in", "events": ["PartyRegistered"], "secret": "whsec_" + "A" * 44},
        expect(201, 201, 201, 201, 201, 201),
    ),
    ("GET", "/subscriptions", "/subscriptions", None, expect(200, 200, 200, 200, 200, 200)),
    # a party changes only its own subscription: the scenario holds none, so each is not found
    # (tests/test_subscription_changes.py changes one's own and is refused another's)
    (
        "POST",
        "/subscriptions/{subscription_id}/state",
        "/subscriptions/SUB-0001/state",
        {"change": "pause"},
        expect(404, 404, 404, 404, 404, 404),
    ),
    # --- contract changes (issue 15 item 4): by the buyer; accepted by the recipient and funders --
    (
        "POST",
        "/contracts/{contract_id}/amendments",
        "/contracts/CT-A/amendments",
        {"rationale": "duration_extension", "schedule": [{"entry": 1, "due": "2026-04-30"}], "on": "2025-10-01"},
        expect(rec=(403, 404), sell=(201, 404)),
    ),
    (
        "POST",
        "/contracts/{contract_id}/amendments/{amendment_id}/accept",
        "/contracts/CT-A-DONE/amendments/CT-A-DONE-A1/accept",
        {"party": "REC-A", "on": "2025-10-26"},
        expect(rec=(200, 404), fund=(403, 404)),
    ),
    (
        "POST",
        "/contracts/{contract_id}/amendments/{amendment_id}/reject",
        "/contracts/CT-A-DONE/amendments/CT-A-DONE-A1/reject",
        {"party": "REC-A", "reason": "too dear", "on": "2025-10-26"},
        expect(rec=(200, 404), fund=(403, 404)),
    ),
    ("GET", "/reports/variance", "/reports/variance", None, expect(200, 200, 200, 200, 403, 200)),
    # --- the transparency log: public; withheld fields for those their level names -----------
    ("GET", "/log/checkpoint", "/log/checkpoint", None, EVERYONE),
    ("GET", "/log/key", "/log/key", None, EVERYONE),
    ("GET", "/log/events", "/log/events?limit=500", None, EVERYONE),
    ("GET", "/log/events/{event}/inclusion", "/log/events/{pledge:PLEDGE-A2}/inclusion", None, EVERYONE),
    ("GET", "/log/consistency", "/log/consistency?old_size=3", None, EVERYONE),
    # confidential: the pledge's funder (who recorded it); never 404, the event is public
    (
        "GET",
        "/log/events/{event}/fields/{field}",
        "/log/events/{pledge:PLEDGE-A2}/fields/note",
        None,
        expect(coord=200, fund=(200, 403), aud=200),
    ),
    # parties: the package's seller, recipient and approvers (no funder funds it)
    (
        "GET",
        "/log/events/{event}/fields/{field}",
        "/log/events/{package:PKG-A-PROP}/fields/title",
        None,
        expect(rec=(200, 403), coord=200, sell=(200, 403), aud=200),
    ),
    # the embargo has passed: public
    ("GET", "/log/events/{event}/fields/{field}", "/log/events/{package:PKG-A-DRAFT}/fields/title", None, EVERYONE),
]

#: the public log and the open data (OCDS) show every field that is not withheld
#: (docs/transparency.md, issue 21): only the markers of withheld fields must never appear in them
WITHHELD_MARKERS = {"note-of-pledge-A2", "title-of-package-A-PROP", "title-of-confidential-document-A"}
PUBLIC_VIEWS = ("/log/events?", "/log/events/", "/exports/ocds")

CALLERS = [(role, side) for role in ROLES for side in ("own", "other")] + [("public", "own")]


def _readable(response) -> str:
    """The body as text to search for markers (an XLSX answer: the text of its cells)."""
    if response.headers.get("content-type", "").startswith(MEDIA_XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row)
    return response.text


def _case_id(case) -> str:
    return f"{case[0]} {case[2]}"


def _leaks(scenario: Scenario, role: str, side: str, body: str, sent: str) -> list[str]:
    if role in ANY:
        return []
    party = scenario.party(role, side)
    markers = MARKERS
    if sent.startswith(PUBLIC_VIEWS) and "/fields/" not in sent:
        markers = {m: allowed for m, allowed in MARKERS.items() if m in WITHHELD_MARKERS}
    return [
        marker for marker, allowed in markers.items() if party not in allowed and marker in body and marker not in sent
    ]


def test_every_endpoint_is_in_the_matrix(api_store):
    published = create_app(api_store).openapi()["paths"]
    operations = {(method.upper(), path.removeprefix(V1)) for path, ops in published.items() for method in ops}
    # 86, the three of late schedules and a shipment's arrival, the needs-action queue and the two of
    # subscriptions (issue 17), documents and findings (9, issue 18), a package line's cancellation (issue 15),
    # validation, return, concurrence and approval steps read and configured (5, issue 17), list versions
    # listed, read, compared, proposed, approved and a line returned to draft (6, issue 17), and the four of
    # contract changes and variance (issue 15 item 4), a subscription paused, resumed or removed (issue 17)
    assert len(operations) == 119
    assert operations == {(case[0], case[1]) for case in CASES}
    # each operation names its policy row, and tells integrators who may call it
    actions = {path: op["x-supplyline-action"] for path, ops in published.items() for op in ops.values()}
    assert set(actions.values()) <= set(POLICY)
    assert actions["/api/v1/shipments/{shipment_id}/receipt"] == "shipment.receive"
    assert published["/api/v1/pledges/{pledge_id}"]["get"]["description"].startswith(
        "Policy action `pledge.read`: coordinator (any), funder (own), auditor (any); not the public."
    )


def test_reads_and_refusals(scenario, copies):
    """Every case whose expected status is not a success, and every read: on one ledger,
    which must not change."""
    store = copies.new()
    before = events_in(store)
    failures = []
    with TestClient(create_app(store)) as client:
        for case in CASES:
            method, _, path, body, expected = case
            path = concrete(path, scenario)
            for role, side in CALLERS:
                status = expected[role, side]
                if method in WRITES and status < 300:
                    continue
                response = send(client, method, path, body, scenario.headers(role, side))
                if response.status_code != status:
                    failures.append(
                        f"{_case_id(case)} as {role}/{side}: {response.status_code} != {status} {response.text[:200]}"
                    )
                if status >= 400 and response.headers["content-type"] != "application/problem+json":
                    failures.append(f"{_case_id(case)} as {role}/{side}: not a problem document")
                leaked = _leaks(scenario, role, side, _readable(response), request_text(path, body))
                if leaked:
                    failures.append(f"{_case_id(case)} as {role}/{side} leaked {leaked}")
    assert failures == []
    assert events_in(store) == before


ALLOWED_WRITES = [
    (case, role, side) for case in CASES if case[0] in WRITES for role, side in CALLERS if case[4][role, side] < 300
]


@pytest.mark.parametrize(
    "case,role,side", ALLOWED_WRITES, ids=[f"{_case_id(c)} as {r}/{s}" for c, r, s in ALLOWED_WRITES]
)
def test_allowed_writes_record_party_and_token(scenario, copies, case, role, side):
    method, _, path, body, expected = case
    store = copies.new()
    before = events_in(store)
    with TestClient(create_app(store)) as client:
        response = send(client, method, path, body, scenario.headers(role, side))
    assert response.status_code == expected[role, side], response.text
    assert _leaks(scenario, role, side, response.text, request_text(path, body)) == []
    if path == "/subscriptions":  # configuration, not ledger data: the caller's party subscribed, in its role
        with store.read() as conn:
            subscribed = conn.execute(select(t.subscriptions.c.party, t.subscriptions.c.role)).all()
        assert [tuple(r) for r in subscribed] == [(scenario.party(role, side), role)]
        assert events_in(store) == before
        return
    written = response.json()["events"]  # the events appended, or how many (imports)
    written = written if isinstance(written, int) else len(written)
    assert written and events_in(store) == before + written
    with store.read() as conn:
        rows = conn.execute(select(t.events.c.actor, t.events.c.meta).where(t.events.c.seq > before)).all()
    assert {row.actor for row in rows} == {scenario.party(role, side)}
    assert {json.loads(row.meta)["token"] for row in rows} == {scenario.token_ids[role, side]}
    assert {json.loads(row.meta)["via"] for row in rows} == {"api"}


def test_read_matrix_on_each_database(store, tmp_path):
    """Every read again on a ledger built on each database (the ownership queries run on
    both dialects)."""
    scenario = build(store)
    key = tmp_path / "ledger.key"
    transparency.ensure_key(key, "api.test/ledger")
    failures = []
    with TestClient(create_app(store, Settings(signing_key=str(key)))) as client:
        for case in CASES:
            method, _, path, _body, expected = case
            if method != "GET":
                continue
            path = concrete(path, scenario)
            for role, side in CALLERS:
                response = client.get(V1 + path, headers=scenario.headers(role, side))
                if response.status_code != expected[role, side]:
                    failures.append(
                        f"{_case_id(case)} as {role}/{side}: {response.status_code} != {expected[role, side]}"
                    )
                if _leaks(scenario, role, side, _readable(response), path):
                    failures.append(f"{_case_id(case)} as {role}/{side} leaked")
    assert failures == []

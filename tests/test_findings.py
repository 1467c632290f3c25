"""Audit findings (issue 18) on the demo ledger: one closed and made public (FND-NL-1 on
CT-NL-1), one open (FND-DD-1 on lot PO-DD-1-L001 of order PO-DD-1). Their ages and aging bands, who sees which,
the trace's flag, and the steps a finding's state refuses (nothing written). Real SQLite."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.access import ANONYMOUS
from supplyline.domain.errors import InvalidInput, RuleViolation, TransitionRefused
from supplyline.domain.values import today_utc
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.evidence import findings
from supplyline.services.reads import reports
from test_dashboard_sessions import sign_in

AUDITOR = Actor("NATO-NSATU", via="test")


def test_findings_are_reported_with_their_ages_seen_with_their_record_and_flagged_in_the_trace(
    demo_sqlite_url, demo_store
):
    open_days = (today_utc() - date(2026, 1, 15)).days
    listed = json.loads(CliRunner().invoke(app, ["--db", demo_sqlite_url, "report", "findings", "--json"]).stdout)
    assert [(f["id"], f["record"], f["state"], f["age_days"], f["overdue"], f["evidence"]) for f in listed] == [
        ("FND-NL-1", "contract:CT-NL-1", "closed", 19, False, ["DOC-0002"]),
        ("FND-DD-1", "lot:PO-DD-1-L001", "open", open_days, True, ["DOC-0003"]),
    ]
    aging = findings.aging(listed)
    assert [b["open"] for b in aging] == [int(lo <= open_days and (hi is None or open_days <= hi)) for lo, hi in
                                          ((0, 30), (31, 90), (91, 365), (366, None))]  # fmt: skip
    assert sum(b["medium"] for b in aging) == 1 and sum(b["low"] for b in aging) == 0

    with demo_store.read() as conn:
        assert reports.trace(conn, "PKG-DD-1")["open_findings"] == [{"record": "lot:PO-DD-1-L001", "open": 1}]
        assert reports.trace(conn, "PKG-NL-1")["open_findings"] == []

    funder = tokens.issue_token(demo_store, Actor("operator"), tokens.IssueToken("NL-GOV", "funder", "f")).secret
    with TestClient(create_app(demo_store)) as client:
        public = client.get("/api/v1/reports/findings").json()["findings"]
        # the closed finding its auditor made public, texts and all; the open one is the order's parties'
        assert [(f["id"], f["criteria"]) for f in public] == [
            ("FND-NL-1", "An acceptance certificate is signed within 14 days of the receipt it certifies")
        ]
        seen = client.get("/api/v1/reports/findings", headers={"Authorization": f"Bearer {funder}"}).json()
        assert [f["id"] for f in seen["findings"]] == ["FND-NL-1"]
        assert client.get("/api/v1/findings/FND-DD-1", headers={"Authorization": f"Bearer {funder}"}).status_code == 404
        order = client.get("/api/v1/orders/PO-DD-1", headers={"Authorization": f"Bearer {funder}"})
        assert order.status_code == 404

    # refusals name the field and write nothing
    before = event_count(demo_store)
    refused = [
        (findings.CloseFinding(finding_id="FND-NL-1", resolution="again", on="2026-01-01"), TransitionRefused),
        (
            findings.RespondToFinding(finding_id="FND-DD-1", response="x", evidence=("DOC-0001",), on="2026-01-20"),
            InvalidInput,
        ),
        (findings.ReopenFinding(finding_id="FND-NL-1", reason="no", due="2025-12-01", on="2025-12-02"), RuleViolation),
        (findings.CloseFinding(finding_id="FND-DD-1", resolution="ok", on="2026-01-14"), RuleViolation),
    ]
    for cmd, error in refused:
        with pytest.raises(error):
            bus.handle(demo_store, AUDITOR, cmd)
    assert event_count(demo_store) == before

    # reopened, it is no longer public, and its record is flagged again
    bus.handle(demo_store, AUDITOR, findings.ReopenFinding(finding_id="FND-NL-1", reason="the certificate is unsigned",
                                                           due="2026-03-01", on="2026-01-20"))  # fmt: skip
    with demo_store.read() as conn:
        assert reports.trace(conn, "PKG-NL-1")["open_findings"] == [{"record": "contract:CT-NL-1", "open": 1}]
        assert findings.findings(conn, ANONYMOUS, on=today_utc()) == []


def test_a_record_with_an_open_finding_flags_the_funnel_figures_it_contributes_to(demo_store):
    """FND-DD-1 is open on lot PO-DD-1-L001: the contracted figure of the contract line its order was
    placed for carries the flag (the United States pays for the Drone Deal's line); reopening
    FND-NL-1 flags CT-NL-1's figures, the Netherlands', at each stage they reach (issue 18).
    The public, from whom the Drone Deal's contract figures are withheld, sees no flag on
    figures it is not shown."""
    with demo_store.read() as conn:
        flagged = {row["funder"]: row["open_findings"] for row in reports.funnel(conn, "USD")["funders"]}
    assert {funder: stages for funder, stages in flagged.items() if stages} == {"US-GOV": {"contracted": 1}}
    auditor = tokens.issue_token(demo_store, Actor("operator"), tokens.IssueToken("NATO-NSATU", "auditor", "a"))
    with TestClient(create_app(demo_store, read_cache=False)) as client:
        bearer = {"Authorization": f"Bearer {auditor.secret}"}
        rows = client.get("/api/v1/reports/funnel", params={"currency": "USD"}, headers=bearer).json()["funders"]
        assert {r["funder"]: r["open_findings"] for r in rows if r["open_findings"]} == {"US-GOV": {"contracted": 1}}
        public = client.get("/api/v1/reports/funnel", params={"currency": "USD"}).json()["funders"]
        assert [r["open_findings"] for r in public if r["open_findings"]] == []
        assert sign_in(client, auditor.secret).status_code == 303
        overview = client.get("/").text
        assert re.findall(r'<tr data-funder="([A-Z-]+)">(?:(?!</tr>).)*data-stage="(\w+)"', overview) == [
            ("US-GOV", "contracted")
        ]

    bus.handle(demo_store, AUDITOR, findings.ReopenFinding(finding_id="FND-NL-1", reason="unsigned",
                                                           due="2026-03-01", on="2026-01-20"))  # fmt: skip
    with demo_store.read() as conn:
        again = {row["funder"]: row["open_findings"] for row in reports.funnel(conn, "USD")["funders"]}
    assert again["NL-GOV"] == {"contracted": 1, "delivered": 1}
    assert again["US-GOV"] == {"contracted": 1}

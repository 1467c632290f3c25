"""The package's approval checklist, who did what when (issue 17 item 2), in its trace (the
service, the API and the CLI) and in the OCDS export as approval milestones."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.interchange import opendata
from supplyline.services.reads import trace
from test_ocds_export import PUBLICATION

OPERATOR = Actor("operator", via="test")
NL_TRAIL = [
    {"step": "validation", "party": "NATO-NSATU", "verdict": "validated", "on": "2025-08-08"},
    {"step": "concurrence", "party": "NL-GOV", "verdict": "concur", "on": "2025-08-08"},
    {"step": "decision", "party": "US-GOV", "verdict": "approve", "on": "2025-08-12"},
]


def test_the_trace_names_who_agreed_to_the_package_and_when(demo_store, demo_sqlite_url):
    with demo_store.read() as conn:
        assert trace.trace(conn, "PKG-NL-1")["approvals"] == NL_TRAIL
        # the rejected Canadian package: validated, Canada concurred, the US rejected it
        assert [(a["step"], a["party"], a["verdict"], a["on"]) for a in trace.trace(conn, "PKG-CA-1")["approvals"]] == [
            ("validation", "NATO-NSATU", "validated", "2025-09-04"),
            ("concurrence", "CA-GOV", "concur", "2025-09-04"),
            ("decision", "US-GOV", "reject", "2026-12-03"),
        ]
    secret = tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken(party="NL-GOV", role="funder")).secret
    api = TestClient(create_app(demo_store, read_cache=False)).get(
        "/api/v1/packages/PKG-NL-1/trace", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.status_code == 200 and api.json()["approvals"] == NL_TRAIL
    cli = CliRunner().invoke(app, ["--db", demo_sqlite_url, "report", "trace", "PKG-NL-1"], env={"COLUMNS": "200"})
    assert "2025-08-08: concurrence — NL-GOV concur" in cli.output
    assert "2025-08-12: decision — US-GOV approve" in cli.output
    as_json = json.loads(
        CliRunner().invoke(app, ["--db", demo_sqlite_url, "report", "trace", "PKG-NL-1", "--json"]).output
    )
    assert as_json["approvals"] == NL_TRAIL


def test_ocds_lists_the_checklist_as_approval_milestones_before_the_decisions(demo_store):
    with demo_store.read() as conn:
        package = opendata.release_package(conn, PUBLICATION)
    releases = {r["ocid"].removeprefix("ocds-splyln-PKG-"): r for r in package["releases"]}

    def milestones(pid: str) -> list[tuple]:
        return [
            (m["id"], m.get("title"), m["status"], m.get("dateMet", m.get("dateModified", ""))[:10])
            for m in releases[pid]["tender"]["milestones"]
        ]

    # PKG-DEC-1 waits on Poland: validated, two funders concurred, the seller's decision scheduled
    assert milestones("DEC-1") == [
        ("step-1", "Validated by NATO-NSATU", "met", "2025-12-09"),
        ("step-2", "Concurrence of DE-GOV", "met", "2025-12-09"),
        ("step-3", "Concurrence of NO-GOV", "met", "2025-12-09"),
        ("approval-1", "Decision of US-GOV", "scheduled", ""),
    ]
    assert milestones("CA-1") == [
        ("step-1", "Validated by NATO-NSATU", "met", "2025-09-04"),
        ("step-2", "Concurrence of CA-GOV", "met", "2025-09-04"),
        ("decision-1", "Decision of US-GOV: reject", "notMet", "2026-12-03"),
    ]
    assert releases["CA-1"]["tender"]["status"] == "unsuccessful"

"""Money by stage on every surface (issue 15 item 5): `report money`, the API and the
dashboard give the same figures to the cent for every funder; the page speaks English and
Ukrainian, a funder sees its own pledges only and the public none."""

from __future__ import annotations

import json
import re
from datetime import date

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.money_flow.money_report import PLEDGE_STAGES, money_report
from test_dashboard_sessions import sign_in

OPERATOR = Actor("operator", via="test")
runner = CliRunner()


def _token(store, party: str, role: str) -> str:
    return tokens.issue_token(store, OPERATOR, tokens.IssueToken(party=party, role=role)).secret


def _cells(html: str, table: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-(?:funder|pledge)="([^"]+)"[^>]*>(.*?)</tr>', body, flags=re.S)
    return {key: re.findall(r'<td class="num">([^<]*)</td>', row) for key, row in rows}


def test_report_api_and_dashboard_agree_to_the_cent_for_every_funder(demo_store, demo_sqlite_url):
    cli = runner.invoke(
        app,
        ["--db", demo_sqlite_url, "report", "money", "--currency", "USD", "--on", date.today().isoformat(), "--json"],
    )
    assert cli.exit_code == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    auditor = _token(demo_store, "NATO-NSATU", "auditor")
    client = TestClient(create_app(demo_store, read_cache=False))
    api = client.get("/api/v1/reports/money?currency=USD", headers={"Authorization": f"Bearer {auditor}"})
    assert api.status_code == 200, api.text
    assert api.json()["funders"] == from_cli["funders"]
    assert api.json()["pledges"] == from_cli["pledges"]
    nl = next(f for f in from_cli["funders"] if f["funder"] == "NL-GOV")
    dk = next(p for p in from_cli["pledges"] if p["pledge"] == "PL-DK-2025-08")
    # Denmark: USD 90 M committed and paid in, 89 M allocated, transferred, obligated and spent on the Nordic package
    assert [dk[s] for s in PLEDGE_STAGES] == [
        "90000000.00",
        "90000000.00",
        "89000000.00",
        "1000000.00",
        "89000000.00",
        "89000000.00",
        "89000000.00",
        "0.00",
        "0.00",
    ]
    sign_in(client, auditor)
    page = client.get("/money?currency=USD")
    assert page.status_code == 200
    shown = _cells(page.text, "money-by-funder")
    for funder in from_cli["funders"]:
        assert shown[funder["funder"]] == [f"{float(funder[s]):,.2f}" for s in PLEDGE_STAGES], funder["funder"]
    assert shown["NL-GOV"][0] == f"{float(nl['committed']):,.2f}"


def test_a_funder_sees_its_own_pledges_and_the_public_none(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    public = client.get("/money")
    assert public.status_code == 403 and 'id="not-shown"' in public.text
    assert 'id="money-by-pledge"' not in public.text
    sign_in(client, _token(demo_store, "DK-GOV", "funder"))
    page = client.get("/money?lang=uk")
    assert page.status_code == 200
    assert "Кошти за етапами" in page.text and "Зобов&#39;язано" in page.text, page.text[:3000]
    assert list(_cells(page.text, "money-by-pledge")) == ["PL-DK-2025-08"]
    with demo_store.read() as conn:
        mine = money_report(conn, funder="DK-GOV")
    assert [p["pledge"] for p in mine["pledges"]] == ["PL-DK-2025-08"]


def test_the_package_page_links_to_its_money(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    sign_in(client, _token(demo_store, "NATO-NSATU", "coordinator"))
    page = client.get("/packages/PKG-NL-1")
    assert 'href="/money?package=PKG-NL-1"' in page.text
    money = client.get("/money?package=PKG-NL-1")
    assert list(_cells(money.text, "money-by-pledge")) == ["PL-NL-2025-08"]

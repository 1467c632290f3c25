"""Money by stage on every surface (issue 15 item 5): `report money`, the API and the
dashboard give the same figures to the cent for every funder; the page speaks English and
Ukrainian, a funder sees its own pledges only and the public none."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.interchange import opendata
from supplyline.services.money_flow.money_report import PLEDGE_STAGES, money_report
from test_dashboard_sessions import sign_in
from test_ocds_export import PUBLICATION

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
    # each funder's own money, in its pledges' currencies: report, API, the page's pledge rows and OCDS
    own = _per_funder_in_pledge_currency(from_cli["pledges"])
    assert _per_funder_in_pledge_currency(api.json()["pledges"]) == own
    on_page = _cells(page.text, "money-by-pledge")
    page_rows = [
        {
            "funder": p["funder"],
            "currency": p["currency"],
            # shown as "EUR 1,234.00": the figure without the currency and separators
            **{s: re.sub(r"[^0-9.-]", "", cell) for s, cell in zip(PLEDGE_STAGES, on_page[p["pledge"]], strict=True)},
        }
        for p in from_cli["pledges"]
    ]
    assert _per_funder_in_pledge_currency(page_rows) == own
    with demo_store.read() as conn:
        published = _ocds_per_funder(opendata.release_package(conn, PUBLICATION))
    assert set(published) >= {"NL-GOV", "DK-GOV", "NO-GOV", "SE-GOV", "DE-GOV", "CA-GOV", "PL-GOV"}
    for funder, stages in published.items():
        for (stage, currency), amount in stages.items():
            assert own[funder][(stage, currency)] == amount, (funder, stage, currency)
    # the Netherlands: EUR 482,713,915.29 still allocated; its supplier paid EUR 248,075,278.02 of it
    assert (own["NL-GOV"][("allocated", "EUR")], own["NL-GOV"][("expended", "EUR")]) == (
        Decimal("482713915.29"),
        Decimal("248075278.02"),
    )
    assert published["SE-GOV"] == {
        ("allocated", "USD"): Decimal(275_000_000),
        ("expended", "USD"): Decimal(235_000_000),
    }


def test_the_overview_and_package_pages_show_the_stages_in_english_and_ukrainian(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    assert 'id="money-stages"' not in client.get("/").text  # the public sees no stages
    auditor = _token(demo_store, "NATO-NSATU", "auditor")
    sign_in(client, auditor)
    with demo_store.read() as conn:
        report = money_report(conn, currency="USD", on=date.today())
    overview = client.get("/?currency=USD")
    shown = _cells(overview.text, "money-stages")
    assert {f["funder"]: shown[f["funder"]] for f in report["funders"]} == {
        f["funder"]: [f"{float(f[s]):,.2f}" for s in PLEDGE_STAGES] for f in report["funders"]
    }
    assert shown["DK-GOV"][:3] == ["90,000,000.00", "90,000,000.00", "89,000,000.00"]
    assert "Money by stage per funder" in overview.text
    assert "Кошти за етапами за донорами" in client.get("/?currency=USD&lang=uk").text
    assert "Кошти за етапами за донорами" in client.get("/?currency=USD").text  # the choice is remembered
    client.get("/?lang=en")
    page = client.get("/packages/PKG-NORDIC-1")
    rows = _cells(page.text, "package-money")
    # Sweden's USD 275 M allocated and transferred; 235 M obligated and paid to the supplier; nothing released
    assert [re.sub(r"[^0-9.]", "", c) for c in rows["PL-SE-2025-08"]] == [
        "275000000.00",
        "275000000.00",
        "235000000.00",
        "235000000.00",
        "0.00",
    ]
    assert 'data-stage="expended" data-funder="SE-GOV"' in page.text and "INV-US-PRIME-A-0121" in page.text
    uk = client.get("/packages/PKG-NORDIC-1?lang=uk").text
    assert "Кошти цього пакета за етапами" in uk and "сплачено постачальнику" in uk


def _per_funder_in_pledge_currency(pledges: list[dict]) -> dict[str, dict[tuple[str, str], Decimal]]:
    out: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for p in pledges:
        for stage in PLEDGE_STAGES:
            out[p["funder"]][(stage, p["currency"])] += Decimal(p[stage].replace(",", ""))
    return out


def _ocds_per_funder(package: dict) -> dict[str, dict[tuple[str, str], Decimal]]:
    """Allocated (the budget breakdown: amount x rate, to the cent, when stated in the package's
    currency) and expended (the payments) per funder, in its pledges' currencies; a funder with
    a withheld amount is left out."""
    out: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    hidden = set()
    for release in package["releases"]:
        for entry in release["planning"]["budget"].get("budgetBreakdown", []):
            funder = entry.get("sourceParty", {}).get("id")
            if "amount" not in entry or funder is None:
                hidden.add(funder)
                continue
            amount = entry["amount"]
            for rate in amount.get("exchangeRates", []):  # given in the package's currency: the pledge's side
                amount = {"amount": round(amount["amount"] * rate["rate"], 2), "currency": rate["currency"]}
            out[funder][("allocated", amount["currency"])] += amount["amount"]
        for contract in release.get("contracts", []):
            for tx in contract.get("implementation", {}).get("transactions", []):
                out[tx["payer"]["id"]][("expended", tx["value"]["currency"])] += tx["value"]["amount"]
    return {funder: dict(stages) for funder, stages in out.items() if funder not in hidden}


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


def test_the_money_page_takes_a_currency_as_typed_and_refuses_a_bad_one_in_words(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    sign_in(client, _token(demo_store, "DK-GOV", "funder"))
    typed, upper = client.get("/money?currency=eur"), client.get("/money?currency=EUR")
    assert typed.status_code == 200 and list(_cells(typed.text, "money-by-pledge")) == ["PL-DK-2025-08"]
    for table in ("money-by-funder", "money-by-pledge", "money-by-package"):
        assert _cells(typed.text, table) == _cells(upper.text, table)
    bad = client.get("/money?currency=XX1")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    assert "Input not accepted" in bad.text and "currency: must be a three-letter" in bad.text

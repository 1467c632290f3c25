"""The demo's price rise (issue 15 item 4) on every surface: the contract's API answer, the
variance report (CLI figures in tests/test_amendments.py), the package page in English and
Ukrainian, and OCDS ``contracts[].amendments``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.engines.interchange.ocds import Publication
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.interchange.opendata import release_package
from test_dashboard_sessions import sign_in

OPERATOR = Actor("operator", via="test")


def _secret(store, party="NATO-NSATU", role="coordinator") -> str:
    return tokens.issue_token(store, OPERATOR, tokens.IssueToken(party=party, role=role)).secret


def test_the_contract_answer_keeps_the_signed_terms_and_the_change(demo_store):
    client = TestClient(create_app(demo_store))
    headers = {"Authorization": f"Bearer {_secret(demo_store)}"}
    contract = client.get("/api/v1/contracts/CT-DE-1", headers=headers).json()
    [change] = contract["amendments"]
    assert {k: change[k] for k in ("amendment_id", "kind", "rationale", "state", "effective_on", "awaiting")} == {
        "amendment_id": "CT-DE-1-A1",
        "kind": "amendment",
        "rationale": "item_price_variation",
        "state": "in_force",
        "effective_on": "2026-01-27",
        "awaiting": ["UA-MOD", "DE-GOV"],
    }
    assert change["accepted"] == ["UA-MOD", "DE-GOV"]
    assert change["lines"] == [
        {
            "line_no": 1,
            "old_quantity": 10,
            "new_quantity": 10,
            "old_unit_price": "18000000.00",
            "new_unit_price": "20000000.00",
        }
    ]
    assert contract["lines"][0]["unit_price"] == "20000000.00"

    report = client.get("/api/v1/reports/variance?package=PKG-DE-1", headers=headers).json()
    radar = next(line for line in report["lines"] if line["contract_id"] == "CT-DE-1" and line["line_no"] == 1)
    assert [radar[k] for k in ("estimate", "package", "original", "current", "delivered")] == [
        "USD 180,000,000.00",
        "USD 180,000,000.00",
        "USD 180,000,000.00",
        "USD 200,000,000.00",
        "USD 0.00",
    ]
    assert radar["reasons"] == "CT-DE-1-A1 item_price_variation (in_force)"
    assert report["withheld"] == 0
    # a supplier reads no variance; the public neither
    supplier = {"Authorization": f"Bearer {_secret(demo_store, 'US-PRIME-B', 'supplier')}"}
    assert client.get("/api/v1/reports/variance", headers=supplier).status_code == 403
    assert client.get("/api/v1/reports/variance").status_code == 401


def test_the_package_page_shows_the_change_and_the_variance_in_english_and_ukrainian(demo_store):
    client = TestClient(create_app(demo_store))
    assert sign_in(client, _secret(demo_store)).status_code == 303
    en = client.get("/packages/PKG-DE-1").text
    assert 'id="amendments"' in en and "Contract changes" in en
    assert 'data-amendment="CT-DE-1-A1"' in en and "line 1: 10 × 18,000,000.00 → 10 × 20,000,000.00" in en
    assert "USD 200,000,000.00" in en and "Variance: estimate to delivery" in en
    uk = client.get("/packages/PKG-DE-1?lang=uk").text
    assert (
        "Зміни контрактів" in uk
        and "рядок 1: 10 × 18\xa0000\xa0000,00 → 10 × 20\xa0000\xa0000,00" in uk
        and "чинна" in uk
    )
    assert client.get("/packages/PKG-NL-1?lang=en").text.count("No change to a contract of this package.") == 1


def test_ocds_publishes_the_amendment_in_force_without_its_withheld_description(demo_store):
    from datetime import UTC, date, datetime

    publication = Publication("ocds-test", "urn:test", "NATO", datetime(2026, 12, 3, tzinfo=UTC), date(2026, 12, 3))
    with demo_store.read() as conn:
        package = release_package(conn, publication)
    [release] = [r for r in package["releases"] if r["ocid"] == "ocds-test-PKG-DE-1"]
    [contract] = release["contracts"]
    [amendment] = contract["amendments"]
    assert amendment["id"] == "CT-DE-1-A1"
    assert amendment["rationale"] == "item_price_variation: Variation of the item price"
    assert "description" not in amendment  # among the parties by default
    assert amendment["releaseID"].startswith("PKG-DE-1-") and amendment["amendsReleaseID"].startswith("PKG-DE-1-")
    assert int(amendment["amendsReleaseID"].rsplit("-", 1)[1]) < int(amendment["releaseID"].rsplit("-", 1)[1])
    assert amendment["date"].startswith("20")
    assert contract["value"]["amount"] == 200000000 + 295000000 + 20000000

"""Every record kind has its page (issue 21 item 1): a party (a funder's says where its money
went, agreeing to the cent with `report money`), a pledge, a requirement, a contract, a shipment
and its receipt, a production order, a facility and an event of the log. Each shows what the API
shows the viewer (withheld fields say until when), answers 404 where the API would, lists the
record's history in words and links the records around it. The demo ledger, real databases."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from conftest import OPERATOR
from supplyline.api import create_app
from supplyline.services.access import tokens
from supplyline.services.demo_ledger import demo
from supplyline.services.money_flow.money_report import money_report
from test_dashboard_sessions import sign_in


def _client(store, party: str | None = None, role: str = "funder") -> TestClient:
    client = TestClient(create_app(store, read_cache=False))
    if party is not None:
        secret = tokens.issue_token(store, OPERATOR, tokens.IssueToken(party, role, "pages")).secret
        assert sign_in(client, secret).status_code == 303
        client.headers["Authorization"] = f"Bearer {secret}"  # the API, asked the same, as the same party
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _cells(html: str, row_pattern: str) -> list[str]:
    row = re.search(row_pattern + r".*?</tr>", html, re.S)
    assert row, row_pattern
    return [_text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row[0], re.S)]


@pytest.fixture
def demo_db(store):
    """The demo loaded into a fresh database of each backend."""
    demo.load(store)
    return store


def test_the_funders_page_says_where_its_money_went_to_the_cent(demo_db):
    funder = _client(demo_db, "NL-GOV")
    page = funder.get("/parties/NL-GOV")
    assert page.status_code == 200
    with demo_db.read() as conn:
        report = money_report(conn, funder="NL-GOV")
    (pledge,) = report["pledges"]
    (package,) = report["packages"]
    assert (pledge["committed"], pledge["allocated"], pledge["unallocated"]) == (
        "500000000.00",
        "482713915.29",
        "17286084.71",
    )
    # committed, not yet allocated, allocated, contracted, delivered, paid to the supplier
    assert _cells(page.text, r'<tr class="pledge" data-pledge="PL-NL-2025-08">') == [
        "PL-NL-2025-08",
        "EUR 500,000,000.00",
        "EUR 17,286,084.71",
        "EUR 482,713,915.29",
        "EUR 482,713,915.29",
        "EUR 274,952,463.26",
        "EUR 248,075,278.02",
    ]
    assert package["allocated"] == "482713915.29" and package["expended"] == "248075278.02"
    assert _cells(page.text, r'<tr class="package" data-pledge="PL-NL-2025-08" data-package="PKG-NL-1">') == [
        "↳ PKG-NL-1",
        "",
        "",
        "EUR 482,713,915.29",
        "EUR 482,713,915.29",
        "EUR 274,952,463.26",
        "EUR 248,075,278.02",
    ]
    assert '<a href="/pledges/PL-NL-2025-08">' in page.text and '<a href="/packages/PKG-NL-1">' in page.text
    # the funnel at a glance, as the overview counts it
    assert "Pledged USD 578.5 M" in _text(page.text)
    # the coordinator reads the same figures; another funder and the public read no money table
    coordinator = _client(demo_db, "NATO-NSATU", "coordinator")
    figures = _cells(coordinator.get("/parties/NL-GOV").text, r'<tr class="pledge" data-pledge="PL-NL-2025-08">')
    assert figures[2] == "EUR 17,286,084.71"
    assert 'id="money"' not in _client(demo_db, "DE-GOV").get("/parties/NL-GOV").text
    public = _client(demo_db).get("/parties/NL-GOV")
    assert public.status_code == 200 and 'id="money"' not in public.text
    # every kind's page reads on this database too: the coordinator sees each, the public none
    anyone = _client(demo_db)
    for path, words in {
        "/pledges/PL-US-DD-2025": "Not yet allocated USD 10,000,000.00",
        "/requirements/REQ-01": "Package lines that hold it PKG-NL-1 line 1: 120",
        "/contracts/DD-PA-1": "Production orders PO-DD-1 PO-DD-2 Shipments SH-DD-1",
        "/shipments/SH-NL-2": "4 spare parts sets damaged in transit",
        "/orders/PO-DD-1": "Shipments that carried its lots SH-DD-1",
        "/facilities/FAC-JV-1": "Naval surface drone 2025-11 4",
        "/ledger/events/1": "Event of the ledger",
    }.items():
        shown = coordinator.get(path)
        assert shown.status_code == 200 and words in _text(shown.text), path
        assert anyone.get(path).status_code == (200 if path.startswith("/ledger") else 404), path


def test_each_record_page_as_the_public_a_funder_and_the_coordinator(demo_store):
    public, funder = _client(demo_store), _client(demo_store, "NL-GOV")
    coordinator = _client(demo_store, "NATO-NSATU", "coordinator")
    expected = {
        "/pledges/PL-NL-2025-08": ("Not yet allocated EUR 17,286,084.71", 404, 200, 200),
        "/requirements/REQ-01": ("Patriot PAC-3 MSE interceptor", 404, 200, 200),
        "/contracts/CT-NL-1": ("Funded by Netherlands ( PL-NL-2025-08 )", 404, 200, 200),
        "/shipments/SH-NL-2": ("Received on 2025-12-02", 404, 200, 200),
        "/orders/PO-DD-1": ("Quantity 6000", 404, 404, 200),
        "/facilities/FAC-JV-1": ("Owners UA-DRONE-CO (51 %), US-DRONE-CO (49 %)", 404, 404, 200),
        "/parties/US-GOV": ("Country US", 200, 200, 200),
        "/pledges/PL-DE-2025-08": ("Mechanism purl", 404, 404, 200),
        "/shipments/NO-SUCH": ("", 404, 404, 404),
    }
    for path, (words, *statuses) in expected.items():
        for client, status in zip((public, funder, coordinator), statuses, strict=True):
            page = client.get(path)
            assert page.status_code == status, (path, status)
            if status == 404:
                assert "does not exist or is not visible" in _text(page.text)
        if words:
            assert words in _text(coordinator.get(path).text), path
    # the API answers the same: what the page hides, the API does not show either
    assert funder.get("/api/v1/orders/PO-DD-1").status_code == 404
    assert funder.get("/api/v1/pledges/PL-NL-2025-08").status_code == 200


def test_the_chain_runs_from_pledge_to_receipt_in_links(demo_store):
    funder = _client(demo_store, "NL-GOV")
    pledge = funder.get("/pledges/PL-NL-2025-08").text
    for link in ("/packages/PKG-NL-1", "/contracts/CT-NL-1", "/shipments/SH-NL-2", "/parties/NL-GOV"):
        assert f'<a href="{link}">' in pledge, link
    assert _cells(pledge, r'<tr data-shipment="SH-NL-2">') == [
        "2025-12-02",
        "Patriot PAC-3 MSE interceptor",
        "60",
        "SH-NL-2",
        "CT-NL-1",
        "PKG-NL-1",
        "NL-GOV ( PL-NL-2025-08 )",
        "USD 240,000,000.00",
    ]
    shipment = funder.get("/shipments/SH-NL-2").text
    assert '<a href="/contracts/CT-NL-1">' in shipment and '<a href="/pledges/PL-NL-2025-08">' in shipment
    assert "4 spare parts sets damaged in transit" in _text(shipment)
    # its history in words, each event linked to its page
    events = re.findall(r'<a href="/ledger/events/(\d+)">([^<#][^<]*)</a>', shipment)
    assert [words for _, words in events] == [
        "UA-MOD: shipment SH-NL-2 serials received",
        "UA-MOD: shipment SH-NL-2 received",
        "US-GOV: shipment SH-NL-2 serials listed",
        "US-GOV: shipment SH-NL-2 dispatched",
    ]
    seq = events[1][0]
    event = funder.get(f"/ledger/events/{seq}")
    assert event.status_code == 200
    assert "UA-MOD: shipment SH-NL-2 received" in _text(event.text)
    assert 'id="record-link" href="/shipments/SH-NL-2"' in event.text
    assert '<a href="/parties/UA-MOD">UA-MOD</a>' in event.text  # who recorded it, a party with its page
    # the public reads the event (the log is public) and is pointed at the record's history in it
    public = _client(demo_store).get(f"/ledger/events/{seq}").text
    assert 'id="record-link" href="/ledger?record=shipment:SH-NL-2"' in public
    assert _client(demo_store).get("/ledger/events/99999").status_code == 404


def test_withheld_fields_say_until_when_as_the_api_withholds_them(demo_store):
    seller = _client(demo_store, "US-GOV", "seller")
    api = seller.get("/api/v1/orders/PO-DD-1").json()
    withheld = {w["field"]: w["embargo"] for w in api["withheld"]}
    assert api["quantity"] is None and withheld["quantity"] == "2027-06-30"
    page = seller.get("/orders/PO-DD-1").text
    assert _cells(page, r"<tr><th>Quantity</th>") == ["Quantity", "withheld until 2027-06-30"]
    # the public funnel of a funder whose figures are all withheld: dates, never 0.00
    party = _client(demo_store).get("/parties/US-GOV").text
    assert "withheld until 2027-12-31" in _text(party) and "0.00" not in _text(party)


def test_every_id_on_the_dashboard_pages_is_a_link(demo_store):
    coordinator = _client(demo_store, "NATO-NSATU", "coordinator")
    overview = coordinator.get("/").text
    assert '<a href="/parties/NL-GOV">Netherlands</a>' in overview
    package = coordinator.get("/packages/PKG-NL-1").text
    for link in ("/requirements/REQ-01", "/contracts/CT-NL-1", "/shipments/SH-NL-2", "/pledges/PL-NL-2025-08"):
        assert f'<a href="{link}">' in package, link
    production = coordinator.get("/production").text
    assert '<a href="/orders/PO-DD-1">' in production and '<a href="/facilities/FAC-JV-1">' in production
    requirements = coordinator.get("/requirements").text
    assert '<a href="/requirements/REQ-01">' in requirements
    money = coordinator.get("/money").text
    assert '<a href="/pledges/PL-NL-2025-08">' in money and '<a href="/parties/NL-GOV">' in money
    ledger = coordinator.get("/ledger").text
    assert re.search(r'<td class="num"><a href="/ledger/events/\d+">\d+</a></td>', ledger)


def test_a_page_links_only_the_kinds_of_record_its_reader_may_open(demo_db):
    """The public reads a package's summary but no contract: the contract ids on the page
    are plain text, where the coordinator's are links that open."""
    public, coordinator = _client(demo_db), _client(demo_db, "NATO-NSATU", "coordinator")
    public_page, coordinator_page = public.get("/packages/PKG-NL-1").text, coordinator.get("/packages/PKG-NL-1").text
    linked = set(re.findall(r'href="(/contracts/[^"]+)"', coordinator_page))
    assert linked == {"/contracts/CT-NL-1"}
    assert coordinator.get("/contracts/CT-NL-1").status_code == 200
    assert re.findall(r'href="/contracts/', public_page) == []
    assert "CT-NL-1" in _text(public_page)
    assert public.get("/contracts/CT-NL-1").status_code == 404

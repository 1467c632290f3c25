"""The ledger page as a browser of the published log (issue 21 item 7): filters, paging,
events in words linked to their record, and the verification read from the last check
rather than redone (and a checkpoint re-signed) on every view."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from conftest import OPERATOR
from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.records import parties


def _rows(html: str) -> list[tuple[int, str]]:
    """(seq, the event in words) of each row of the events table."""
    return [
        (int(seq), words)
        for seq, words in re.findall(r'<tr id="e(\d+)" data-seq="\d+"[^>]*>.*?<td><a href="[^"]*">([^<]*)</a>', html)
    ]


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match, pattern
    return match[1]


def test_the_ledger_page_filters_pages_and_describes_events(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    # a record's history, in words, each event linked to where the record is read
    page = client.get("/ledger", params={"record": "PL-US-DD-2025"}).text
    assert _rows(page) == [
        (209, "NATO-NSATU: pledge PL-US-DD-2025 allocated"),
        (207, "NATO-NSATU: pledge PL-US-DD-2025 allocated"),
        (85, "US-GOV: pledge PL-US-DD-2025 committed"),
        (84, "US-GOV: pledge PL-US-DD-2025 announced"),
    ]
    assert "4 event(s) match" in page and 'href="/pledges/PL-US-DD-2025"' in page
    assert 'href="/packages/PKG-NL-1"' in client.get("/ledger", params={"record": "package:PKG-NL-1"}).text
    # the deep link the overview's withheld figures use lands on the withholding event
    deep = _rows(client.get("/ledger", params={"withheld": "yes", "before": "85"}).text)
    assert deep[0] == (84, "US-GOV: pledge PL-US-DD-2025 announced") and all(seq < 85 for seq, _ in deep)
    # type and party together; the next page carries the filters and starts below the last row
    first = client.get("/ledger", params={"type": "PledgeAnnounced", "party": "DE-GOV"}).text
    assert _rows(first) == [
        (78, "DE-GOV: pledge PL-DE-2025-12 announced"),
        (74, "DE-GOV: pledge PL-DE-2025-08 announced"),
    ]
    paged = client.get("/ledger", params={"withheld": "no"}).text
    seqs = [seq for seq, _ in _rows(paged)]
    assert len(seqs) == 40 and seqs == sorted(seqs, reverse=True)
    older = _found(r'<a href="(/ledger\?[^"]+)" rel="next">', paged).replace("&amp;", "&")
    assert older == f"/ledger?withheld=no&before={seqs[-1]}"
    assert all(seq < seqs[-1] for seq, _ in _rows(client.get(older).text))
    # bad input is refused in the page, titled as such, naming the field
    refused = client.get("/ledger", params={"since": "2025-13-01"})
    assert refused.status_code == 400 and "<h1>Input not accepted</h1>" in refused.text and "since:" in refused.text


def test_the_ledger_page_reads_the_last_check_until_the_log_grows(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    first = client.get("/ledger").text
    checked = _found(r"at the last check, ([0-9: -]+) UTC", first)
    again = client.get("/ledger").text
    assert _found(r"at the last check, ([0-9: -]+) UTC", again) == checked
    bus.handle(demo_store, OPERATOR, parties.RecordRates(day="2026-03-02", rates={"USD": "1.19"}, source="t"))
    grown = client.get("/ledger").text
    count = _found(r"all (\d+) events re-hashed", grown)
    assert int(count) == int(_found(r"all (\d+) events re-hashed", first)) + 1


def test_input_errors_and_an_unknown_currency_answer_in_the_page(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    assert client.get("/", params={"currency": "eur"}).status_code == 200
    unknown = client.get("/", params={"currency": "GBP"})
    assert unknown.status_code == 400 and unknown.headers["content-type"].startswith("text/html")
    assert "<h1>Input not accepted</h1>" in unknown.text
    assert (
        "currency: no recorded rate converts into it; choose one of CAD, DKK, EUR, NOK, PLN, SEK, USD" in unknown.text
    )
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"


def test_public_pages_say_why_they_are_empty_and_offer_the_funnel_as_a_file(demo_store):
    client = TestClient(create_app(demo_store, read_cache=False))
    production = client.get("/production").text
    assert 'id="not-shared"' in production and "<table" not in production  # no empty tables under full headers
    requirements = client.get("/requirements").text
    assert (
        "lines exist. Sign in to see those shared with you." in requirements
        and "<table" not in requirements
        and "<form class" not in requirements
    )
    overview = client.get("/", params={"currency": "EUR"}).text
    link = _found(r'<a href="(/api/v1/reports/funnel\?currency=EUR&amp;format=csv)" download>CSV</a>', overview)
    rows = client.get(link.replace("&amp;", "&")).text.splitlines()
    assert rows[0] == "funder,name,pledged (EUR),allocated (EUR),contracted (EUR),delivered (EUR),withheld"
    assert "SE-GOV,Sweden,237683664.65,237683664.65,237683664.65,237683664.65," in rows

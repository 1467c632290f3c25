"""The evidence's own dashboard pages (issue 18): a document's page (what the log holds of
it, its record and event, a download for those who may read its bytes) and a finding's
page with its steps, linked from the package page, the findings list and the ledger
browser; in English and Ukrainian. The demo ledger, real SQLite."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.evidence import documents
from test_dashboard_sessions import sign_in


def _client(store, party: str | None = None, role: str = "auditor") -> TestClient:
    client = TestClient(create_app(store, read_cache=False))
    if party is not None:
        secret = tokens.issue_token(store, Actor("operator"), tokens.IssueToken(party, role, "pages")).secret
        assert sign_in(client, secret).status_code == 303
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_document_has_its_page_with_its_hash_record_event_and_download(demo_store):
    auditor = _client(demo_store, "NATO-NSATU")
    package = auditor.get("/packages/PKG-NL-1").text
    assert '<a href="/documents/DOC-0001">' in package and 'href="/documents/DOC-0001/content" download' in package
    page = auditor.get("/documents/DOC-0001")
    assert page.status_code == 200
    shown = _text(page.text)
    with demo_store.read() as conn:
        doc = documents.document(conn, "DOC-0001")
        seq = documents.attached_by(conn, "DOC-0001")
    assert doc["record"] == "contract:CT-NL-1" and doc["type"] == "loa" and doc["media_type"] == "application/pdf"
    for expected in (
        f"Document {doc['title']}",
        "Type loa",
        "Language en",
        f"SHA-256 (in the public log) {doc['sha256']}",
        f"Size (bytes) {doc['size']:,}",
        "Media type (judged from its bytes) application/pdf",
        "Record contract:CT-NL-1",
        f"Event in the ledger #{seq}",
        f"supplyline audit document FILE --event {seq}",
    ):
        assert expected in shown, expected
    assert 'id="record-link" href="/packages/PKG-NL-1"' in page.text
    assert f'id="event-link" href="/ledger?record=document:DOC-0001#e{seq}"' in page.text
    assert 'href="/documents/DOC-0001/content" download' in page.text
    fetched = auditor.get("/documents/DOC-0001/content")
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-")
    assert fetched.headers["content-disposition"] == 'attachment; filename="DOC-0001"'
    assert fetched.headers["x-content-type-options"] == "nosniff"
    uk = _text(auditor.get("/documents/DOC-0001?lang=uk").text)
    assert "Тип вмісту (за самими байтами) application/pdf" in uk and f"Подія в журналі #{seq}" in uk
    # the ledger browser's event leads to the document's page
    ledger = auditor.get("/ledger", params={"record": "document:DOC-0001"}).text
    assert '<a href="/documents/DOC-0001">' in ledger

    # the public: neither the page nor the bytes (the hash is in the public log)
    public = _client(demo_store)
    assert public.get("/documents/DOC-0001").status_code == 404
    assert public.get("/documents/DOC-0001/content").status_code == 404
    assert public.get("/documents/DOC-9999").status_code == 404
    logged = public.get("/api/v1/log/events", params={"limit": 500}).json()["items"]
    assert doc["sha256"] in str([e for e in logged if e.get("stream_id") == "document:DOC-0001"])


def test_a_finding_has_its_page_with_its_steps(demo_store):
    public = _client(demo_store)
    # closed and made public by its auditor: everyone reads it, step by step
    page = public.get("/findings/FND-NL-1")
    assert page.status_code == 200
    steps = re.findall(r'<tr data-step="([a-z]+)">', page.text)
    assert steps == ["opened", "responded", "closed"]
    shown = _text(page.text)
    assert "Record contract:CT-NL-1" in shown and "closed · made public by its auditor" in shown
    assert "An acceptance certificate is signed within 14 days" in shown
    assert '<a href="/documents/DOC-0002">DOC-0002</a>' in page.text  # its evidence
    assert re.findall(
        r'<tr data-step="[a-z]+"><td class="num"><a href="(/ledger\?record=finding:FND-NL-1#e\d+)"', page.text
    )
    uk = _text(public.get("/findings/FND-NL-1?lang=uk").text)
    assert "Висновок аудиту FND-NL-1" in uk and "відкрито" in uk and "закрито" in uk
    # the open one is its order's parties' (and auditors'): hidden from the public as if it did not exist
    assert public.get("/findings/FND-DD-1").status_code == 404
    assert public.get("/findings/FND-NONE").status_code == 404
    auditor = _client(demo_store, "NATO-NSATU")
    page = auditor.get("/findings/FND-DD-1")
    assert page.status_code == 200
    assert re.findall(r'<tr data-step="([a-z]+)">', page.text) == ["opened"]
    assert "open (overdue)" in _text(page.text)
    # linked from the package page of its record, and from the findings list
    package = auditor.get("/packages/PKG-DD-1").text
    assert '<a href="/findings/FND-DD-1">FND-DD-1</a>' in package
    assert 'id="open-finding-lot:PO-DD-1-L001"' in package
    # and in the trace, at the lot the delivered drones came from
    trace = package[package.index('id="trace"') :]
    assert re.findall(r'data-record="([a-z]+:[A-Z0-9-]+)"', trace) == ["lot:PO-DD-1-L001"] * trace.count(
        "lot PO-DD-1-L001:"
    )
    assert "lot PO-DD-1-L001:" in trace
    assert '<a href="/findings/FND-DD-1">FND-DD-1</a>' in auditor.get("/findings").text

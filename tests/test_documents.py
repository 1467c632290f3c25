"""Documents attached to records (issue 18): the file's SHA-256, size, media type (from its
bytes), title and language in the log, the bytes in the blob store beside the database;
`audit document` accepts the original and refuses a copy one byte off; `verify` names a
missing or altered blob; downloads are attachments never rendered; a confidential title and
its bytes reach only the record's parties. Real SQLite, the demo ledger."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.document import OCDS_TYPES
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.evidence import documents

runner = CliRunner()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>document.title='ran'</script></body></html>"


def cli(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args])


def test_a_document_is_hashed_into_the_log_audited_verified_and_downloaded_as_an_attachment(
    demo_sqlite_url, tmp_path: Path
):
    url = demo_sqlite_url
    original = tmp_path / "loa.pdf"
    original.write_bytes(PDF)
    attached = cli(url, "document", "attach", "contract:CT-NL-1", str(original), "--type", "loa", "--lang", "en",
                   "--title", "LOA of CT-NL-1", "--on", "2025-09-01", "--json")  # fmt: skip
    assert attached.exit_code == 0, attached.output
    recorded = json.loads(attached.stdout)
    assert recorded["events"][0]["type"] == "DocumentAttached"
    seq = recorded["events"][0]["seq"]
    doc_id = recorded["id"]

    # the original is accepted, naming the event and the record; one byte off is refused
    ok = cli(url, "audit", "document", str(original))
    assert ok.exit_code == 0, ok.output
    assert f"document {doc_id} attached to contract:CT-NL-1 by event #{seq}" in ok.stdout
    assert cli(url, "audit", "document", str(original), "--event", str(seq)).exit_code == 0
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(PDF[:-2] + b"G\n")
    assert cli(url, "audit", "document", str(changed)).exit_code == 1
    refused = cli(url, "audit", "document", str(changed), "--event", str(seq))
    assert refused.exit_code == 1
    assert f"NOT the one event #{seq} recorded for contract:CT-NL-1" in refused.output

    # bad input writes nothing: an unknown record, type or language
    store_url = url
    from supplyline.services.context import open_store

    store = open_store(store_url)
    count = event_count(store)
    for args, named in (
        (("contract:CT-NOPE",), "no contract 'CT-NOPE'"),
        (("lot:X",), "no lot 'X'"),
        (("batch:X",), "KIND:ID"),
    ):
        answer = cli(url, "document", "attach", *args, str(original), "--type", "loa", "--lang", "en")
        assert answer.exit_code == 2 and named in answer.output, answer.output
    assert (
        cli(url, "document", "attach", "contract:CT-NL-1", str(original), "--type", "memo", "--lang", "en").exit_code
        == 2
    )
    wrong_lang = cli(url, "document", "attach", "contract:CT-NL-1", str(original), "--type", "loa", "--lang", "xx")
    assert wrong_lang.exit_code == 2 and "ISO 639-1" in wrong_lang.output
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    nothing = cli(url, "document", "attach", "contract:CT-NL-1", str(empty), "--type", "loa", "--lang", "en")
    assert nothing.exit_code == 2 and "file" in nothing.output and "is empty" in nothing.output, nothing.output
    assert event_count(store) == count

    # the bytes are beside the database, named by their hash; the log holds the hash alone
    digest = documents.blobs.sha256(PDF)
    blob = Path(url.removeprefix("sqlite:///") + ".blobs") / digest[:2] / digest
    assert blob.read_bytes() == PDF
    with store.read() as conn:
        found = documents.document(conn, doc_id)
    assert (found["sha256"], found["size"], found["media_type"], found["language"], found["type"]) == (
        digest, len(PDF), "application/pdf", "en", "loa")  # fmt: skip
    assert OCDS_TYPES[found["type"]] == "contractSigned"

    # HTML uploaded through the API is judged from its bytes and served as bytes to save
    auditor = tokens.issue_token(store, Actor("operator"), tokens.IssueToken("NL-GOV", "auditor", "audit")).secret
    with TestClient(create_app(store)) as client:
        headers = {"Authorization": f"Bearer {auditor}"}
        sent = client.post("/api/v1/documents", headers=headers,
                           files={"file": ("report.pdf", HTML)},
                           data={"record": "contract:CT-NL-1", "type": "other", "lang": "uk"})  # fmt: skip
        assert sent.status_code == 201, sent.text
        html_id = sent.json()["id"]
        shown = client.get(f"/api/v1/documents/{html_id}", headers=headers).json()
        assert (shown["media_type"], shown["title"]) == ("text/html", "report.pdf")
        fetched = client.get(f"/api/v1/documents/{html_id}/content", headers=headers)
        assert fetched.status_code == 200 and fetched.content == HTML
        assert fetched.headers["content-type"] == "application/octet-stream"
        assert fetched.headers["content-disposition"] == f'attachment; filename="{html_id}"'
        assert fetched.headers["x-content-type-options"] == "nosniff"
        contract = client.get("/api/v1/contracts/CT-NL-1", headers=headers).json()
        # the demo's letter of offer and acceptance certificate, then these two
        assert [d["id"] for d in contract["documents"]] == ["DOC-0001", "DOC-0002", doc_id, html_id]
        # every kind of record answers with its documents: a requirement, a pledge, a shipment
        for record, path in (
            ("requirement:REQ-01", "/api/v1/requirements/REQ-01"),
            ("pledge:PL-NL-2025-08", "/api/v1/pledges/PL-NL-2025-08"),
            ("shipment:SH-NL-1", "/api/v1/shipments/SH-NL-1"),
        ):
            assert client.get(path, headers=headers).json()["documents"] == []
            added = client.post("/api/v1/documents", headers=headers, files={"file": ("a.pdf", PDF + record.encode())},
                                data={"record": record, "type": "other", "lang": "en"})  # fmt: skip
            assert added.status_code == 201, added.text
            answer = client.get(path, headers=headers).json()
            assert ([d["id"] for d in answer["documents"]], answer["open_findings"]) == ([added.json()["id"]], 0)
        assert client.get(f"/api/v1/documents/{html_id}/content").status_code == 401

    # verify re-hashes every blob: an altered one and a missing one are named, the chain still checks
    blob.chmod(0o644)
    blob.write_bytes(PDF + b" ")
    html_digest = documents.blobs.sha256(HTML)
    (blob.parent.parent / html_digest[:2] / html_digest).unlink()
    result = cli(url, "verify", "--no-projections", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["first_bad_event"] is None and report["checked"] == event_count(store)
    assert report["problems"] == [
        f"document {doc_id} (contract CT-NL-1): its blob {digest} is altered "
        f"(the stored bytes hash to {documents.blobs.sha256(PDF + b' ')})",
        f"document {html_id} (contract CT-NL-1): its blob {html_digest} is missing",
    ]
    assert cli(url, "rebuild", "--check").exit_code == 0
    store.engine.dispose()

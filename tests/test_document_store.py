"""Documents' bytes and limits (issue 18 item 3), on SQLite and PostgreSQL: the blob store at
any fsspec URL (here fsspec's in-memory filesystem, as an object store would be named), the
media type judged from the bytes alone, the size limit of the command and of the API upload,
and ``verify``'s re-hash naming a missing blob; ``report findings --open --aging``."""

from __future__ import annotations

import json
from datetime import date

import fsspec
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput
from supplyline.domain.values import today_utc
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.evidence import documents
from supplyline.services.records import funding, parties

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)


def _pledge(store) -> str:
    bus.handle(store, OPERATOR, parties.RegisterParty(id="NL", name="NL", kind="government", country="NL"))
    pledge = funding.AnnouncePledge(
        funder="NL", amount="12.50", currency="EUR", pledged_on="2025-08-01", mechanism="purl"
    )
    return bus.handle(store, OPERATOR, pledge).id


def _attach(store, record: str, content: bytes, title: str = "t") -> str:
    cmd = documents.AttachDocument(record=record, doc_type="other", language="en", title=title, content=content)
    return bus.handle(store, OPERATOR, cmd).id


def test_blobs_go_to_an_fsspec_url_and_the_media_type_is_judged_from_the_bytes(store, monkeypatch):
    location = f"memory://supplyline-test-{id(store)}"
    monkeypatch.setenv("SUPPLYLINE_BLOBS", location)
    pledge = _pledge(store)
    ids = {name: _attach(store, f"pledge:{pledge}", data, title=name)
           for name, data in (("scan.pdf", PNG), ("image.png", PDF), ("notes.txt", b"\x00\x01 plain bytes"))}  # fmt: skip
    with store.read() as conn:
        found = {name: documents.document(conn, doc_id) for name, doc_id in ids.items()}
    # the name says nothing: a PNG called .pdf is a PNG, bytes no signature knows are bytes to save
    assert {name: d["media_type"] for name, d in found.items()} == {
        "scan.pdf": "image/png",
        "image.png": "application/pdf",
        "notes.txt": "application/octet-stream",
    }
    fs, root = fsspec.core.url_to_fs(location)
    digest = documents.blobs.sha256(PDF)
    assert fs.cat_file(f"{root}/{digest[:2]}/{digest}") == PDF
    assert documents.content(store, dict(found["image.png"])) == PDF
    assert documents.check_blobs(store) == []
    fs.rm(f"{root}/{digest[:2]}/{digest}")
    assert documents.check_blobs(store) == [
        f"document {ids['image.png']} (pledge {pledge}): its blob {digest} is missing"
    ]
    fs.rm(root, recursive=True)


def test_a_document_over_the_size_limit_is_refused_naming_the_file(store, monkeypatch, tmp_path):
    monkeypatch.setenv("SUPPLYLINE_BLOBS", str(tmp_path / "blobs"))
    pledge = _pledge(store)
    before = event_count(store)
    too_big = b"%PDF-1.4\n" + bytes(documents.MAX_DOCUMENT)
    with pytest.raises(InvalidInput) as refused:
        _attach(store, f"pledge:{pledge}", too_big)
    assert refused.value.field == "file" and "larger than 20 MB" in str(refused.value)
    assert event_count(store) == before and not (tmp_path / "blobs").exists()
    # exactly at the limit it is taken
    _attach(store, f"pledge:{pledge}", too_big[: documents.MAX_DOCUMENT])
    assert event_count(store) == before + 1


def test_the_api_refuses_an_upload_over_the_limit_with_413(demo_store):
    secret = tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken("US-GOV", "seller", "s")).secret
    before = event_count(demo_store)
    with TestClient(create_app(demo_store)) as client:
        answer = client.post(
            "/api/v1/documents",
            headers={"Authorization": f"Bearer {secret}"},
            files={"file": ("big.pdf", b"%PDF-1.4\n" + bytes(documents.MAX_DOCUMENT))},
            data={"record": "contract:CT-NL-1", "type": "other", "lang": "en"},
        )
    assert answer.status_code == 413, answer.text
    # the whole request is over the upload limit: refused before the file is read
    assert (answer.json()["field"], answer.headers["content-type"]) == ("body", "application/problem+json")
    assert event_count(demo_store) == before


def test_report_findings_open_and_aging(demo_sqlite_url):
    runner = CliRunner()
    open_days = (today_utc() - date(2026, 1, 15)).days
    listed = json.loads(runner.invoke(app, ["--db", demo_sqlite_url, "report", "findings", "--open", "--json"]).stdout)
    assert [(f["id"], f["record"], f["state"], f["age_days"]) for f in listed] == [
        ("FND-DD-1", "lot:PO-DD-1-L001", "open", open_days)
    ]
    aging = json.loads(runner.invoke(app, ["--db", demo_sqlite_url, "report", "findings", "--aging", "--json"]).stdout)
    band = next(b["age"] for b in aging if b["open"])
    expected = (
        "0-30" if open_days <= 30 else "31-90" if open_days <= 90 else "91-365" if open_days <= 365 else "over 365"
    )
    assert (band, sum(b["open"] for b in aging), sum(b["medium"] for b in aging)) == (expected, 1, 1)
    shown = runner.invoke(app, ["--db", demo_sqlite_url, "report", "findings", "--open", "--aging"])
    assert shown.exit_code == 0 and "Open findings by age" in shown.stdout and expected in shown.stdout

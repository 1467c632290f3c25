"""CLI and API edges: every bad path, number or file given to the CLI ends in a message and
exit code 2, never a traceback (the CLI has one error boundary); every request body the
API reads is bounded (413 above the configured size, before it is parsed)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.settings import Settings

runner = CliRunner()


@pytest.fixture
def deep_json(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 2000 + "]" * 2000)
    return str(path)


def _cases(url: str, tmp_path, deep_json: str) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return [
        (["report", "funnel", "--out", "/nonexistent/dir/r.csv"], "/nonexistent/dir/r.csv: No such file or directory"),
        (["export", "ocds", str(tmp_path)], "Is a directory"),
        (["publish", "tiles", str(a_file)], "File exists"),
        (["proof", "inclusion", str(10**30)], "does not exist"),
        (["proof", "inclusion", "٣"], "sequence number"),  # an Arabic-Indic digit is no sequence number
        (["audit", "inclusion", "/dev/zero"], "is larger than 16 MB"),
        (["audit", "inclusion", str(tmp_path / "missing.json")], "cannot be read"),
    ]


def test_every_bad_path_number_or_file_ends_in_a_message_and_exit_2(demo_sqlite_url, tmp_path, deep_json):
    assert runner.invoke(app, ["--db", demo_sqlite_url, "init"]).exit_code == 0  # the signing key beside the copy
    failures = []
    for args, said in _cases(demo_sqlite_url, tmp_path, deep_json):
        result = runner.invoke(app, ["--db", demo_sqlite_url, *args])
        if result.exit_code != 2 or not isinstance(result.exception, SystemExit) or said not in result.output:
            failures.append(f"{' '.join(args)}: exit {result.exit_code} {result.exception!r} {result.output[-200:]}")
    assert failures == []


def test_a_file_that_is_no_proof_is_invalid_with_a_message(demo_sqlite_url, tmp_path, deep_json):
    """A file the audit cannot read as a proof is INVALID (exit 1, as a tampered proof is),
    never a traceback: 2,000-deep JSON, or bytes that are not JSON."""
    not_json = tmp_path / "not.json"
    not_json.write_text("x")
    for path, said in ((deep_json, "nested too deeply"), (str(not_json), "is not valid JSON")):
        result = runner.invoke(app, ["--db", demo_sqlite_url, "audit", "inclusion", path])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert said in result.output


def test_the_api_refuses_a_large_json_body_before_parsing_it(sqlite_store):
    settings = Settings(db="sqlite://", max_body_bytes=64 * 1024)
    body = json.dumps({"id": "P1", "name": "x" * 100_000, "kind": "company"})
    with TestClient(create_app(sqlite_store, settings, read_cache=False)) as client:
        answer = client.post("/api/v1/parties", content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        assert answer.json()["detail"] == "the request body is larger than 65,536 bytes"

        def chunks():  # no Content-Length: counted as it arrives
            yield body[:40_000].encode()
            yield body[40_000:].encode()

        answer = client.post("/api/v1/parties", content=chunks(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 413
        # a body within the limit goes on to the gate (no token: 401)
        small = client.post("/api/v1/parties", json={"id": "P1", "name": "Small", "kind": "company"})
        assert small.status_code == 401


def test_the_default_limit_is_one_megabyte(sqlite_store):
    with TestClient(create_app(sqlite_store, read_cache=False)) as client:
        answer = client.post(
            "/api/v1/parties", content=b"{" + b" " * (2**20) + b"}", headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 413
    assert answer.json()["detail"] == "the request body is larger than 1 MB"

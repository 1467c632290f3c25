"""`audit serial`: an outsider holding a serial's proof file, the log's key and a checkpoint
checks, with no database, that the serial is in a manifest whose root and count an event of
the signed log states (issue 16 item 5)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.ledger.audit import AuditCannotRun, AuditFailed
from supplyline.ledger.note import Verifier
from supplyline.ledger.serial_audit import audit_serial

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def proof(demo_sqlite_url, tmp_path):
    assert invoke("--db", demo_sqlite_url, "init", "--log-name", "ledger.example/purl").exit_code == 0
    vkey = invoke("--db", demo_sqlite_url, "key", "export").output.strip()
    checkpoint = tmp_path / "checkpoint"
    checkpoint.write_text(invoke("--db", demo_sqlite_url, "checkpoint").output)
    file = tmp_path / "serial.json"
    made = invoke("--db", demo_sqlite_url, "serial", "prove", "PAC3-NL-00042", "--out", str(file))
    assert made.exit_code == 0, made.output
    return {"file": file, "vkey": vkey, "checkpoint": checkpoint}


def test_an_outsider_checks_a_serials_proof_against_the_signed_log(proof):
    doc = json.loads(proof["file"].read_text())
    assert (doc["index"], doc["size"], doc["manifest"]) == (41, 60, "SH-NL-2.1")
    assert doc["log"]["event"]["type"] == "SerialsListed" and doc["log"]["event"]["seq"] == doc["event_seq"]
    assert "PAC3-NL-00042" not in json.dumps(doc["log"])  # the log's event names no serial
    result = invoke(
        "audit", "serial", str(proof["file"]), "--checkpoint", str(proof["checkpoint"]), "--key", proof["vkey"]
    )
    assert result.exit_code == 0, result.output
    assert "serial PAC3-NL-00042 is item 42 of 60 in manifest SH-NL-2.1" in result.output
    assert "states as manifest_root" in result.output and "whose root the checkpoint signs" in result.output


def _tampered(raw: bytes, change) -> bytes:
    doc = json.loads(raw)
    change(doc)
    return json.dumps(doc).encode()


def test_a_tampered_serial_proof_is_invalid_naming_what_failed(proof):
    raw, key = proof["file"].read_bytes(), Verifier.parse(proof["vkey"])
    cp = proof["checkpoint"].read_bytes()
    assert "checkpoint signs" in audit_serial(raw, verifier=key, checkpoint=cp)
    other_root = "00" * 32

    def root_in_event(d):
        d["log"]["event"]["payload"]["manifest_root"] = other_root

    cases = {
        "serial PAC3-NL-00043: the inclusion proof": lambda d: d.update(serial="PAC3-NL-00043"),
        "serial PAC3-NL-00042: the inclusion proof for leaf 40": lambda d: d.update(index=40),
        "does not state the manifest's root": root_in_event,
        "not event #": lambda d: d.update(event_seq=d["event_seq"] + 1),
    }
    for reason, change in cases.items():
        with pytest.raises(AuditFailed, match=reason):
            audit_serial(_tampered(raw, change), verifier=key, checkpoint=cp)
    doc = json.loads(raw)
    doc["log"]["event"]["payload"]["count"] = 61
    with pytest.raises(AuditFailed, match="the event states 61 serials under this root, the proof 60"):
        audit_serial(json.dumps(doc).encode(), verifier=key, checkpoint=cp)
    # an event altered elsewhere no longer hashes to the leaf the log's tree holds
    doc = json.loads(raw)
    doc["log"]["event"]["payload"]["contract_line_no"] = 2
    with pytest.raises(AuditFailed, match="the event's contents do not hash to its stated hash"):
        audit_serial(json.dumps(doc).encode(), verifier=key, checkpoint=cp)
    with pytest.raises(AuditCannotRun, match="carries no event"):
        audit_serial(_tampered(raw, lambda d: d.pop("log")))
    cut = proof["file"].with_name("cut.json")
    cut.write_bytes(_tampered(raw, lambda d: d.update(serial="PAC3-NL-00043")))
    result = invoke("audit", "serial", str(cut), "--checkpoint", str(proof["checkpoint"]), "--key", proof["vkey"])
    assert result.exit_code == 1 and "INVALID: serial PAC3-NL-00043" in result.output

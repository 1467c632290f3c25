"""Signed checkpoints: the format against the spec text, the ledger key, and tampering."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from typer.testing import CliRunner

from conftest import SHARED, event_count
from supplyline.cli.main import app
from supplyline.ledger import audit, note

SPECS = SHARED / "transparency" / "specs"
runner = CliRunner()


def spec(name: str) -> str:
    if not SPECS.is_dir():
        pytest.skip(f"the shared specs are absent ({SPECS})")
    return (SPECS / name).read_text()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def ledger(demo_store, demo_sqlite_url, tmp_path):
    """The demo ledger with its key created by `init`, a checkpoint and the verifier key."""
    result = invoke("--db", demo_sqlite_url, "init", "--log-name", "ledger.example/purl")
    assert result.exit_code == 0, result.output
    vkey = invoke("--db", demo_sqlite_url, "key", "export").output.strip()
    checkpoint = invoke("--db", demo_sqlite_url, "checkpoint").output
    return {
        "db": demo_sqlite_url,
        "vkey": vkey,
        "checkpoint": checkpoint,
        "dir": tmp_path,
        "size": event_count(demo_store),
    }


def test_the_spec_example_note_verifies_with_the_spec_example_key():
    text = spec("signed-note.md")
    key_line = re.search(r"^    (example\.com/foo\+\S+)$", text, re.M)
    example_block = re.search(r"```\n(This is an example message\.\n\n— example\.com/foo \S+\n)```", text)
    assert key_line is not None and example_block is not None, "the spec's example moved"
    vkey, example = key_line.group(1), example_block.group(1)
    verifier = note.Verifier.parse(vkey)
    assert str(verifier) == vkey
    body, signers = note.open_note(example.encode(), [verifier])
    assert body == "This is an example message.\n" and signers == [verifier]
    with pytest.raises(note.NoteError, match="does not verify"):
        note.open_note(example.replace("example message", "example massage").encode(), [verifier])


def test_checkpoint_format_follows_the_spec(ledger):
    """Origin, decimal size, base64 root, blank line, '— <name> base64(key ID || sig)',
    key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], Ed25519 over the note text."""
    assert "SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]" in spec("signed-note.md")
    name, key_hex, key_b64 = ledger["vkey"].split("+", 2)
    assert name == "ledger.example/purl"
    material = base64.b64decode(key_b64)
    assert material[0] == 0x01 and len(material) == 33
    public = material[1:]
    assert key_hex == hashlib.sha256(name.encode() + b"\x0a\x01" + public).digest()[:4].hex()

    lines = ledger["checkpoint"].split("\n")
    assert lines[0] == name and lines[1] == str(ledger["size"]) and lines[3] == "" and lines[5] == ""
    assert len(lines) == 6 and len(base64.b64decode(lines[2])) == 32
    signature_line = re.fullmatch(r"\u2014 (\S+) (\S+)", lines[4])
    assert signature_line and signature_line.group(1) == name
    raw = base64.b64decode(signature_line.group(2))
    assert raw[:4].hex() == key_hex and len(raw) == 4 + 64
    text = "\n".join(lines[:3]) + "\n"
    Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())  # raises if wrong
    with ledger_db_read(ledger["db"]) as root_hex:
        assert base64.b64decode(lines[2]).hex() == root_hex


class ledger_db_read:
    """The root of the demo ledger, recomputed here from the event hashes."""

    def __init__(self, url):
        self.url = url

    def __enter__(self):
        from sqlalchemy import create_engine

        from test_merkle import rfc_leaf, rfc_mth

        engine = create_engine(self.url)
        with engine.connect() as conn:
            hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
        engine.dispose()
        return rfc_mth([rfc_leaf(h) for h in hashes]).hex()

    def __exit__(self, *exc):
        return False


def test_a_checkpoint_may_carry_its_signing_time(ledger):
    timed = invoke("--db", ledger["db"], "checkpoint", "--time").output
    lines = timed.split("\n")
    assert lines[:3] == ledger["checkpoint"].split("\n")[:3]
    assert re.fullmatch(r"time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", lines[3]) and lines[4] == ""
    checkpoint = note.open_checkpoint(timed.encode(), note.Verifier.parse(ledger["vkey"]))
    assert checkpoint.extensions == (lines[3],) and checkpoint.size == ledger["size"]


def test_init_is_idempotent_and_keeps_the_key_private(ledger):
    path = ledger["db"].removeprefix("sqlite:///") + ".key"
    before = Path(path).read_text()
    assert before.startswith("PRIVATE+KEY+ledger.example/purl+")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = invoke("--db", ledger["db"], "init", "--log-name", "other.example/log")
    assert again.exit_code == 0 and "signing key kept" in again.output
    assert Path(path).read_text() == before
    assert invoke("--db", ledger["db"], "key", "export").output.strip() == ledger["vkey"]
    assert "PRIVATE" not in ledger["checkpoint"] and before.strip().split("+", 4)[4] not in ledger["checkpoint"]


def test_a_key_readable_by_others_is_refused(ledger):
    path = ledger["db"].removeprefix("sqlite:///") + ".key"
    os.chmod(path, 0o644)
    result = invoke("--db", ledger["db"], "checkpoint")
    assert result.exit_code == 2 and "is readable by others: chmod 600 it" in result.output


def test_every_flipped_byte_of_a_checkpoint_is_caught(ledger):
    proof = ledger["dir"] / "proof.json"
    assert invoke("--db", ledger["db"], "proof", "inclusion", str(ledger["size"]), "--out", str(proof)).exit_code == 0
    raw = ledger["checkpoint"].encode()
    verifier = note.Verifier.parse(ledger["vkey"])
    assert "signs" in audit.audit_inclusion(proof.read_bytes(), verifier=verifier, checkpoint=raw)
    for i in range(len(raw)):
        for flip in (0x01, 0x80):
            bad = raw[:i] + bytes([raw[i] ^ flip]) + raw[i + 1 :]
            with pytest.raises(audit.AuditFailed, match="checkpoint"):
                audit.audit_inclusion(proof.read_bytes(), verifier=verifier, checkpoint=bad)
    cp = ledger["dir"] / "cp"
    cp.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    result = invoke("audit", "inclusion", str(proof), "--checkpoint", str(cp), "--key", ledger["vkey"])
    assert result.exit_code == 1 and "INVALID: the checkpoint is not valid" in result.output


def test_a_checkpoint_from_another_key_or_of_another_size_is_refused(ledger):
    proof = ledger["dir"] / "proof.json"
    assert invoke("--db", ledger["db"], "proof", "inclusion", "3", "--size", "150", "--out", str(proof)).exit_code == 0
    other = note.Signer.generate("ledger.example/purl")
    forged = other.sign(ledger["checkpoint"].split("\n\n")[0] + "\n")
    with pytest.raises(audit.AuditFailed, match="no signature by a trusted key"):
        audit.audit_inclusion(
            proof.read_bytes(), verifier=note.Verifier.parse(ledger["vkey"]), checkpoint=forged.encode()
        )
    with pytest.raises(audit.AuditFailed, match=f"for a tree of size 150, the checkpoint for size {ledger['size']}"):
        audit.audit_inclusion(
            proof.read_bytes(), verifier=note.Verifier.parse(ledger["vkey"]), checkpoint=ledger["checkpoint"].encode()
        )


def test_audit_checkpoints_catches_a_rewritten_history(ledger, tmp_path):
    old, new = ledger["dir"] / "old", ledger["dir"] / "new"
    old.write_text(invoke("--db", ledger["db"], "checkpoint", "--size", "120").output)
    new.write_text(ledger["checkpoint"])
    proof = ledger["dir"] / "c.json"
    n = ledger["size"]
    proof.write_text(invoke("--db", ledger["db"], "proof", "consistency", "120", str(n)).output)
    ok = invoke("audit", "checkpoints", str(old), str(new), "--key", ledger["vkey"], "--proof", str(proof))
    assert ok.exit_code == 0 and f"the checkpoint of size {n} extends the one of size 120" in ok.output

    # the same log key signs a different history of 120 events (an operator rewrote the log)
    signer = note.Signer.parse(Path(ledger["db"].removeprefix("sqlite:///") + ".key").read_text())
    root = base64.b64encode(hashlib.sha256(b"rewritten").digest()).decode()
    old.write_text(signer.sign(f"ledger.example/purl\n120\n{root}\n"))
    bad = invoke("audit", "checkpoints", str(old), str(new), "--key", ledger["vkey"], "--proof", str(proof))
    assert bad.exit_code == 1 and "INVALID: the new checkpoint does not extend the old one" in bad.output
    same_size = ledger["dir"] / "same"
    same_size.write_text(signer.sign(f"ledger.example/purl\n{n}\n{root}\n"))
    fork = invoke("audit", "checkpoints", str(same_size), str(new), "--key", ledger["vkey"])
    assert fork.exit_code == 1 and f"two different roots were signed for tree size {n}" in fork.output
    shrink = invoke("audit", "checkpoints", str(new), str(old), "--key", ledger["vkey"], "--proof", str(proof))
    assert shrink.exit_code == 1 and "smaller than the old one" in shrink.output


def test_unreadable_inputs_are_bad_input_not_invalid(ledger):
    missing = invoke("audit", "inclusion", str(ledger["dir"] / "nope.json"))
    assert missing.exit_code == 2 and "cannot be read" in missing.output
    cp = ledger["dir"] / "cp"
    cp.write_text(ledger["checkpoint"])
    bad_key = invoke("audit", "checkpoints", str(cp), str(cp), "--key", "not-a-key")
    assert bad_key.exit_code == 2
    assert "refused: key: a verifier key is <name>+<key ID hex>+<base64 key>" in bad_key.output


def test_checkpoint_parsing_is_strict():
    root = base64.b64encode(bytes(32)).decode()
    assert note.Checkpoint.parse(f"log.example\n0\n{root}\n").size == 0
    for text, reason in [
        (f"log.example\n007\n{root}\n", "leading zeros"),
        (f"log.example\n7\n{root[:-2]}\n", "base64"),
        (f"\n7\n{root}\n", "origin is empty"),
        (f"log.example\n7\n{root}\n\n", "extension line is empty"),
        ("log.example\n7\n", "at least three lines"),
    ]:
        with pytest.raises(note.NoteError, match=reason):
            note.Checkpoint.parse(text)


def test_the_key_path_is_configurable(sqlite_url, tmp_path):
    path = tmp_path / "keys" / "ledger.key"
    env = {"SUPPLYLINE_SIGNING_KEY": str(path), "SUPPLYLINE_LOG_NAME": "ministry.example/ledger"}
    result = runner.invoke(app, ["--db", sqlite_url, "init"], env=env)
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("PRIVATE+KEY+ministry.example/ledger+")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "ledger.db.key").exists()
    checkpoint = runner.invoke(app, ["--db", sqlite_url, "checkpoint"], env=env)
    # init pinned the key: one event (KeyPinned)
    assert checkpoint.output.startswith("ministry.example/ledger\n1\n")

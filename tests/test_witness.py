"""Witnesses (C2SP tlog-witness, tlog-cosignature, tlog-policy): a split view needs them to
collude. Two ledgers forked from one state each get a checkpoint cosigned by one witness;
the other witness refuses the other fork's checkpoint (409, then 422), and `audit --policy`
with a 2-of-3 quorum refuses each fork's proofs. Cosignatures are checked here by code
written from the spec with `cryptography` directly, not the project's."""

from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from conftest import BACKENDS, create_postgres_database, postgres_admin_url
from supplyline.api.witness_app import create_witness_app
from supplyline.cli.main import app
from supplyline.ledger.cosignature import Cosigner
from supplyline.ledger.note import b64
from supplyline.ledger.policy import parse_policy
from supplyline.services import bus
from supplyline.services.context import Actor, open_store
from supplyline.services.log import signing, transparency
from supplyline.services.log.witness import Witness
from supplyline.services.log.witnessing import Witnessing
from supplyline.services.records import parties
from supplyline.store import merkle as tree
from supplyline.store import notefile

runner = CliRunner()
OPERATOR = Actor("operator", via="test")


def _serve(witness: Witness):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_witness_app(witness), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "witness did not start"
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(params=BACKENDS)
def ledger_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}"
        return
    url, drop = create_postgres_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def forks(tmp_path):
    """Copies a ledger's database as it stands (the operator forking it): a store on the copy,
    signing with the same key; PostgreSQL copies are dropped at the end."""
    dropped: list[tuple[Engine, str]] = []

    def fork(store, key: Path):
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            source = Path(store.engine.url.database)
            shutil.copy(source, source.with_name("b.db"))
            url = f"sqlite:///{source.with_name('b.db')}"
        else:
            store.engine.dispose()  # a template database must have no session open
            admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
            name = f"{store.engine.url.database}_fork"
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{store.engine.url.database}"')
            dropped.append((admin, name))
            url = store.engine.url.set(database=name).render_as_string(hide_password=False)
        copy = open_store(url)
        signing.attach(copy, key)
        return copy

    yield fork
    for admin, name in dropped:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def setting(ledger_url, tmp_path):
    """A ledger with its key pinned, three witnesses on loopback trusting its key, and a
    policy naming them with a 2-of-3 quorum (on each database)."""
    key = tmp_path / "a.key"
    store = open_store(ledger_url, create=True)
    transparency.ensure_key(key, "example.org/purl")
    signing.attach(store, key)
    signing.pin_key(store, OPERATOR)
    for i in range(5):
        bus.handle(store, OPERATOR, parties.RegisterParty(id=f"P{i}", name=f"Party {i}", kind="company", country="NL"))
    assert store.signing is not None  # attached above
    log_key = store.signing.verifier
    cosigners = [Cosigner.generate(f"witness.example/w{i}") for i in (1, 2, 3)]
    servers = [_serve(Witness(c, [log_key], tmp_path / f"w{i}")) for i, c in enumerate(cosigners, start=1)]
    lines = [f"log {log_key}"]
    lines += [f"witness w{i} {c.key} {servers[i - 1][2]}" for i, c in enumerate(cosigners, start=1)]
    lines += ["group two-of-three 2 w1 w2 w3", "quorum two-of-three"]
    policy_file = tmp_path / "policy.txt"
    policy_file.write_text("\n".join(lines) + "\n")
    yield store, key, cosigners, [s[2] for s in servers], policy_file
    for server, thread, _ in servers:
        server.should_exit = True
        thread.join(timeout=10)
    store.engine.dispose()


def _only(policy_file: Path, *names: str):
    """The policy as one fork's operator configures it: only these witnesses are asked."""
    policy = parse_policy(policy_file.read_text())
    policy.witnesses = {n: w for n, w in policy.witnesses.items() if n in names}
    return policy


def _latest_note(store) -> str:
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT checkpoint FROM ledger_head").scalar_one()


def _post(url: str, body: bytes) -> tuple[int, str, str]:
    request = urllib.request.Request(url + "/add-checkpoint", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def independent_cosignature_check(note: str, name: str, public_key: bytes) -> int:
    """From tlog-cosignature alone: key ID = SHA-256(name || 0x0A || 0x04 || key)[:4]; the
    signature = key ID || u64 timestamp || Ed25519 over 'cosignature/v1\\ntime T\\n' + body."""
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + public_key).digest()[:4]
    for line in signatures.splitlines():
        signer, blob = line.removeprefix("\u2014 ").split(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4] == key_id:
            (timestamp,) = struct.unpack(">Q", raw[4:12])
            message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()
            Ed25519PublicKey.from_public_bytes(public_key).verify(raw[12:76], message)  # raises if wrong
            return timestamp
    raise AssertionError(f"no cosignature by {name}")


def test_a_split_view_is_refused_by_the_witnesses_and_by_a_two_of_three_policy(setting, forks, tmp_path):
    store_a, key, cosigners, urls, policy_file = setting
    common = Witnessing(store_a, _only(policy_file, "w1", "w2"), tmp_path / "common.cosigned")
    shared = common.cosign(_latest_note(store_a))
    assert common.warnings == [] and shared.count("\u2014 witness.example/") == 2
    size = 6  # KeyPinned and five parties
    assert shared.startswith(f"example.org/purl\n{size}\n")

    # the operator forks the ledger: same key, two histories from event #7 on
    store_b = forks(store_a, key)
    bus.handle(
        store_a, OPERATOR, parties.RegisterParty(id="FORK-A", name="Told to funder A", kind="company", country="NL")
    )
    bus.handle(
        store_b, OPERATOR, parties.RegisterParty(id="FORK-B", name="Told to funder B", kind="company", country="DE")
    )
    note_a, note_b = _latest_note(store_a), _latest_note(store_b)
    assert note_a != note_b and note_a.startswith(f"example.org/purl\n{size + 1}\n")

    fork_a = Witnessing(store_a, _only(policy_file, "w1"), tmp_path / "a.cosigned")
    fork_b = Witnessing(store_b, _only(policy_file, "w2"), tmp_path / "b.cosigned")
    cosigned_a, cosigned_b = fork_a.cosign(note_a), fork_b.cosign(note_b)
    assert fork_a.warnings == [] and fork_b.warnings == []
    w1, w2 = cosigners[0].key, cosigners[1].key
    assert independent_cosignature_check(cosigned_a, w1.name, w1.public_key) > 1_700_000_000
    assert independent_cosignature_check(cosigned_b, w2.name, w2.public_key) > 1_700_000_000

    # w2 has cosigned fork B at size 7: fork A, proving from the common size, gets 409
    with store_a.read() as conn:
        proof = tree.consistency_proof(conn, size, size + 1)
    body = f"old {size}\n" + "".join(f"{b64(p)}\n" for p in proof) + "\n" + note_a
    assert _post(urls[1], body.encode()) == (409, "text/x.tlog.size", f"{size + 1}\n")
    # and from the size it names, the same size with another root: 422, not cosigned
    status, _, text = _post(urls[1], f"old {size + 1}\n\n{note_a}".encode())
    assert status == 422 and "two different roots for the same tree size 7" in text
    assert fork_b.ask(_only(policy_file, "w1").witnesses["w1"], _parse(note_b), note_b) is None
    assert any("HTTP 409" in w or "HTTP 422" in w for w in fork_b.warnings)

    # an auditor with the 2-of-3 policy refuses each fork's proofs, and accepts the common one
    for name, store, cosigned, witness in (("a", store_a, cosigned_a, "w1"), ("b", store_b, cosigned_b, "w2")):
        proof_file, checkpoint_file = tmp_path / f"proof-{name}.json", tmp_path / f"checkpoint-{name}.txt"
        proof_file.write_text(transparency.document(transparency.inclusion_proof(store, size + 1)))
        checkpoint_file.write_text(cosigned)
        result = runner.invoke(
            app,
            ["audit", "inclusion", str(proof_file), "--checkpoint", str(checkpoint_file), "--policy", str(policy_file)],
        )
        assert result.exit_code == 1
        assert (
            f"the checkpoint is cosigned by 1 of the policy's witnesses ({witness}); its quorum needs "
            "2 of (w1, w2, w3): a split view of the log is not ruled out" in result.stderr
        )
    (tmp_path / "common.txt").write_text(shared)
    (tmp_path / "proof-common.json").write_text(
        transparency.document(transparency.inclusion_proof(store_a, 3, size=size))
    )
    accepted = runner.invoke(
        app,
        [
            "audit",
            "inclusion",
            str(tmp_path / "proof-common.json"),
            "--checkpoint",
            str(tmp_path / "common.txt"),
            "--policy",
            str(policy_file),
        ],
    )
    assert accepted.exit_code == 0, accepted.output
    store_b.engine.dispose()


def _parse(note: str):
    from supplyline.ledger.note import Checkpoint

    return Checkpoint.parse(note.partition("\n\n")[0] + "\n")


def test_an_unreachable_witness_warns_and_never_holds_a_write(setting, tmp_path):
    store, _key, _cosigners, _urls, policy_file = setting
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    policy = parse_policy(policy_file.read_text().replace(_urls[2], f"http://127.0.0.1:{dead}"))
    witnessing = Witnessing(store, policy, tmp_path / "cosigned", timeout=0.5)
    store.signing.on_commit.append(witnessing.submit)
    start = time.monotonic()
    outcome = bus.handle(
        store, OPERATOR, parties.RegisterParty(id="P9", name="Late party", kind="company", country="NL")
    )
    assert time.monotonic() - start < 3
    assert outcome.events[0].seq == 7
    assert any("witness w3 is unreachable" in w for w in witnessing.warnings)
    published = notefile.recent_notes(tmp_path / "cosigned")[0].decode()
    assert published.startswith("example.org/purl\n7\n") and published.count("\u2014 witness.example/") == 2


def test_the_witness_refuses_an_unknown_log_a_bad_signature_and_a_bad_request(setting):
    _store, _key, _cosigners, urls, _policy = setting
    other = transparency.Signer.generate("elsewhere.example/log")
    from supplyline.ledger.note import Checkpoint, sign_checkpoint

    note = sign_checkpoint(Checkpoint("elsewhere.example/log", 0, hashlib.sha256(b"").digest()), other)
    assert _post(urls[0], f"old 0\n\n{note}".encode())[0] == 404
    forged = sign_checkpoint(
        Checkpoint("example.org/purl", 0, hashlib.sha256(b"").digest()),
        transparency.Signer.generate("example.org/purl"),
    )
    assert _post(urls[0], f"old 0\n\n{forged}".encode())[0] == 403
    assert _post(urls[0], b"new 0\n\n")[0] == 400

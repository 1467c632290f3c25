"""Issue 14 item 4 end to end: the ledger asks the witnesses of SUPPLYLINE_WITNESS_POLICY on
each commit and publishes the cosigned checkpoint (`supplyline checkpoint`, the API's
/log/checkpoint, `publish tiles`); an auditor's 2-of-3 policy accepts it. Forked, each fork
gets one witness; the other answers 409 (and 422 from the size it names), the fork keeps
writing with a warning, and the policy refuses the fork's proofs. Cosignatures are checked
with the spec-only implementation of tests/test_witness.py."""

from __future__ import annotations

import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.ledger.cosignature import Cosigner
from supplyline.ledger.note import b64
from supplyline.services.context import open_store
from supplyline.services.log import signing
from supplyline.services.log.witness import Witness
from supplyline.store import keyfile
from supplyline.store import merkle as tree
from test_witness import _post, _serve, independent_cosignature_check

runner = CliRunner()
DASH = "\u2014"


def flat(output: str) -> str:
    return " ".join(output.split())


class Fork:
    def __init__(self, tmp_path, name: str):
        self.db, self.key = tmp_path / f"{name}.db", tmp_path / f"{name}.key"
        self.url = f"sqlite:///{self.db}"

    def cli(self, *args: str, policy=None):
        env = {"SUPPLYLINE_SIGNING_KEY": str(self.key), "SUPPLYLINE_WITNESS_POLICY": str(policy) if policy else None}
        return runner.invoke(app, ["--db", self.url, *args], env=env)

    def add(self, party: str, policy) -> None:
        result = self.cli("party", "add", party, "--name", f"Party {party}", "--kind", "company", policy=policy)
        assert result.exit_code == 0, result.output

    def served_checkpoint(self, monkeypatch) -> str:
        monkeypatch.setenv("SUPPLYLINE_SIGNING_KEY", str(self.key))
        store = open_store(self.url)
        signing.attach(store, self.key)
        try:
            with TestClient(create_app(store, read_cache=False)) as client:
                answer = client.get("/api/v1/log/checkpoint")
                assert answer.status_code == 200
                return answer.text
        finally:
            store.engine.dispose()


@pytest.fixture
def witnessed(tmp_path):
    """Ledger A (key pinned), three witnesses on loopback trusting its key, a 2-of-3 policy."""
    a = Fork(tmp_path, "a")
    assert a.cli("init", "--log-name", "example.org/purl").exit_code == 0
    log_key = keyfile.load(a.key).verifier
    cosigners = [Cosigner.generate(f"witness.example/w{i}") for i in (1, 2, 3)]
    servers = [_serve(Witness(c, [log_key], tmp_path / f"w{i}")) for i, c in enumerate(cosigners, start=1)]
    urls = [s[2] for s in servers]
    witness_lines = [f"witness w{i} {c.key} {urls[i - 1]}" for i, c in enumerate(cosigners, start=1)]

    def policy(name: str, names: list[int], quorum: str) -> Path:
        path = tmp_path / f"{name}.policy"
        lines = [f"log {log_key}", *(witness_lines[i - 1] for i in names)]
        path.write_text("\n".join([*lines, *quorum.splitlines()]) + "\n")
        return path

    two_of_three = policy("all", [1, 2, 3], "group two-of-three 2 w1 w2 w3\nquorum two-of-three")
    yield a, cosigners, urls, policy, two_of_three
    for server, thread, _ in servers:
        server.should_exit = True
        thread.join(timeout=10)


def _audit_inclusion(fork: Fork, tmp_path, seq: int, checkpoint: str, policy) -> Result:
    proof = tmp_path / f"proof-{fork.db.stem}-{seq}.json"
    assert fork.cli("proof", "inclusion", str(seq), "--out", str(proof)).exit_code == 0
    (tmp_path / "checkpoint.txt").write_text(checkpoint)
    return runner.invoke(
        app,
        ["audit", "inclusion", str(proof), "--checkpoint", str(tmp_path / "checkpoint.txt"), "--policy", str(policy)],
    )


def test_the_ledger_publishes_cosigned_checkpoints_and_a_split_view_is_refused(witnessed, tmp_path, monkeypatch):
    a, cosigners, urls, policy, two_of_three = witnessed
    w1, w2, w3 = (c.key for c in cosigners)
    for party in ("P1", "P2", "P3"):
        a.add(party, two_of_three)  # each commit asks all three witnesses
    size = 4  # KeyPinned and three parties

    printed = a.cli("checkpoint").stdout
    assert printed.startswith(f"example.org/purl\n{size}\n") and printed.count(f"{DASH} witness.example/") == 3
    assert a.served_checkpoint(monkeypatch) == printed
    for key in (w1, w2, w3):
        assert independent_cosignature_check(printed, key.name, key.public_key) > 1_700_000_000
    accepted = _audit_inclusion(a, tmp_path, 2, printed, two_of_three)
    assert accepted.exit_code == 0, accepted.output
    published = tmp_path / "tiles"
    assert a.cli("publish", "tiles", str(published)).exit_code == 0
    assert (published / "checkpoint").read_text() == printed
    follow = runner.invoke(
        app,
        [
            "audit",
            "follow",
            "--once",
            "--tiles",
            str(published),
            "--policy",
            str(two_of_three),
            "--state",
            str(tmp_path / "m.json"),
        ],
    )
    assert follow.exit_code == 0, follow.output

    # the operator forks: the same key, two histories from event #5 on, each shown to one witness
    b = Fork(tmp_path, "b")
    with sqlite3.connect(a.db) as source, sqlite3.connect(b.db) as target:
        source.backup(target)  # the whole database, whatever its journal holds
    shutil.copy(a.key, b.key)
    only_w1 = policy("w1", [1], "quorum w1")
    only_w2 = policy("w2", [2], "quorum w2")
    a.add("FORK-A", only_w1)
    b.add("FORK-B", only_w2)
    cosigned_a, cosigned_b = a.served_checkpoint(monkeypatch), b.served_checkpoint(monkeypatch)
    assert (
        cosigned_a.startswith(f"example.org/purl\n{size + 1}\n") and cosigned_a.count(f"{DASH} witness.example/") == 1
    )
    assert independent_cosignature_check(cosigned_a, w1.name, w1.public_key) > 1_700_000_000
    assert independent_cosignature_check(cosigned_b, w2.name, w2.public_key) > 1_700_000_000
    assert cosigned_a.split("\n")[2] != cosigned_b.split("\n")[2]  # two roots for one size

    # w2 has cosigned fork B at size 5: fork A's checkpoint, proved from the common size, is refused
    note_a = cosigned_a.split(f"{DASH} witness.example/")[0]
    engine = open_store(a.url).engine
    with engine.connect() as conn:
        proof = tree.consistency_proof(conn, size, size + 1)
    engine.dispose()
    body = f"old {size}\n" + "".join(f"{b64(p)}\n" for p in proof) + "\n" + note_a
    assert _post(urls[1], body.encode()) == (409, "text/x.tlog.size", f"{size + 1}\n")
    # fork A asks w2 on its next commit: refused (422 after the 409), the write goes through with a warning
    both = policy("w1w2", [1, 2], "group any 1 w1 w2\nquorum any")
    written = a.cli("party", "add", "FORK-A2", "--name", "Another", "--kind", "company", policy=both)
    assert written.exit_code == 0, written.output
    assert "witness w2 refused the checkpoint of size 6: HTTP 422" in flat(written.output)
    assert a.served_checkpoint(monkeypatch).count(f"{DASH} witness.example/w1 ") == 1
    assert f"{DASH} witness.example/w2 " not in a.served_checkpoint(monkeypatch)

    # an auditor with the 2-of-3 policy refuses each fork's proofs
    for fork, seq, cosigned, witness in ((a, 6, a.served_checkpoint(monkeypatch), "w1"), (b, 5, cosigned_b, "w2")):
        refused = _audit_inclusion(fork, tmp_path, seq, cosigned, two_of_three)
        assert refused.exit_code == 1
        assert (
            f"the checkpoint is cosigned by 1 of the policy's witnesses ({witness}); its quorum needs "
            "2 of (w1, w2, w3): a split view of the log is not ruled out" in flat(refused.stderr)
        )


def test_a_write_goes_through_with_a_warning_when_a_witness_is_unreachable(witnessed, tmp_path, monkeypatch):
    a, _cosigners, urls, policy, _two_of_three = witnessed
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    path = policy("dead", [1, 2, 3], "group two-of-three 2 w1 w2 w3\nquorum two-of-three")
    path.write_text(path.read_text().replace(urls[2], f"http://127.0.0.1:{dead}"))
    written = a.cli("party", "add", "P9", "--name", "Late", "--kind", "company", policy=path)
    assert written.exit_code == 0, written.output
    assert f"witness w3 is unreachable at http://127.0.0.1:{dead}/add-checkpoint" in flat(written.output)
    served = a.served_checkpoint(monkeypatch)
    assert served.startswith("example.org/purl\n2\n")
    assert served.count(f"{DASH} witness.example/") == 2 and f"{DASH} witness.example/w3 " not in served
    assert a.cli("verify").exit_code == 0

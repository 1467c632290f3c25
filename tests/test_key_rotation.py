"""`supplyline key rotate` (issue 14 item 2): the log hands itself over to a new key by a
KeyRotated event the old key signs. After it `verify`, `serve` and the dashboard accept the
new key; the retired key, or a key the log never named, is refused with a message naming
both keys. A server started before the rotation follows it. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.ledger.note import Checkpoint, Signer, open_note
from supplyline.services.context import open_store
from supplyline.services.log import signing
from supplyline.services.log.integrity import roots_at
from supplyline.store import keyfile

runner = CliRunner()


class Ledger:
    def __init__(self, url: str, key: Path):
        self.url, self.key = url, key
        self.env = {"SUPPLYLINE_SIGNING_KEY": str(key)}

    def cli(self, *args: str):
        return runner.invoke(app, ["--db", self.url, *args], env=self.env)

    def head_note(self) -> str:
        engine = create_engine(self.url)
        with engine.connect() as conn:
            note = conn.execute(text("SELECT checkpoint FROM ledger_head WHERE id = 1")).scalar_one()
        engine.dispose()
        return note

    def server(self):
        store = open_store(self.url)
        signing.attach(store, self.key)
        return store, TestClient(create_app(store, read_cache=False))


@pytest.fixture
def ledger(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPPLYLINE_SIGNING_KEY", str(tmp_path / "ledger.key"))  # where the server looks
    target = Ledger(db_url, tmp_path / "ledger.key")
    assert target.cli("init").exit_code == 0
    for party in ("NL", "DE"):
        result = target.cli("party", "add", party, "--name", f"Party {party}", "--kind", "government")
        assert result.exit_code == 0, result.output
    return target


def _token(ledger: Ledger) -> str:
    result = ledger.cli("--as", "NL", "token", "create", "--party", "NL", "--role", "coordinator", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["secret"]


def flat(output: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(output.split())


def _signers(note: str, *keys: Signer) -> list[str]:
    _, signed = open_note(note.encode(), [k.verifier for k in keys])
    return [str(v) for v in signed]


def test_a_rotation_hands_the_log_to_the_new_key_and_everything_accepts_it(ledger):
    old = keyfile.load(ledger.key)
    secret = _token(ledger)  # event #4: issued under the old key
    result = ledger.cli("key", "rotate")
    assert result.exit_code == 0, result.output
    new = keyfile.load(ledger.key)
    assert new.name == old.name and str(new.verifier) != str(old.verifier)
    assert "the log's signing key was rotated (event #5, KeyRotated, signed by the old key)" in flat(result.stdout)
    assert f"new verifier key: {new.verifier}" in flat(result.stdout)
    retired = ledger.key.with_name(f"ledger.key.retired-{old.verifier.id.hex()}")
    assert keyfile.load(retired).verifier == old.verifier
    # the rotation's own checkpoint carries both keys' signatures: readable during the change-over
    assert _signers(ledger.head_note(), old, new) == [str(old.verifier), str(new.verifier)]

    assert ledger.cli("party", "add", "PL", "--name", "Poland", "--kind", "government").exit_code == 0
    assert _signers(ledger.head_note(), old, new) == [str(new.verifier)]  # from now on the new key alone
    verified = ledger.cli("verify")
    assert verified.exit_code == 0, verified.output
    assert "6 events, head " in flat(verified.stdout) and f"signed up to #6 by {new.verifier}" in flat(verified.stdout)

    store, client = ledger.server()
    with client:
        assert client.get("/api/v1/log/key").text == f"{new.verifier}\n"
        me = client.get("/api/v1/ledger/verify", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 200 and me.json()["ok"] is True
        page = client.get("/ledger").text
        assert '<span class="badge ok">verified</span>' in page
    store.engine.dispose()


def test_the_retired_key_put_back_is_refused_by_verify_serve_and_writes(ledger):
    old = keyfile.load(ledger.key)
    assert ledger.cli("key", "rotate").exit_code == 0
    new = keyfile.load(ledger.key)
    ledger.key.unlink()
    ledger.key.write_text(f"{old}\n")
    ledger.key.chmod(0o600)

    result = ledger.cli("verify")
    assert result.exit_code == 1
    assert f"({old.verifier}) is not the key the log names ({new.verifier}, event #4)" in flat(result.stderr)
    served = ledger.cli("serve", "--port", "1")
    assert served.exit_code == 1 and "refusing to serve" in flat(served.stderr)
    write = ledger.cli("party", "add", "PL", "--name", "Poland", "--kind", "government")
    assert write.exit_code == 2
    assert f"the signing key ({old.verifier}) is not the key the log names ({new.verifier})" in flat(write.stderr)
    # nor can the retired key rotate the log again
    again = ledger.cli("key", "rotate")
    assert again.exit_code == 2
    assert f"the key given ({old.verifier}) is not the one the log names ({new.verifier})" in flat(again.stderr)


def test_a_checkpoint_the_retired_key_signs_after_the_rotation_is_named(ledger):
    """The old key leaked: whoever holds it signs a later tree; verify refuses that signature."""
    old = keyfile.load(ledger.key)
    assert ledger.cli("key", "rotate").exit_code == 0
    new = keyfile.load(ledger.key)
    assert ledger.cli("party", "add", "PL", "--name", "Poland", "--kind", "government").exit_code == 0
    engine = create_engine(ledger.url)
    with engine.connect() as conn:
        root = roots_at(conn, [5])[5]
    engine.dispose()
    forged = old.sign(Checkpoint(old.name, 5, root).text())
    with open(signing.checkpoint_file(ledger.key), "a") as out:
        out.write(base64.b64encode(forged.encode()).decode() + "\n")
    result = ledger.cli("verify")
    assert result.exit_code == 1
    assert (
        f"it signs 5 events with {old.verifier}, a key the log does not name for that size; "
        f"{new.verifier} (named by event #4) does" in flat(result.stderr)
    )


def test_a_server_started_before_the_rotation_follows_it(ledger):
    old = keyfile.load(ledger.key)
    secret = _token(ledger)
    store, client = ledger.server()
    with client:
        auth = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/ledger/verify", headers=auth).status_code == 200
        assert ledger.cli("key", "rotate").exit_code == 0  # another process rotates
        new = keyfile.load(ledger.key)
        assert ledger.cli("party", "add", "PL", "--name", "Poland", "--kind", "government").exit_code == 0
        # the head is now signed by the new key alone: the server takes it from the key file
        assert client.get("/api/v1/ledger/verify", headers=auth).status_code == 200
        answer = client.post(
            "/api/v1/parties", json={"id": "CZ", "name": "Czechia", "kind": "government"}, headers=auth
        )
        assert answer.status_code == 201, answer.text
        assert _signers(ledger.head_note(), old, new) == [str(new.verifier)]
        assert store.signing.verifier == new.verifier
    store.engine.dispose()
    assert ledger.cli("verify").exit_code == 0


def test_a_server_does_not_take_a_replaced_key_file_the_log_does_not_name(ledger):
    secret = _token(ledger)
    store, client = ledger.server()
    pinned = store.signing.verifier
    with client:
        intruder = Signer.generate(pinned.name)
        ledger.key.unlink()
        ledger.key.write_text(f"{intruder}\n")
        ledger.key.chmod(0o600)
        auth = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/ledger/verify", headers=auth).status_code == 200
        answer = client.post(
            "/api/v1/parties", json={"id": "CZ", "name": "Czechia", "kind": "government"}, headers=auth
        )
        assert answer.status_code == 201  # still signed with the key the log names
        assert store.signing.verifier == pinned
    store.engine.dispose()

"""`audit follow`: a monitor following a published log resumes from its state file, checks
each new checkpoint extends the last seen and each new entry against the tree, and stops
with exit 1 naming the first inconsistency."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.services.context import Actor, open_store
from supplyline.services.log import signing, transparency
from test_tiles import grow

runner = CliRunner()


def ledger(tmp_path, name: str, key):
    store = open_store(f"sqlite:///{tmp_path / name}.db", create=True)
    signing.attach(store, key)
    signing.pin_key(store, Actor("operator", via="test"))
    return store


def follow(pub, state, key):
    return runner.invoke(app, ["audit", "follow", "--tiles", str(pub), "--state", str(state), "--key", key, "--once"])


def test_a_monitor_follows_resumes_and_names_a_rewritten_history_or_a_changed_entry(tmp_path):
    key_file = tmp_path / "log.key"
    transparency.ensure_key(key_file, "example.org/purl")
    key = str(transparency.load_key(key_file).verifier)
    store = ledger(tmp_path, "a", key_file)
    grow(store, 299, "CO")
    pub, state = tmp_path / "pub", tmp_path / "monitor.json"
    transparency.publish_tiles(store, store.signing.signer, pub)
    first = follow(pub, state, key)
    assert first.exit_code == 0, first.output
    assert "example.org/purl at size 300: consistent with size 0, 300 new entries checked" in first.stdout
    grow(store, 20, "MORE")
    transparency.publish_tiles(store, store.signing.signer, pub)
    second = follow(pub, state, key)
    assert second.exit_code == 0, second.output
    assert "at size 320: consistent with size 300, 20 new entries checked" in second.stdout

    # the same key publishing another history (a fork from size 290): the monitor says so
    fork = ledger(tmp_path, "b", key_file)
    grow(fork, 330, "FORK")
    transparency.publish_tiles(fork, fork.signing.signer, tmp_path / "forked")
    forked = follow(tmp_path / "forked", state, key)
    assert forked.exit_code == 1
    assert "INVALID: the checkpoint of size 331 does not extend the one seen at size 320" in forked.stderr

    # an entry changed in the published bundle: named by its event number
    shutil.copytree(pub, tmp_path / "tampered")
    grow(store, 5, "LAST")
    transparency.publish_tiles(store, store.signing.signer, tmp_path / "tampered")
    bundle = tmp_path / "tampered" / "tile" / "entries" / "001.p" / "69"
    raw = bytearray(bundle.read_bytes())
    raw[2 + 34 * 66] ^= 1  # the first byte of event #323's entry (index 322 = 256 + 66)
    bundle.write_bytes(bytes(raw))
    tampered = follow(tmp_path / "tampered", state, key)
    assert tampered.exit_code == 1
    assert "INVALID: event #323: its entry in tile/entries/001.p/69 does not hash to its leaf in the tree" in (
        tampered.stderr
    )
    store.engine.dispose()
    fork.engine.dispose()

"""A witness's state (store/witness_state.py): what it keeps per log survives the process, is
shared by every process on the directory, takes over the file per log older state
directories held, and a refused or failed request keeps nothing; `witness init` and
`witness key` print the key a policy names."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.ledger.cosignature import Cosigner, CosignerKey
from supplyline.ledger.note import Checkpoint, Signer, sign_checkpoint
from supplyline.services.log.witness import Witness, origin_hash
from supplyline.store.witness_state import WitnessState

EMPTY = hashlib.sha256(b"").digest()


def test_state_is_kept_shared_taken_over_and_never_half_written(tmp_path):
    log = Signer.generate("example.org/log")
    origin = origin_hash(log.name)
    before = sign_checkpoint(Checkpoint(log.name, 1, hashlib.sha256(b"a leaf").digest()), log)
    (tmp_path / origin).write_text(before)  # a state directory from before the database
    (tmp_path / "notes.txt").write_text("not a log's state")

    witness = Witness(Cosigner.generate("witness.example/w"), [log.verifier], tmp_path, fsync=True)
    assert witness.latest(origin) == before and not (tmp_path / origin).exists()
    assert (tmp_path / "notes.txt").exists()
    # the old size is checked against what was taken over: size 1, not 0
    later = sign_checkpoint(Checkpoint(log.name, 2, EMPTY), log)
    assert witness.add_checkpoint(f"old 0\n\n{later}".encode()).body == "1\n"

    other = WitnessState(tmp_path)  # a second server process on the same directory
    with other.claim(origin) as held:
        assert held.note == before
        held.keep("a later checkpoint\n")
    assert witness.latest(origin) == "a later checkpoint\n"
    with pytest.raises(RuntimeError), other.claim(origin) as held:
        held.keep("never kept\n")
        raise RuntimeError("the answer could not be made")
    assert witness.latest(origin) == "a later checkpoint\n" and witness.latest("0" * 64) is None
    other.close()


def test_witness_init_and_key_print_the_verifier_key(tmp_path):
    runner = CliRunner()
    key = tmp_path / "w.key"
    created = runner.invoke(app, ["witness", "init", "--key", str(key), "--name", "witness.example/funder-nl"])
    assert created.exit_code == 0, created.output
    printed = created.stdout.strip().splitlines()[-1]
    parsed = CosignerKey.parse(printed)
    assert parsed.name == "witness.example/funder-nl" and f"created at {key}" in created.stdout
    again = runner.invoke(app, ["witness", "key", "--key", str(key)])
    assert again.exit_code == 0 and again.stdout.strip() == printed
    kept = runner.invoke(app, ["witness", "init", "--key", str(key), "--name", "another"])
    assert kept.exit_code == 0 and kept.stdout.strip().splitlines()[-1] == printed
    assert oct(key.stat().st_mode & 0o777) == "0o600"

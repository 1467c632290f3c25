"""Static publication as C2SP tlog-tiles, and audits that read only the published files."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyline.cli.main import app
from supplyline.domain import party as party_domain
from supplyline.domain.party import Party
from supplyline.ledger import merkle, note, tiles
from test_merkle import rfc_leaf, rfc_mth

runner = CliRunner()


def grow(store, n: int, prefix: str) -> None:
    """Append n events in one transaction (as an import would)."""
    with store.write("operator") as uow:
        for i in range(n):
            party = uow.get(Party, f"{prefix}-{i}")
            uow.record(party, party_domain.register(party, name=f"Company {i}", kind="company", country="NL"))


@pytest.fixture
def log(sqlite_store, sqlite_url, tmp_path):
    def run(*args, code=0):
        result = runner.invoke(app, ["--db", sqlite_url, *args])
        assert result.exit_code == code, result.output
        return result.output

    run("init")
    grow(sqlite_store, 599, "CO")  # with init's KeyPinned: two full level-0 tiles and a partial one
    return {
        "run": run,
        "store": sqlite_store,
        "dir": tmp_path / "pub",
        "key": run("key", "export").strip(),
        "tmp": tmp_path,
    }


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_publish_writes_the_spec_layout(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    published = files(log["dir"])
    assert sorted(published) == [
        "checkpoint",
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/88",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
    ]
    with log["store"].read() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
    leaves = [rfc_leaf(h) for h in hashes]
    assert published["tile/0/000"] == b"".join(leaves[:256])
    assert published["tile/0/002.p/88"] == b"".join(leaves[512:600])
    assert published["tile/1/000.p/2"] == rfc_mth(leaves[:256]) + rfc_mth(leaves[256:512])
    assert published["tile/entries/001"] == b"".join(b"\x00\x20" + h for h in hashes[256:512])
    checkpoint = note.open_checkpoint(published["checkpoint"], note.Verifier.parse(log["key"]))
    assert (checkpoint.size, checkpoint.root) == (600, rfc_mth(leaves))


def test_publishing_again_only_adds_and_replaces_the_checkpoint(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    first = files(log["dir"])
    old_checkpoint = log["tmp"] / "old-cp"
    old_checkpoint.write_bytes(first["checkpoint"])
    grow(log["store"], 300, "LATE")
    out = log["run"]("publish", "tiles", str(log["dir"]), "--json")
    assert json.loads(out)["size"] == 900
    second = files(log["dir"])
    for path, content in first.items():  # immutable resources stay byte for byte
        if path != "checkpoint":
            assert second[path] == content
    assert set(second) - set(first) == {
        "tile/0/002",
        "tile/0/003.p/132",
        "tile/1/000.p/3",
        "tile/entries/002",
        "tile/entries/003.p/132",
    }
    assert second["checkpoint"] != first["checkpoint"]
    # the old checkpoint's partial tiles are still there, so it can be audited against the new one
    result = runner.invoke(
        app,
        [
            "audit",
            "checkpoints",
            str(old_checkpoint),
            str(log["dir"] / "checkpoint"),
            "--key",
            log["key"],
            "--tiles",
            str(log["dir"]),
        ],
    )
    assert result.exit_code == 0 and "the checkpoint of size 900 extends the one of size 600" in result.output


def test_publish_refuses_a_directory_that_disagrees(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    tile = log["dir"] / "tile/0/000"
    tile.write_bytes(b"\x00" * 32 + tile.read_bytes()[32:])
    out = log["run"]("publish", "tiles", str(log["dir"]), code=2)
    assert "tile/0/000 already holds different bytes" in out


def test_audit_takes_proofs_from_tiles_and_checks_every_hash(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    proof = log["tmp"] / "p.json"
    proof.write_text(log["run"]("proof", "inclusion", "300", "--size", "450"))
    ok = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", str(log["dir"]), "--key", log["key"]])
    assert ok.exit_code == 0, ok.output
    assert "and in the published log" in ok.output and "size 600" in ok.output

    full = log["dir"] / "tile/0/001"
    content = full.read_bytes()
    full.write_bytes(content[:64] + bytes([content[64] ^ 1]) + content[65:])
    bad = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", str(log["dir"]), "--key", log["key"]])
    assert bad.exit_code == 1
    assert "tile tile/0/001 does not hash to the entry its parent tile holds for it" in bad.output
    full.write_bytes(content)

    edge = log["dir"] / "tile/1/000.p/2"
    edge_content = edge.read_bytes()
    edge.write_bytes(bytes([edge_content[0] ^ 1]) + edge_content[1:])
    bad_edge = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", str(log["dir"]), "--key", log["key"]])
    assert bad_edge.exit_code == 1 and "do not hash to the checkpoint's root" in bad_edge.output
    edge.write_bytes(edge_content)

    (log["dir"] / "tile/0/001").unlink()
    missing = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", str(log["dir"]), "--key", log["key"]])
    assert missing.exit_code == 1 and "tile tile/0/001 is missing" in missing.output


def test_audit_needs_no_database(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    proof = log["tmp"] / "p.json"
    proof.write_text(log["run"]("proof", "inclusion", "17"))
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    result = runner.invoke(
        app,
        ["--db", unreachable, "audit", "inclusion", str(proof), "--tiles", str(log["dir"]), "--key", log["key"]],
        env={"SUPPLYLINE_DB": unreachable},
    )
    assert result.exit_code == 0, result.output
    assert "event #17" in result.output and "in the published log" in result.output


def test_audit_reads_tiles_over_http(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    handler = functools.partial(_QuietHandler, directory=str(log["dir"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        proof = log["tmp"] / "p.json"
        proof.write_text(log["run"]("proof", "inclusion", "599"))
        result = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", url, "--key", log["key"]])
        assert result.exit_code == 0, result.output
        other = note.Signer.generate("supplyline.local/ledger").verifier
        wrong_key = runner.invoke(app, ["audit", "inclusion", str(proof), "--tiles", url, "--key", str(other)])
        assert wrong_key.exit_code == 1 and "no signature by a trusted key" in wrong_key.output
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def test_the_entry_bundles_hash_to_the_level_zero_tiles(log):
    log["run"]("publish", "tiles", str(log["dir"]))
    bundle = (log["dir"] / "tile/entries/002.p/88").read_bytes()
    entries = []
    while bundle:
        length = int.from_bytes(bundle[:2], "big")
        entries.append(bundle[2 : 2 + length])
        bundle = bundle[2 + length :]
    tile = (log["dir"] / "tile/0/002.p/88").read_bytes()
    assert b"".join(hashlib.sha256(b"\x00" + e).digest() for e in entries) == tile


def test_a_tile_too_short_or_cut_mid_hash_is_refused_by_name():
    from supplyline.ledger.merkle import ProofError

    with pytest.raises(ProofError, match=r"tile tile/0/000 is too short for subtree \(1, 1\)"):
        tiles.subtree_hashes({(1, 1)}, {(0, 0): bytes(32 * 3)})
    with pytest.raises(ProofError, match="tile tile/0/000 is 129 bytes, not a whole number of hashes"):
        tiles.subtree_hashes({(1, 1)}, {(0, 0): bytes(129)})
    # a subtree over the first two of three hashes is their node hash
    a, b = bytes([1]) * 32, bytes([2]) * 32
    assert tiles.subtree_hashes({(1, 0)}, {(0, 0): a + b + bytes(32)}) == {(1, 0): merkle.node_hash(a, b)}

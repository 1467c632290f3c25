"""The RFC 6962 tree: the published vectors through `supplyline audit`, the reference tree
heads, and supplyline's proofs checked by a second, independent verifier written here from
the RFC's definitions (recursive MTH / PATH / PROOF, not the iterative algorithm the
product uses)."""

from __future__ import annotations

import base64
import hashlib
import json
import random

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from supplyline.cli.main import app
from supplyline.domain import party as party_domain
from supplyline.domain.party import Party
from supplyline.ledger import merkle, tiles
from supplyline.ledger.chain import hash_input
from supplyline.services import bus
from supplyline.services.log import transparency
from supplyline.store import merkle as stored_tree

TRANSPARENCY = SHARED / "transparency"
VECTORS = sorted((TRANSPARENCY / "vectors").glob("*/*/*.json")) if (TRANSPARENCY / "vectors").is_dir() else []
runner = CliRunner()


def need_shared() -> None:
    if not TRANSPARENCY.is_dir():
        pytest.skip(f"the shared transparency data is absent ({TRANSPARENCY})")


# --- an independent RFC 6962 implementation, from the RFC text ------------------------------


def rfc_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def rfc_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def rfc_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def rfc_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes (section 2.1)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = rfc_k(len(leaves))
    return rfc_node(rfc_mth(leaves[:k]), rfc_mth(leaves[k:]))


def rfc_root_from_path(m: int, n: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """Undo PATH(m, D[n]) (section 2.1.1): the last proof element is the outermost sibling."""
    if n == 1:
        assert proof == [], "a one-leaf tree has an empty path"
        return leaf
    assert proof, "the path is too short"
    k = rfc_k(n)
    *inner, sibling = proof
    if m < k:
        return rfc_node(rfc_root_from_path(m, k, leaf, inner), sibling)
    return rfc_node(sibling, rfc_root_from_path(m - k, n - k, leaf, inner))


def rfc_roots_from_subproof(m: int, n: int, proof: list[bytes], b: bool, old_root: bytes) -> tuple[bytes, bytes]:
    """Undo SUBPROOF(m, D[n], b) (section 2.1.2): returns (MTH(D[0:m]) part, MTH(D[n]))."""
    if m == n:
        if b:
            assert proof == []
            return old_root, old_root
        assert len(proof) == 1
        return proof[0], proof[0]
    k = rfc_k(n)
    *inner, last = proof
    if m <= k:
        old, new = rfc_roots_from_subproof(m, k, inner, b, old_root)
        return old, rfc_node(new, last)
    old, new = rfc_roots_from_subproof(m - k, n - k, inner, False, old_root)
    return rfc_node(last, old), rfc_node(last, new)


def rfc_check_consistency(m: int, n: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    old, new = rfc_roots_from_subproof(m, n, proof, True, old_root)
    return old == old_root and new == new_root


# --- the published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("path", VECTORS, ids=[f"{p.parent.parent.name}/{p.parent.name}/{p.name}" for p in VECTORS])
def test_every_vector_through_audit_cli(path):
    kind = path.parent.parent.name
    want_err = json.loads(path.read_text())["wantErr"]
    result = runner.invoke(app, ["audit", kind, str(path)])
    assert result.exit_code == (1 if want_err else 0), result.output
    assert ("INVALID" in result.output) == want_err


def test_older_vectors_name_the_index_leafIndex(tmp_path):
    """Older transparency-dev vector files call the 0-based index leafIndex."""
    need_shared()
    doc = json.loads((TRANSPARENCY / "vectors/inclusion/1/happy-path.json").read_text())
    doc["leafIndex"] = doc.pop("leafIdx")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    assert runner.invoke(app, ["audit", "inclusion", str(path)]).exit_code == 0
    doc["leafIndex"] = 1
    path.write_text(json.dumps(doc))
    assert runner.invoke(app, ["audit", "inclusion", str(path)]).exit_code == 1


def test_vectors_are_present():
    need_shared()
    assert len(VECTORS) == 92  # 41 consistency + 51 inclusion cases
    assert {p.parent.parent.name for p in VECTORS} == {"inclusion", "consistency"}


def test_reference_tree_heads_from_the_pure_and_the_tiled_tree():
    """The tiles code the store uses, grown one leaf at a time, gives the reference heads."""
    need_shared()
    ref = json.loads((TRANSPARENCY / "reference-tree.json").read_text())
    leaves = [merkle.leaf_hash(bytes.fromhex(x)) for x in ref["leaf_inputs_hex"]]
    stored: dict[tiles.TileId, bytes] = {}
    for n in range(len(leaves)):
        edge = {level: stored[(level, idx)] for level, idx in tiles.edge_tiles(n)}
        stored.update(tiles.extend(n, edge, [leaves[n]]))
    for n, want in enumerate(ref["root_hashes_hex_by_size"]):
        assert merkle.root_of(leaves[:n]).hex() == want

        def read(subtrees, n=n):
            return tiles.subtree_hashes(
                subtrees, {(lv, i): v[: tiles.width_at(lv, i, n) * 32] for (lv, i), v in stored.items()}
            )

        assert merkle.tree_head(n, read).hex() == want


def test_recent_trees_prove_consistency_from_memory_as_the_tree_does():
    """What the log sends its witnesses after each commit, from the trees of its last commits:
    the same proofs as from the whole tree, and none for a size it no longer keeps."""
    from supplyline.ledger.compact import CompactRange, RecentTrees

    rng = random.Random(7)
    leaves = [merkle.leaf_hash(rng.randbytes(32)) for _ in range(300)]

    def read(subtrees):
        return {(h, i): merkle.root_of(leaves[i << h : (i + 1) << h]) for h, i in subtrees}

    recent, edge = RecentTrees(sizes=40, leaves=250), CompactRange.of(5, [merkle.root_of(leaves[:4]), leaves[4]])
    recent.restart(edge)  # read from the store: the tree of 5 leaves
    sizes = [5]
    while edge.size < 300:
        batch = leaves[edge.size : edge.size + rng.choice((1, 1, 2, 7, 16))]
        edge.extend(batch)
        recent.grown(batch, edge)
        sizes.append(edge.size)
    kept, forgotten = sizes[-40:], sizes[:-40]
    for old in kept[:-1]:
        for new in (old + 1, sizes[-1]):
            assert recent.consistency_proof(old, new) == merkle.consistency_proof(old, new, read)
        assert recent.root(old) == merkle.root_of(leaves[:old])
    assert recent.consistency_proof(forgotten[-1], sizes[-1]) is None
    assert recent.consistency_proof(kept[-1], kept[-1] + 1) is None  # not appended yet
    edge.extend(leaves[:251])
    recent.grown(leaves[:251], edge)  # more leaves at once than it keeps: it starts from there
    assert recent.consistency_proof(kept[-1], edge.size) is None and recent.root(edge.size) == edge.root()
    recent.grown(leaves[:1], CompactRange.of(1, leaves[:1]))  # not the newest tree: starts afresh
    assert recent.root(edge.size) is None and recent.root(1) == leaves[0]


# --- supplyline's proofs against the independent verifier --------------------------------------


def _synthetic_tree(conn, n: int) -> list[bytes]:
    """n events whose hashes are random (bulk-inserted, chain not meaningful), and their tree."""
    from supplyline.store import schema as t

    rng = random.Random(n)
    hashes = [rng.randbytes(32) for _ in range(n)]
    rows = [
        {
            "seq": i + 1,
            "body": hash_input(
                i + 1, f"x:{i + 1}", 1, "2026-01-01T00:00:00.000000Z", "bench", "Synthetic", "{}", "{}", "0" * 64
            ).decode(),
            "hash": h.hex(),
        }
        for i, h in enumerate(hashes)
    ]
    for start in range(0, n, 10000):
        conn.execute(t.events.insert(), rows[start : start + 10000])
    conn.execute(t.ledger_head.update().values(seq=n, hash=hashes[-1].hex()))
    stored_tree.catch_up(conn)
    return [merkle.leaf_hash(h) for h in hashes]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 255, 256, 257, 513, 1000])
def test_stored_proofs_verify_independently(sqlite_store, n):
    with sqlite_store.locked() as conn:
        leaves = _synthetic_tree(conn, n)
    rng = random.Random(7)
    with sqlite_store.read() as conn:
        for size in sorted({n, 1, max(1, n // 2), max(1, n - 1)} | {rng.randint(1, n) for _ in range(4)}):
            root = rfc_mth(leaves[:size])
            assert stored_tree.tree_head(conn, size) == root
            for m in {0, size - 1, size // 2, rng.randrange(size)}:
                proof = stored_tree.inclusion_proof(conn, m, size)
                assert rfc_root_from_path(m, size, leaves[m], proof) == root
                merkle.verify_inclusion(m, size, leaves[m], proof, root)
            for old in {1, size // 2, size - 1, size} - {0}:
                proof = stored_tree.consistency_proof(conn, old, size)
                assert rfc_check_consistency(old, size, rfc_mth(leaves[:old]), root, proof)
                merkle.verify_consistency(old, size, rfc_mth(leaves[:old]), root, proof)


def test_large_tree_crosses_tile_levels(sqlite_store):
    """70,000 leaves: the example of the tiles spec (full, partial and level-2 tiles)."""
    n = 70_000
    with sqlite_store.locked() as conn:
        leaves = _synthetic_tree(conn, n)
    with sqlite_store.read() as conn:
        widths = {
            (level, i): len(c) // 32
            for (level, i), c in stored_tree.read_tiles(conn, [(0, 272), (0, 273), (1, 0), (1, 1), (2, 0)], n).items()
        }
        assert widths == {(0, 272): 256, (0, 273): 112, (1, 0): 256, (1, 1): 17, (2, 0): 1}
        root = rfc_mth(leaves)
        assert stored_tree.tree_head(conn, n) == root
        for m in (0, 65_535, 65_536, 69_999, 12_345):
            assert rfc_root_from_path(m, n, leaves[m], stored_tree.inclusion_proof(conn, m, n)) == root
        old = 65_537
        assert rfc_check_consistency(old, n, rfc_mth(leaves[:old]), root, stored_tree.consistency_proof(conn, old, n))
    assert [(level, i, w) for level, i, w in tiles.tiles_of(n) if w < 256] == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]


def test_proof_of_a_ledger_event_verifies_independently(demo_store, demo_sqlite_url, tmp_path):
    out = tmp_path / "p.json"
    result = runner.invoke(app, ["--db", demo_sqlite_url, "proof", "inclusion", "42", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    with demo_store.read() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
    leaves = [rfc_leaf(h) for h in hashes]
    proof = [base64.b64decode(p) for p in doc["proof"]]
    assert doc["leafIdx"] == 41 and doc["treeSize"] == len(hashes) > 100
    assert doc["event"]["seq"] == 42 and bytes.fromhex(doc["event"]["hash"]) == hashes[41]
    assert base64.b64decode(doc["leafHash"]) == leaves[41]
    assert base64.b64decode(doc["root"]) == rfc_mth(leaves)
    assert rfc_root_from_path(41, len(hashes), leaves[41], proof) == rfc_mth(leaves)


def test_consistency_proof_of_the_ledger_verifies_independently(demo_store, demo_sqlite_url):
    with demo_store.read() as conn:
        leaves = [rfc_leaf(bytes.fromhex(h)) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
    n = len(leaves)
    result = runner.invoke(app, ["--db", demo_sqlite_url, "proof", "consistency", "77", str(n)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["size1"], doc["size2"]) == (77, n)
    assert base64.b64decode(doc["root1"]) == rfc_mth(leaves[:77])
    proof = [base64.b64decode(p) for p in doc["proof"]]
    assert rfc_check_consistency(77, n, rfc_mth(leaves[:77]), rfc_mth(leaves), proof)


def test_proof_of_an_unknown_event_or_size_is_refused(demo_store, demo_sqlite_url):
    from conftest import event_count

    n = event_count(demo_store)
    missing = runner.invoke(app, ["--db", demo_sqlite_url, "proof", "inclusion", str(n + 1)])
    assert missing.exit_code == 2 and f"event '{n + 1}' does not exist" in missing.output
    too_big = runner.invoke(app, ["--db", demo_sqlite_url, "proof", "consistency", "10", str(n + 300)])
    assert too_big.exit_code == 2 and f"the ledger holds {n} events" in too_big.output
    before = runner.invoke(app, ["--db", demo_sqlite_url, "proof", "inclusion", "150", "--size", "100"])
    assert before.exit_code == 2 and "event #150 is not in the tree of the first 100 events" in before.output


def test_tree_grows_with_each_append_and_is_rechecked(store):
    """Every write extends the tree in its own transaction; a filled leaf tile is stored
    with the write that fills it (both databases)."""
    from conftest import OPERATOR
    from supplyline.services.records import parties
    from test_tiles import grow

    for i in range(5):
        bus.handle(store, OPERATOR, parties.RegisterParty(id=f"P-{i}", name=f"Party {i}", kind="company", country="NL"))
    grow(store, 251, "A")  # event #256 fills the first leaf tile
    bus.handle(store, OPERATOR, parties.RegisterParty(id="P-last", name="Last", kind="company", country="NL"))
    with store.read() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
        assert stored_tree.tree_size(conn) == 257
        stored = conn.exec_driver_sql("SELECT level, idx, length(hashes) FROM merkle_tiles ORDER BY level").all()
        assert [tuple(r) for r in stored] == [(0, 0, 8192), (1, 0, 32)]
        for n in (5, 256, 257):
            assert stored_tree.tree_head(conn, n) == rfc_mth([rfc_leaf(h) for h in hashes[:n]])
        assert stored_tree.check_tree(conn) == []


def test_leaves_kept_between_writes_are_trusted_only_while_they_continue_the_log(store, db_url):
    """The tree hook keeps the growing tile's leaf hashes from write to write; a write rolled
    back after filling a tile, and another process writing in between, leave it nothing it
    would use, and the tiles stored are the ones recomputed from the events (both databases)."""
    from supplyline.services.context import open_store
    from test_tiles import grow

    other = open_store(db_url)  # a second process on the same database, with its own hook
    grow(store, 200, "A")
    with pytest.raises(RuntimeError), store.write("operator") as uow:  # fills tile 0, then fails
        for i in range(100):
            party = uow.get(Party, f"GONE-{i}")
            uow.record(party, party_domain.register(party, name="Gone", kind="company", country="NL"))
        for hook in store.append_hooks:
            hook(uow.conn, uow.appended)
        raise RuntimeError("the write fails after its tile was stored")
    grow(store, 100, "B")  # tile 0 filled again, by other events
    grow(other, 300, "C")  # tile 1 filled by the other process
    grow(store, 168, "D")  # tile 2 by this one, whose kept leaves stopped at #300: read from the log
    grow(store, 300, "E")  # tile 3 from the leaves kept since #768
    with store.read() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql("SELECT hash FROM events ORDER BY seq")]
        assert len(hashes) == 1068 and stored_tree.tree_size(conn) == 1068
        assert stored_tree.check_tree(conn) == []
        for n in (300, 768, 1024, 1068):
            assert stored_tree.tree_head(conn, n) == rfc_mth([rfc_leaf(h) for h in hashes[:n]])
    other.engine.dispose()


def test_a_lagging_tree_catches_up(sqlite_url):
    """A ledger written without the hook (e.g. migrated from before the tree existed)."""
    from supplyline.services.context import open_store
    from supplyline.store.eventstore import Store
    from test_tiles import grow

    store = open_store(sqlite_url, create=True)
    bare = Store(store.engine)
    grow(bare, 600, "OLD")
    with store.read() as conn:
        assert stored_tree.tree_size(conn) == 255 and stored_tree.lags(conn)
    grow(store, 200, "NEW")  # fills leaf tile 2: catches up tiles 0-1 on the way
    with store.read() as conn:
        assert stored_tree.tree_size(conn) == 800 and stored_tree.check_tree(conn) == []
    grow(bare, 300, "MORE")
    assert transparency.sync_tree(store) == 1100
    with store.read() as conn:
        assert stored_tree.check_tree(conn) == []
    store.engine.dispose()


def test_rebuild_check_catches_a_tampered_tree_and_rebuild_repairs_it(demo_store, demo_sqlite_url):
    from test_tiles import grow

    grow(demo_store, 400, "CO")  # 600 events: two stored leaf tiles and a level-1 tile
    with demo_store.engine.begin() as conn:
        content = conn.exec_driver_sql("SELECT hashes FROM merkle_tiles WHERE level = 1").scalar_one()
        conn.exec_driver_sql("UPDATE merkle_tiles SET hashes = ? WHERE level = 1", (bytes(32) + content[32:],))
    check = runner.invoke(app, ["--db", demo_sqlite_url, "rebuild", "--check"])
    assert check.exit_code == 1, check.output
    assert "merkle_tiles [1, 0].hashes: stored 'hash #0 differs" in check.output
    assert runner.invoke(app, ["--db", demo_sqlite_url, "rebuild"]).exit_code == 0
    assert runner.invoke(app, ["--db", demo_sqlite_url, "rebuild", "--check"]).exit_code == 0

"""The RFC 6962 Merkle tree over the ledger: tree heads, proofs, and their verification.

Written by hand (RFC 6962 section 2.1, verification as in RFC 9162 section 2.1.3.2 and
2.1.4.2) because no Python library gets the proofs right. Leaves are the events' hashes in
global sequence order: leaf hash = SHA-256(0x00 || 32-byte event hash), node hash =
SHA-256(0x01 || left || right), empty tree = SHA-256("").

Proofs are built without ever rehashing the log. Every hash a proof needs is the hash of
a range D[a:b] of the RFC's recursion, and every such range splits into at most
log2(b - a) + 1 *perfect* subtrees (2**h leaves starting at a multiple of 2**h). Those are
what storage keeps (see ``tiles``), so a proof reads O(log n) stored hashes: ask
``proof_subtrees`` which ones, read them in one go, and ``hash_range`` folds them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import methodcaller

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

#: (height, index): the perfect subtree of 2**height leaves starting at leaf index * 2**height
Subtree = tuple[int, int]
Range = tuple[int, int]


class ProofError(ValueError):
    """A proof that does not prove what it claims; the message says what failed."""


_LEAF, _NODE = b"\x00", b"\x01"
_digest = methodcaller("digest")


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def leaf_hashes(data: Iterable[bytes]) -> list[bytes]:
    """``leaf_hash`` of each, in C loops."""
    return list(map(_digest, map(hashlib.sha256, map(_LEAF.__add__, data))))


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two number of hashes (a perfect subtree)."""
    level = list(hashes)
    while len(level) > 1:
        level = parents(level)
    return level[0]


def parents(level: Sequence[bytes]) -> list[bytes]:
    """``node_hash`` of each pair, in C loops (map): proofs hash up to 255 nodes per tile."""
    return list(map(_digest, map(hashlib.sha256, map(_NODE.__add__, map(bytes.__add__, level[0::2], level[1::2])))))


def split_hashes(content: bytes) -> list[bytes]:
    """Concatenated 32-byte hashes (a tile's content), one by one."""
    return [content[i : i + HASH_SIZE] for i in range(0, len(content), HASH_SIZE)]


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over all the given leaf hashes, straight from the definition (for small trees)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = _split(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


# --- which ranges a proof consists of (RFC 6962 2.1.1 and 2.1.2) -----------------------------


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[0:size]) as the ranges whose tree hashes it lists, leaf side first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    out: list[Range] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo = lo + k
    out.reverse()
    return out


def consistency_ranges(old: int, new: int) -> list[Range]:
    """PROOF(old, D[0:new]) as ranges, in the RFC's order."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old == 0 or old == new:
        return []
    out: list[Range] = []
    lo, hi, m, whole = 0, new, old, True
    while True:
        if m == hi - lo:
            if not whole:
                out.append((lo, hi))
            break
        k = _split(hi - lo)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    out.reverse()
    return out


def subtrees(start: int, end: int) -> list[Subtree]:
    """The perfect subtrees that make up D[start:end], left to right (largest first)."""
    out: list[Subtree] = []
    pos = start
    while pos < end:
        height = (end - pos).bit_length() - 1
        # a range of the recursion starts on a multiple of its largest part, so this aligns
        while pos % (1 << height):
            height -= 1
        out.append((height, pos >> height))
        pos += 1 << height
    return out


def hash_range(start: int, end: int, stored: Mapping[Subtree, bytes]) -> bytes:
    """MTH(D[start:end]) from the hashes of its perfect subtrees (right fold, as the RFC
    splits)."""
    parts = subtrees(start, end)
    acc = stored[parts[-1]]
    for part in reversed(parts[:-1]):
        acc = node_hash(stored[part], acc)
    return acc


def proof_subtrees(ranges: Iterable[Range]) -> set[Subtree]:
    return {s for a, b in ranges for s in subtrees(a, b)}


def tree_head(size: int, read: Callable[[set[Subtree]], Mapping[Subtree, bytes]]) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return hash_range(0, size, read(set(subtrees(0, size))))


def inclusion_proof(index: int, size: int, read: Callable[[set[Subtree]], Mapping[Subtree, bytes]]) -> list[bytes]:
    ranges = inclusion_ranges(index, size)
    stored = read(proof_subtrees(ranges))
    return [hash_range(a, b, stored) for a, b in ranges]


def consistency_proof(old: int, new: int, read: Callable[[set[Subtree]], Mapping[Subtree, bytes]]) -> list[bytes]:
    ranges = consistency_ranges(old, new)
    stored = read(proof_subtrees(ranges))
    return [hash_range(a, b, stored) for a, b in ranges]


# --- verification (RFC 9162 2.1.3.2 and 2.1.4.2) ------------------------------------------


def _check_hash(name: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{name} is {len(value)} bytes long, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if size <= 0 or not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hash("the leaf hash", leaf)
    expected = len(inclusion_ranges(index, size))
    if len(proof) != expected:
        raise ProofError(
            f"the proof has {len(proof)} hashes; a leaf at index {index} of a tree of size {size} needs {expected}"
        )
    fn, sn, r = index, size - 1, leaf
    for i, p in enumerate(proof):
        _check_hash(f"proof hash {i}", p)
        if sn == 0:
            raise ProofError("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path to the root")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ProofError unless ``proof`` shows leaf ``leaf`` at ``index`` in the tree ``root``."""
    _check_hash("the root", root)
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"the inclusion proof for leaf {index} does not lead to the root of the tree of size {size}")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """Raise ProofError unless ``proof`` shows the tree (size1, root1) is a prefix of (size2, root2)."""
    _check_hash("root1", root1)
    _check_hash("root2", root2)
    if size1 < 0 or size2 < size1:
        raise ProofError(f"a tree of size {size2} cannot extend one of size {size1}")
    if size1 == size2 or size1 == 0:
        _check_trivial_consistency(size1, size2, root1, root2, proof)
        return
    if not proof:
        raise ProofError(f"a consistency proof from size {size1} to {size2} cannot be empty")
    expected = len(consistency_ranges(size1, size2))
    if len(proof) != expected:
        raise ProofError(f"the proof has {len(proof)} hashes; from size {size1} to {size2} it needs {expected}")
    for i, p in enumerate(proof):
        _check_hash(f"proof hash {i}", p)
    fr, sr = _consistency_roots(size1, size2, root1, proof)
    if fr != root1:
        raise ProofError(f"the proof does not lead to root1 (the tree of size {size1})")
    if sr != root2:
        raise ProofError(f"the proof does not lead to root2 (the tree of size {size2})")


def _check_trivial_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """A tree is consistent with itself and with the empty tree, given an empty proof."""
    if size1 == size2:
        if proof:
            raise ProofError("trees of the same size need an empty proof")
        if root1 != root2:
            raise ProofError(f"two different roots for the same tree size {size1}")
    elif proof:
        raise ProofError("the empty tree needs an empty proof")


def _consistency_roots(size1: int, size2: int, root1: bytes, proof: Sequence[bytes]) -> tuple[bytes, bytes]:
    """The old and the new root the proof leads to (RFC 9162 2.1.4.2, steps 2 to 6)."""
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path to the new root")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path to the new root")
    return fr, sr

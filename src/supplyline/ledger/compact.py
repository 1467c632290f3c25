"""A compact range: the root of a growing Merkle tree kept in O(log n) hashes.

Signing on commit needs the tree head after every write. Reading it from the stored tiles
costs a query and up to 255 leaf hashes; keeping the right edge of the tree (the roots of
its perfect subtrees, largest first) costs one or two node hashes per appended event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import sha256

from .merkle import EMPTY_ROOT, Subtree, consistency_proof, perfect_root, subtrees


@dataclass
class CompactRange:
    size: int = 0
    #: roots of the perfect subtrees of the tree's leaves, left to right (``merkle.subtrees``)
    hashes: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, size: int, hashes: Iterable[bytes]) -> CompactRange:
        edge = list(hashes)
        if len(edge) != len(subtrees(0, size)):
            raise ValueError(f"a tree of {size} leaves has {len(subtrees(0, size))} edge subtrees, not {len(edge)}")
        return cls(size, edge)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        # each trailing 1 bit of the old size is a perfect subtree that merges with the new one
        merges = (self.size & -self.size).bit_length() - 1
        hashes = self.hashes
        for _ in range(merges):
            right = hashes.pop()
            hashes[-1] = sha256(b"\x01" + hashes[-1] + right).digest()  # node_hash, inlined

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        hashes = self.hashes
        acc = hashes[-1]
        for i in range(len(hashes) - 2, -1, -1):  # node_hash, inlined: every signed commit runs this
            acc = sha256(b"\x01" + hashes[i] + acc).digest()
        return acc

    def copy(self) -> CompactRange:
        return CompactRange(self.size, list(self.hashes))


class RecentTrees:
    """The compact ranges of the last few tree sizes and the leaves appended since the oldest:
    enough to prove any of those sizes consistent with a later one without reading the
    stored tree. Every perfect subtree such a proof needs is either one of the old tree's
    compact range or lies among the leaves appended after it (RFC 6962's PROOF never splits
    one across the old size). The log asks its witnesses for exactly these proofs, from the
    size each one last cosigned, after every commit. At most ``leaves`` leaves are kept:
    further back, the stored tree's tiles prove a range more cheaply than hashing it."""

    def __init__(self, sizes: int = 256, leaves: int = 1024):
        self.max_sizes, self.max_leaves = sizes, leaves
        self._edges: dict[int, list[bytes]] = {}  # size -> the compact range's hashes, oldest first
        self._first = 0  # the size of the oldest range kept
        self._leaves: list[bytes] = []  # leaf hashes from self._first on

    def restart(self, edge: CompactRange) -> None:
        """Forget everything: the tree is ``edge`` (e.g. another process wrote meanwhile)."""
        self._edges = {edge.size: list(edge.hashes)}
        self._first = edge.size
        self._leaves = []

    def grown(self, leaves: list[bytes], edge: CompactRange) -> None:
        """``leaves`` were appended to the newest tree kept, which is now ``edge``."""
        if self._first + len(self._leaves) + len(leaves) != edge.size or len(leaves) > self.max_leaves:
            self.restart(edge)
            return
        self._leaves.extend(leaves)
        self._edges[edge.size] = list(edge.hashes)
        while len(self._edges) > self.max_sizes or len(self._leaves) > self.max_leaves:
            del self._edges[next(iter(self._edges))]
            first = next(iter(self._edges))
            del self._leaves[: first - self._first]
            self._first = first

    def consistency_proof(self, old: int, new: int) -> list[bytes] | None:
        """PROOF(old, new), or None when the sizes are not (all) kept."""
        edge = self._edges.get(old)
        if edge is None or not old < new <= self._first + len(self._leaves):
            return None
        known = dict(zip(subtrees(0, old), edge, strict=True))

        def read(wanted: set[Subtree]) -> dict[Subtree, bytes]:
            for height, index in wanted - known.keys():
                start = (index << height) - self._first
                known[(height, index)] = perfect_root(self._leaves[start : start + (1 << height)])
            return known

        return consistency_proof(old, new, read)

    def root(self, size: int) -> bytes | None:
        edge = self._edges.get(size)
        return None if edge is None else CompactRange(size, edge).root()

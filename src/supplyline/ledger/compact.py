"""A compact range: the root of a growing Merkle tree kept in O(log n) hashes.

Signing on commit needs the tree head after every write. Reading it from the stored tiles
costs a query and up to 255 leaf hashes; keeping the right edge of the tree (the roots of
its perfect subtrees, largest first) costs one or two node hashes per appended event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .merkle import EMPTY_ROOT, node_hash, subtrees


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
        for _ in range(merges):
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for part in reversed(self.hashes[:-1]):
            acc = node_hash(part, acc)
        return acc

    def copy(self) -> CompactRange:
        return CompactRange(self.size, list(self.hashes))

"""The tree as C2SP tlog-tiles: how it is stored, published, and read back.

A tile at level L holds up to 256 consecutive hashes of tree height 8·L: at level 0 the leaf
hashes, above that the root of each *full* tile of the level below. The database keeps
exactly these tiles (one row per tile, partial tiles grow in place), and ``publish tiles``
writes them out unchanged, so there is one layout for storage, publication and auditing.

A perfect subtree of height h is found in the tile level h // 8: it is the root over
2**(h % 8) consecutive hashes there. A tree of n leaves therefore needs only the partial
tile of each level for its head, and a proof touches O(log256 n) tiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from .merkle import EMPTY_ROOT, HASH_SIZE, ProofError, Subtree, hash_range, parents, perfect_root, split_hashes
from .merkle import subtrees as perfect_parts

WIDTH = 256
HEIGHT = 8
FULL_BYTES = WIDTH * HASH_SIZE

#: (level, index) of a tile
TileId = tuple[int, int]


def tile_root(content: bytes) -> bytes:
    """The root over a full tile's 256 hashes (the hash its parent tile holds)."""
    return perfect_root(split_hashes(content))


def width_at(level: int, index: int, size: int) -> int:
    """How many hashes tile (level, index) holds in the tree of ``size`` leaves (0: none)."""
    count = size >> (HEIGHT * level)
    return max(0, min(WIDTH, count - index * WIDTH))


def tiles_of(size: int) -> list[tuple[int, int, int]]:
    """Every tile (level, index, width) of the tree of ``size`` leaves, level by level."""
    out = []
    level = 0
    while size >> (HEIGHT * level):
        count = size >> (HEIGHT * level)
        for index in range((count + WIDTH - 1) // WIDTH):
            out.append((level, index, width_at(level, index, size)))
        level += 1
    return out


def edge_tiles(size: int) -> list[TileId]:
    """The partial tile of each level: all a tree head needs."""
    out = []
    level = 0
    while size >> (HEIGHT * level):
        count = size >> (HEIGHT * level)
        if count % WIDTH:
            out.append((level, count // WIDTH))
        level += 1
    return out


def path(level: int, index: int, width: int = WIDTH, *, entries: bool = False) -> str:
    """The resource path of a tile (``tile/0/x001/x234/067.p/12``) or an entry bundle."""
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    name = "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])
    prefix = "tile/entries" if entries else f"tile/{level}"
    suffix = "" if width == WIDTH else f".p/{width}"
    return f"{prefix}/{name}{suffix}"


def locate(subtree: Subtree) -> tuple[TileId, int, int]:
    """Where a perfect subtree's hashes are: (tile, first position, how many)."""
    height, index = subtree
    level, inner = divmod(height, HEIGHT)
    first = index << inner
    return (level, first // WIDTH), first % WIDTH, 1 << inner


def tiles_for(subtrees: Iterable[Subtree]) -> set[TileId]:
    return {locate(s)[0] for s in subtrees}


def subtree_hashes(subtrees: Iterable[Subtree], tiles: Mapping[TileId, bytes]) -> dict[Subtree, bytes]:
    """The hash of each perfect subtree, computed from the tiles that hold it."""
    out: dict[Subtree, bytes] = {}
    for subtree in subtrees:
        tile, first, count = locate(subtree)
        content = tiles.get(tile, b"")
        if len(content) < (first + count) * HASH_SIZE:
            raise ProofError(f"tile {path(tile[0], tile[1])} is too short for subtree {subtree}")
        if len(content) % HASH_SIZE:
            raise ProofError(f"tile {path(tile[0], tile[1])} is {len(content)} bytes, not a whole number of hashes")
        out[subtree] = _levels(content)[count.bit_length() - 1][first // count]
    return out


def extend(size: int, edge: Mapping[int, bytes], leaf_hashes: list[bytes]) -> dict[TileId, bytes]:
    """Append leaf hashes to a tree of ``size`` leaves whose partial tiles are ``edge``
    (level -> content). Returns every tile that changed or appeared, with its new content;
    a tile that fills up passes its root to the level above."""
    out: dict[TileId, bytes] = {}
    level, count, items = 0, size, leaf_hashes
    while items:
        index = count // WIDTH
        have = count % WIDTH
        buf = bytes(edge.get(level, b"")) if have else b""
        if len(buf) != have * HASH_SIZE:
            raise ValueError(
                f"the partial tile at level {level} holds {len(buf) // HASH_SIZE} hashes, "
                f"the tree of size {size} needs {have}"
            )
        parents: list[bytes] = []
        pos = 0
        while pos < len(items):
            room = WIDTH - len(buf) // HASH_SIZE
            chunk = items[pos : pos + room]
            pos += len(chunk)
            buf += b"".join(chunk)
            out[(level, index)] = buf
            if len(buf) == FULL_BYTES:
                parents.append(tile_root(buf))
                index += 1
                buf = b""
        count //= WIDTH  # hashes already at the level above, before these parents
        items = parents
        level += 1
    return out


@dataclass
class VerifiedTiles:
    """Tiles read from an untrusted place (a directory, a web server), each checked before
    use: the partial tiles against the checkpoint's root, every full tile against the hash
    its parent tile holds for it. ``fetch(level, index, width)`` returns the raw tile."""

    size: int
    root: bytes
    fetch: Callable[[int, int, int], bytes]

    def __post_init__(self) -> None:
        self._good: dict[TileId, bytes] = {}
        self._edge_checked = False

    def _read(self, level: int, index: int) -> bytes:
        width = width_at(level, index, self.size)
        if width == 0:
            raise ProofError(f"tile {level}/{index} does not exist in a tree of size {self.size}")
        content = self.fetch(level, index, width)
        if len(content) != width * HASH_SIZE:
            raise ProofError(f"tile {path(level, index, width)} is {len(content)} bytes, not {width * HASH_SIZE}")
        return content

    def _check_edge(self) -> None:
        if self._edge_checked:
            return
        tiles = {tile: self._read(*tile) for tile in edge_tiles(self.size)}
        if self.size == 0:
            computed = EMPTY_ROOT
        else:
            parts = perfect_parts(0, self.size)
            computed = hash_range(0, self.size, subtree_hashes(parts, tiles))
        if computed != self.root:
            names = ", ".join(path(level, i, width_at(level, i, self.size)) for level, i in tiles) or "none"
            raise ProofError(f"the partial tiles ({names}) do not hash to the checkpoint's root")
        self._good.update(tiles)
        self._edge_checked = True

    def tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key in self._good:
            return self._good[key]
        self._check_edge()
        if key in self._good:
            return self._good[key]
        content = self._read(level, index)
        # a tile that is not on the edge is full: its root is entry index % 256 of its parent
        parent = self.tile(level + 1, index // WIDTH)
        at = (index % WIDTH) * HASH_SIZE
        if tile_root(content) != parent[at : at + HASH_SIZE]:
            raise ProofError(f"tile {path(level, index)} does not hash to the entry its parent tile holds for it")
        self._good[key] = content
        return content

    def read(self, subtrees: set[Subtree]) -> dict[Subtree, bytes]:
        return subtree_hashes(subtrees, {tile: self.tile(*tile) for tile in tiles_for(subtrees)})


@lru_cache(maxsize=512)
def _levels(content: bytes) -> tuple[list[bytes], ...]:
    """The hashes of every perfect subtree within a tile, level by level, bottom up (level h
    holds the roots over 2**h consecutive hashes, as far as the tile's hashes reach). Kept
    by content: a full tile never changes, the upper tiles and the growing edge are on every
    proof's path, and this saves most of the hashing a proof needs (512 tiles: about 20 MB)."""
    levels = [split_hashes(content)]
    while len(levels[-1]) > 1:
        levels.append(parents(levels[-1][: len(levels[-1]) // 2 * 2]))
    return tuple(levels)

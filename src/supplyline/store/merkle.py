"""The stored Merkle tree: tiles kept in step with the log, and proofs read from them.

``extend_tree`` is registered as a ``Store.append_hooks`` entry, so the tree grows in the
same transaction as the events it covers: a rollback takes both back. A tree that lags the
log (a ledger created before the tree existed, or events written without the hook) catches
up from the events' stored hashes on the next append or checkpoint; a tree *ahead* of the
log is corruption and refuses the append.

Heads and proofs read O(log n) tiles in one query each and never rehash the log.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..ledger import merkle, tiles
from ..ledger.chain import StoredEvent
from ..ledger.tiles import TileId
from . import schema as t
from .rebuild import Difference

_CHUNK = 65536


def _edge(conn: Connection) -> tuple[int, dict[int, tuple[int, bytes]]]:
    """The tree size and the rightmost tile of each level."""
    m = t.merkle_tiles
    last = select(m.c.level, func.max(m.c.idx).label("idx")).group_by(m.c.level).subquery()
    rows = conn.execute(
        select(m.c.level, m.c.idx, m.c.hashes).join(last, and_(m.c.level == last.c.level, m.c.idx == last.c.idx))
    ).all()
    rightmost = {row.level: (row.idx, bytes(row.hashes)) for row in rows}
    if 0 not in rightmost:
        return 0, {}
    idx, content = rightmost[0]
    return idx * tiles.WIDTH + len(content) // merkle.HASH_SIZE, rightmost


def tree_size(conn: Connection) -> int:
    return _edge(conn)[0]


def _partials(size: int, rightmost: dict[int, tuple[int, bytes]]) -> dict[TileId, bytes]:
    """The partial tiles (by id) among the rightmost ones: what appending starts from."""
    edge = set(tiles.edge_tiles(size))
    return {(level, idx): content for level, (idx, content) in rightmost.items() if (level, idx) in edge}


def _write(conn: Connection, changed: dict[TileId, bytes], existing: set[TileId]) -> None:
    m = t.merkle_tiles
    for (level, idx), content in changed.items():
        if (level, idx) in existing:
            conn.execute(update(m).where(m.c.level == level, m.c.idx == idx).values(hashes=content))
    new = [{"level": l, "idx": i, "hashes": c} for (l, i), c in changed.items() if (l, i) not in existing]
    if new:
        conn.execute(insert(m), new)


def append_leaves(conn: Connection, size: int, partial: dict[TileId, bytes], leaf_hashes: list[bytes]) -> tuple[int, dict[TileId, bytes]]:
    """Add leaf hashes to the stored tree of ``size`` leaves whose partial tiles are
    ``partial``; returns the new size and partial tiles."""
    for start in range(0, len(leaf_hashes), _CHUNK):
        chunk = leaf_hashes[start : start + _CHUNK]
        changed = tiles.extend(size, {level: content for (level, _), content in partial.items()}, chunk)
        _write(conn, changed, set(partial))
        size += len(chunk)
        edge = set(tiles.edge_tiles(size))
        partial = {key: content for key, content in {**partial, **changed}.items() if key in edge}
    return size, partial


def _leaf(event_hash_hex: str) -> bytes:
    return merkle.leaf_hash(bytes.fromhex(event_hash_hex))


def _event_hashes(conn: Connection, after: int, upto: int | None = None) -> Iterator[list[str]]:
    cols = t.events.c
    last = after
    while True:
        query = select(cols.seq, cols.hash).where(cols.seq > last).order_by(cols.seq).limit(_CHUNK)
        if upto is not None:
            query = query.where(cols.seq <= upto)
        rows = conn.execute(query).all()
        if not rows:
            return
        expected = range(last + 1, last + 1 + len(rows))
        if [r.seq for r in rows] != list(expected):
            raise RuntimeError(f"the event log has a gap after event #{last}: run `supplyline verify`")
        yield [r.hash for r in rows]
        last = rows[-1].seq


def extend_tree(conn: Connection, stored: list[StoredEvent]) -> None:
    """The append hook: add the new events' leaves (catching up first if the tree lags)."""
    if not stored:
        return
    size, rightmost = _edge(conn)
    first = stored[0].seq
    if size > first - 1:
        raise RuntimeError(f"the Merkle tree holds {size} leaves but the log is appending event #{first}: "
                           "the stored tree is ahead of the log (run `supplyline rebuild`)")
    leaves: list[bytes] = []
    for hashes in _event_hashes(conn, size, first - 1):
        leaves.extend(_leaf(h) for h in hashes)
    leaves.extend(_leaf(e.hash) for e in stored)
    append_leaves(conn, size, _partials(size, rightmost), leaves)


def catch_up(conn: Connection) -> int:
    """Extend the tree to cover every stored event (inside a write transaction)."""
    size, rightmost = _edge(conn)
    partial = _partials(size, rightmost)
    for hashes in _event_hashes(conn, size):
        size, partial = append_leaves(conn, size, partial, [_leaf(h) for h in hashes])
    return size


def read_tiles(conn: Connection, ids: Iterable[TileId]) -> dict[TileId, bytes]:
    m = t.merkle_tiles
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = conn.execute(
        select(m.c.level, m.c.idx, m.c.hashes).where(or_(*[and_(m.c.level == l, m.c.idx == i) for l, i in wanted]))
    ).all()
    return {(row.level, row.idx): bytes(row.hashes) for row in rows}


def reader(conn: Connection):
    """A ``read(subtrees)`` for ledger.merkle, answered from the stored tiles."""

    def read(subtrees: set[merkle.Subtree]) -> dict[merkle.Subtree, bytes]:
        return tiles.subtree_hashes(subtrees, read_tiles(conn, tiles.tiles_for(subtrees)))

    return read


def _check_size(conn: Connection, *sizes: int) -> int:
    size = tree_size(conn)
    for n in sizes:
        if not 0 <= n <= size:
            from ..domain.errors import InvalidInput

            raise InvalidInput("size", n, f"the tree holds {size} events")
    return size


def tree_head(conn: Connection, size: int) -> bytes:
    _check_size(conn, size)
    return merkle.tree_head(size, reader(conn))


def inclusion_proof(conn: Connection, index: int, size: int) -> list[bytes]:
    _check_size(conn, size)
    return merkle.inclusion_proof(index, size, reader(conn))


def consistency_proof(conn: Connection, old: int, new: int) -> list[bytes]:
    _check_size(conn, old, new)
    return merkle.consistency_proof(old, new, reader(conn))


def expected_tiles(conn: Connection) -> Iterator[tuple[TileId, bytes]]:
    """Every tile of the tree over the stored events, recomputed from their hashes."""
    size, partial = 0, {}
    pending: dict[TileId, bytes] = {}
    for hashes in _event_hashes(conn, 0):
        changed = tiles.extend(size, partial, [_leaf(h) for h in hashes])
        size += len(hashes)
        pending.update(changed)
        for key in [k for k, content in pending.items() if len(content) == tiles.FULL_BYTES]:
            yield key, pending.pop(key)
        partial = {l: content for (l, i), content in pending.items()}
    yield from pending.items()


def check_tree(conn: Connection) -> list[Difference]:
    """The stored tiles against a tree recomputed from the events."""
    m = t.merkle_tiles
    stored = {(r.level, r.idx): bytes(r.hashes) for r in conn.execute(select(m.c.level, m.c.idx, m.c.hashes))}
    found: list[Difference] = []
    for key, content in expected_tiles(conn):
        have = stored.pop(key, None)
        if have is None:
            found.append(Difference(m.name, key, None, None, f"{len(content) // 32} hashes"))
        elif have != content:
            found.append(Difference(m.name, key, "hashes", _differs(have, content), "recomputed from the events"))
    for key, have in sorted(stored.items()):
        found.append(Difference(m.name, key, None, f"{len(have) // 32} hashes", None))
    return found


def _differs(have: bytes, want: bytes) -> str:
    for i in range(0, max(len(have), len(want)), 32):
        if have[i : i + 32] != want[i : i + 32]:
            return f"hash #{i // 32} differs ({len(have) // 32} hashes stored, {len(want) // 32} expected)"
    return "differs"


def rebuild_tree(conn: Connection) -> int:
    """Replace the stored tree with one recomputed from the events; returns its tile count."""
    conn.execute(delete(t.merkle_tiles))
    batch = []
    count = 0
    for (level, idx), content in expected_tiles(conn):
        batch.append({"level": level, "idx": idx, "hashes": content})
        if len(batch) >= 1000:
            conn.execute(insert(t.merkle_tiles), batch)
            count += len(batch)
            batch = []
    if batch:
        conn.execute(insert(t.merkle_tiles), batch)
        count += len(batch)
    return count

"""The stored Merkle tree: tiles kept in step with the log, and proofs read from them.

What is stored is every tile that can no longer change (full tiles, at any level) and the
growing tiles above level 0. The growing level-0 tile is not stored: its hashes are the
leaf hashes of the last (fewer than 256) events, read from the log when needed. So 255 of
256 appends write nothing for the tree; the 256th stores the full leaf tile and extends the
levels above, in the same transaction (``TreeHook`` is a ``Store.append_hooks`` entry).

A tree that lags the log (a ledger created before the tree existed, or events written
without the hook) catches up from the events' stored hashes on the next append that fills
a tile, or on ``catch_up`` (checkpoints and proofs call it). Heads and proofs read O(log n)
tiles in one query and never rehash the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from hashlib import sha256
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from ..ledger import merkle, tiles
from ..ledger.chain import StoredEvent
from ..ledger.tiles import WIDTH, TileId
from . import schema as t

if TYPE_CHECKING:
    from .rebuild import Difference

_CHUNK = 256 * WIDTH  # leaves per batch when catching up: 256 full leaf tiles


def _rightmost_tiles() -> Select:
    m = t.merkle_tiles
    last = select(m.c.level, func.max(m.c.idx).label("idx")).group_by(m.c.level).subquery()
    return select(m.c.level, m.c.idx, m.c.hashes).join(last, and_(m.c.level == last.c.level, m.c.idx == last.c.idx))


# built once (as the statements below): a tile fills every 256 events, and building these
# statements cost more than running them
_RIGHTMOST = _rightmost_tiles()
_INSERT_TILES = insert(t.merkle_tiles)
_UPDATE_TILE = (
    update(t.merkle_tiles)
    .where(t.merkle_tiles.c.level == bindparam("at_level"), t.merkle_tiles.c.idx == bindparam("at_idx"))
    .values(hashes=bindparam("new_hashes"))
)


def _stored_edge(conn: Connection) -> tuple[int, dict[TileId, bytes]]:
    """How many full leaf tiles are stored, and the growing tiles above them."""
    rows = conn.execute(_RIGHTMOST).all()
    rightmost = {row.level: (row.idx, bytes(row.hashes)) for row in rows}
    full = rightmost[0][0] + 1 if 0 in rightmost else 0
    edge = set(tiles.edge_tiles(full * WIDTH))
    return full, {(level, idx): content for level, (idx, content) in rightmost.items() if (level, idx) in edge}


def _write(conn: Connection, changed: dict[TileId, bytes], existing: set[TileId]) -> None:
    updated = [
        {"at_level": lvl, "at_idx": i, "new_hashes": c} for (lvl, i), c in changed.items() if (lvl, i) in existing
    ]
    if updated:
        conn.execute(_UPDATE_TILE, updated)
    new = [{"level": lvl, "idx": i, "hashes": c} for (lvl, i), c in changed.items() if (lvl, i) not in existing]
    if new:
        conn.execute(_INSERT_TILES, new)


def _event_hashes(conn: Connection, after: int, upto: int | None = None, *, chunk: int = _CHUNK) -> Iterator[list[str]]:
    """The stored hashes of events after #``after`` (up to #``upto``), in sequence order."""
    last = after
    while upto is None or last < upto:
        ceiling = min(upto, last + chunk) if upto is not None else last + chunk
        rows = conn.execute(_HASHES, {"after": last, "upto": ceiling}).all()
        if not rows:
            later = conn.execute(_NEXT_SEQ, {"after": last}).scalar()
            if later is not None and (upto is None or later <= upto):  # a gap of a whole chunk
                raise RuntimeError(f"the event log has a gap after event #{last}: run `supplyline verify`")
            return
        if rows[0].seq != last + 1 or rows[-1].seq != last + len(rows):
            raise RuntimeError(f"the event log has a gap after event #{last}: run `supplyline verify`")
        yield [r.hash for r in rows]
        last = rows[-1].seq


def complete(conn: Connection, full_tiles: int, known: tuple[int, list[bytes]] | None = None) -> None:
    """Store the leaf tiles up to ``full_tiles`` (each the leaves of 256 events) and extend
    the levels above; nothing to do when they are stored already. ``known``: (first index,
    leaf hashes) the caller holds already; the events' hashes are read only when it does not
    cover the tiles to store."""
    have, edge = _stored_edge(conn)
    if have >= full_tiles:
        return
    start, end = have * WIDTH, full_tiles * WIDTH
    chunks: Iterable[list[bytes]]
    if known is not None and known[0] <= start and known[0] + len(known[1]) >= end:
        chunks = [known[1][start - known[0] : end - known[0]]]
    else:
        chunks = (merkle.leaf_hashes(map(bytes.fromhex, hashes)) for hashes in _event_hashes(conn, start, end))
    for leaves in chunks:
        size = have * WIDTH
        changed = tiles.extend(size, {level: c for (level, _), c in edge.items()}, leaves)
        _write(conn, changed, set(edge))
        have += len(leaves) // WIDTH
        keep = set(tiles.edge_tiles(have * WIDTH))
        edge = {key: c for key, c in {**edge, **changed}.items() if key in keep}


def extend_tree(conn: Connection, stored: list[StoredEvent]) -> None:
    """When the new events fill a leaf tile, store it and extend upwards (reading the tile's
    leaves from the log; ``TreeHook`` keeps them in memory instead)."""
    if stored and stored[-1].seq // WIDTH > (stored[0].seq - 1) // WIDTH:
        complete(conn, stored[-1].seq // WIDTH)


class TreeHook:
    """The append hook of a store (``Store.append_hooks``): ``extend_tree``, with the leaf
    hashes of the growing tile's events kept from write to write, so that filling a tile reads
    no event back. What is kept is trusted only while it continues the log: the next write's
    first event must follow the last one kept, by number and by its previous hash (the head
    this write read under the lock), which a rolled-back write or another process's write
    never does; then the tile's events are read from the log as ``extend_tree`` does."""

    def __init__(self) -> None:
        self._first = 0  # the leaf index (event number - 1) of the first leaf kept
        self._leaves: list[bytes] = []
        self._last = ""  # the hash of the last event kept

    def __call__(self, conn: Connection, stored: list[StoredEvent]) -> None:
        if not stored:
            return
        first = stored[0]
        if first.seq - 1 != self._first + len(self._leaves) or first.prev_hash != self._last:
            self._first, self._leaves = first.seq - 1, []
        self._leaves += [sha256(b"\x00" + bytes.fromhex(e.hash)).digest() for e in stored]  # merkle.leaf_hash
        self._last = stored[-1].hash
        full = stored[-1].seq // WIDTH
        if full > (first.seq - 1) // WIDTH:
            complete(conn, full, (self._first, self._leaves))
            done = full * WIDTH - self._first  # only the growing tile's leaves are needed again
            del self._leaves[:done]
            self._first += done


# built once: proofs run these on every call, and building a statement costs more than running it
_HEAD_SEQ = select(t.ledger_head.c.seq).where(t.ledger_head.c.id == 1)
_LEAF_TILES = select(func.max(t.merkle_tiles.c.idx)).where(t.merkle_tiles.c.level == 0)
_SIZE = select(_HEAD_SEQ.scalar_subquery(), _LEAF_TILES.scalar_subquery())  # one round trip
_TILES = select(t.merkle_tiles.c.idx, t.merkle_tiles.c.hashes).where(  # one level at a time: index lookups
    t.merkle_tiles.c.level == bindparam("level"), t.merkle_tiles.c.idx.in_(bindparam("ids", expanding=True))
)
_NEXT_SEQ = select(func.min(t.events.c.seq)).where(t.events.c.seq > bindparam("after"))
_HASHES = (
    select(t.events.c.seq, t.events.c.hash)
    .where(t.events.c.seq > bindparam("after"), t.events.c.seq <= bindparam("upto"))
    .order_by(t.events.c.seq)
)


def _head_seq(conn: Connection) -> int:
    return conn.execute(_HEAD_SEQ).scalar_one()


def tree_size(conn: Connection) -> int:
    """How many events the stored tree covers (all of them, unless it lags)."""
    head, last = conn.execute(_SIZE).one()
    have = 0 if last is None else last + 1
    return min(head, have * WIDTH + WIDTH - 1)


def lags(conn: Connection) -> bool:
    return tree_size(conn) < _head_seq(conn)


def catch_up(conn: Connection) -> int:
    """Extend the tree to cover every stored event (inside a write transaction)."""
    complete(conn, _head_seq(conn) // WIDTH)
    return tree_size(conn)


def read_tiles(conn: Connection, ids: Iterable[TileId], size: int) -> dict[TileId, bytes]:
    """The tiles of the tree of ``size`` events: stored ones from the table, the growing
    leaf tile from the last events' hashes."""
    wanted = list(set(ids))
    out: dict[TileId, bytes] = {}
    for level in {level for level, _ in wanted}:
        stored = conn.execute(_TILES, {"level": level, "ids": [i for lvl, i in wanted if lvl == level]})
        out.update({(level, row.idx): bytes(row.hashes) for row in stored})
    for level, idx in wanted:
        if (level, idx) not in out and level == 0:
            first = idx * WIDTH
            rows = conn.execute(_HASHES, {"after": first, "upto": min(size, first + WIDTH)}).all()
            seqs, hashes = zip(*rows, strict=False) if rows else ((), ())
            if seqs != tuple(range(first + 1, first + 1 + len(rows))):
                raise RuntimeError(f"the event log has a gap after event #{first}: run `supplyline verify`")
            out[(level, idx)] = b"".join(merkle.leaf_hashes(map(bytes.fromhex, hashes)))
    return out


def reader(conn: Connection, size: int):
    """A ``read(subtrees)`` for ledger.merkle, answered from the tree of ``size`` events."""

    def read(subtrees: set[merkle.Subtree]) -> dict[merkle.Subtree, bytes]:
        return tiles.subtree_hashes(subtrees, read_tiles(conn, tiles.tiles_for(subtrees), size))

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
    return merkle.tree_head(size, reader(conn, size))


def inclusion_proof(conn: Connection, index: int, size: int) -> list[bytes]:
    _check_size(conn, size)
    return merkle.inclusion_proof(index, size, reader(conn, size))


def consistency_proof(conn: Connection, old: int, new: int) -> list[bytes]:
    _check_size(conn, old, new)
    return merkle.consistency_proof(old, new, reader(conn, new))


def expected_tiles(conn: Connection) -> Iterator[tuple[TileId, bytes]]:
    """Every tile of the tree over the stored events, recomputed from their hashes."""
    size = 0
    partial: dict[int, bytes] = {}
    pending: dict[TileId, bytes] = {}
    for hashes in _event_hashes(conn, 0):
        changed = tiles.extend(size, partial, merkle.leaf_hashes(map(bytes.fromhex, hashes)))
        size += len(hashes)
        pending.update(changed)
        for key in [k for k, content in pending.items() if len(content) == tiles.FULL_BYTES]:
            yield key, pending.pop(key)
        partial = {lvl: content for (lvl, _i), content in pending.items()}
    yield from ((key, content) for key, content in pending.items() if key[0] > 0)  # the growing leaf tile is not stored


def check_tree(conn: Connection) -> list[Difference]:
    """The stored tiles against a tree recomputed from the events."""
    m = t.merkle_tiles
    stored = {(r.level, r.idx): bytes(r.hashes) for r in conn.execute(select(m.c.level, m.c.idx, m.c.hashes))}
    from .rebuild import Difference  # here: every write loads this module, only `verify` checks the tree

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

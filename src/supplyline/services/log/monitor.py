"""`audit follow`: a monitor that keeps following a published log (C2SP tlog-tiles).

Each round it reads the published checkpoint (signed by the log's key, or cosigned by a
policy's quorum), checks it extends the last one it saw (a consistency proof computed from
the published tiles), checks every level-0 tile of the new entries against the tree (each
tile is verified up to the signed root) and every entry (the event hash, the leaf input)
against its tile. It stops at the first inconsistency; what it has seen is kept in a small
JSON file, so it resumes where it stopped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ...domain.errors import InvalidInput
from ...ledger import merkle, tiles
from ...ledger.audit import AuditFailed, Trust, open_tiles
from ...ledger.merkle import ProofError
from ...ledger.note import b64, b64decode_strict
from .audit_inputs import published


@dataclass
class Seen:
    origin: str = ""
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT


def load_state(path: Path) -> Seen:
    if not path.exists():
        return Seen()
    try:
        doc = json.loads(path.read_text())
        return Seen(doc["origin"], int(doc["size"]), b64decode_strict(doc["root"], "root"))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("state", str(path), f"is not a monitor state file ({exc})") from None


def save_state(path: Path, seen: Seen) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"origin": seen.origin, "size": seen.size, "root": b64(seen.root)}) + "\n")
    os.replace(tmp, path)


def _entries(bundle: bytes, where: str) -> list[bytes]:
    out, at = [], 0
    while at < len(bundle):
        length = int.from_bytes(bundle[at : at + 2], "big")
        entry = bundle[at + 2 : at + 2 + length]
        if length == 0 or len(entry) != length:
            raise AuditFailed(f"{where} is cut short at byte {at}")
        out.append(entry)
        at += 2 + length
    return out


def follow_once(location: str, trust: Trust, state: Path) -> str:
    """One round: AuditFailed naming the first inconsistency, else a summary (state saved)."""
    seen = load_state(state)
    source = published(location)
    log = open_tiles(source, trust)
    cp = log.checkpoint
    if seen.origin and cp.origin != seen.origin:
        raise AuditFailed(f"the published checkpoint is for log '{cp.origin}', this monitor follows '{seen.origin}'")
    if cp.size < seen.size:
        raise AuditFailed(f"the published checkpoint (size {cp.size}) is smaller than one already seen ({seen.size})")
    try:
        proof = merkle.consistency_proof(seen.size, cp.size, log.tiles.read)
        merkle.verify_consistency(seen.size, cp.size, seen.root, cp.root, proof)
    except ProofError as exc:
        raise AuditFailed(
            f"the checkpoint of size {cp.size} does not extend the one seen at size {seen.size}: {exc}"
        ) from None
    get = source.get
    for index in range(seen.size // tiles.WIDTH, -(-cp.size // tiles.WIDTH)):
        width = tiles.width_at(0, index, cp.size)
        try:
            leaves = merkle.split_hashes(log.tiles.tile(0, index))
        except ProofError as exc:
            raise AuditFailed(f"tile {tiles.path(0, index, width)}: {exc}") from None
        where = tiles.path(0, index, width, entries=True)
        bundle = get(where)
        if bundle is None and width < tiles.WIDTH:
            full = get(tiles.path(0, index, entries=True))
            bundle = b"".join(b"\x00\x20" + e for e in _entries(full, where)[:width]) if full else None
        if bundle is None:
            raise AuditFailed(f"{where} is missing")
        entries = _entries(bundle, where)
        if len(entries) < width:
            raise AuditFailed(f"{where} holds {len(entries)} entries, the tree {width}")
        for offset, (entry, leaf) in enumerate(zip(entries, leaves, strict=False)):
            if merkle.leaf_hash(entry) != leaf:
                number = index * tiles.WIDTH + offset + 1
                raise AuditFailed(f"event #{number}: its entry in {where} does not hash to its leaf in the tree")
    save_state(state, Seen(cp.origin, cp.size, cp.root))
    grown = cp.size - seen.size
    return f"{cp.origin} at size {cp.size}: consistent with size {seen.size}, {grown} new entries checked"

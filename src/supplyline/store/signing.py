"""Signing on commit: every write's transaction signs the checkpoint of the tree it leaves.

The note is written with the new head (``ledger_head.checkpoint``, same statement, same
transaction), so no write commits uncovered; after the commit it is appended to the
checkpoint file beside the signing key, where the database's writer cannot rewrite it.
A database-only attacker can therefore neither add an event (no key to sign it), nor drop
or change one (the file, and the witnesses, hold checkpoints the log must still extend).

The tree head comes from a compact range kept in memory between writes (one or two node
hashes per event); when another process wrote in between, it is read again from the tiles.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.errors import Refused
from ..domain.logkey import LOG, LogKey, check_rotation
from ..ledger import merkle
from ..ledger.chain import StoredEvent
from ..ledger.compact import CompactRange, RecentTrees
from ..ledger.note import EM_DASH, Signer, b64, ed25519_signer
from . import merkle as tree
from . import schema as t
from .notefile import NoteFile

log = logging.getLogger("supplyline.signing")

KEY_STREAM = f"{LogKey.KIND}:{LOG}"


def checkpoint_file(key_file: Path) -> Path:
    """Where the checkpoints signed on commit are appended: beside the key."""
    return key_file.with_name(key_file.name + ".checkpoints")


def log_key(conn: Connection) -> tuple[LogKey, list[int]]:
    """The key events of the log folded, and their sequence numbers."""
    from ..ledger.canonical import parse
    from .eventstore import typed_event

    key = LogKey(id=LOG)
    seqs = []
    e = t.events.c
    rows = conn.execute(
        select(e.seq, e.type, e.meta, e.payload).where(e.stream_id == KEY_STREAM).order_by(e.stream_version)
    ).all()
    for row in rows:
        key.apply(typed_event(row.type, parse(row.payload), row.meta))
        seqs.append(row.seq)
    return key, seqs


def read_edge(conn: Connection, size: int) -> CompactRange:
    """The compact range of the stored tree of ``size`` events (inside a write transaction)."""
    if tree.lags(conn):
        tree.catch_up(conn)
    parts = merkle.subtrees(0, size)
    hashes = tree.reader(conn, size)(set(parts))
    return CompactRange.of(size, [hashes[p] for p in parts])


class CommitSigner:
    """Signs the checkpoint of each write inside its transaction (``Store.signing``)."""

    def __init__(self, signer: Signer, file: Path | None, *, key_file: Path | None = None):
        self._use(signer)
        self.file = file
        #: where the key was read: after another process rotated the key, the new one is there
        self.key_file = key_file
        self._key_stamp = _stamp(key_file)
        #: the new key during a rotation: it signs the rotation's checkpoint too, so the head
        #: stays readable with either key while processes change over
        self.handover: Signer | None = None
        self._lock = threading.Lock()
        self._edge: tuple[str, CompactRange] | None = None  # (hash of its last event, range)
        self._recent = RecentTrees()  # the trees of the last commits: the witnesses' proofs
        self._notes = NoteFile(file) if file is not None else None
        #: called after each commit with the new note (e.g. to ask witnesses to cosign it)
        self.on_commit: list[Callable[[str], None]] = []

    def _use(self, signer: Signer) -> None:
        self.signer = signer
        self.verifier = signer.verifier
        self._origin = signer.name
        self._sign = ed25519_signer(signer.seed)
        self._key_id = self.verifier.id
        self._signature_prefix = f"{EM_DASH} {signer.name} "
        self._pin_checked = False

    def follow_rotation_to(self, fresh: Signer, key_file: Path) -> None:
        """After this process rotated the key (the commit is done): sign with the new one."""
        with self._lock:
            self._use(fresh)
            self.key_file = key_file
            self._key_stamp = _stamp(key_file)

    def _check_pin(self, conn: Connection, appended: list[StoredEvent]) -> None:
        if self._pin_checked:
            return
        if any(e.stream_id == KEY_STREAM for e in appended):  # pinning or rotating (checked by the domain)
            return
        key, _ = log_key(conn)
        if key.current is None:
            raise Refused(
                "the log names no signing key yet: run `supplyline init` to pin "
                f"{self.verifier} in the log before writing",
                field="signing_key",
            )
        if str(key.current) != str(self.verifier) and not self.follow_rotation(conn):
            raise Refused(
                f"the signing key ({self.verifier}) is not the key the log names ({key.current}): "
                "the key file was replaced; restore it, or rotate with the old key (`supplyline key rotate`)",
                field="signing_key",
            )
        self._pin_checked = True

    def follow_rotation(self, conn: Connection) -> bool:
        """Take the key now in the key file if another process rotated to it: the log must
        name it, by rotations that each previous key signed, starting from ours. A key file
        replaced without such a rotation is never taken."""
        stamp = _stamp(self.key_file)
        if self.key_file is None or stamp == self._key_stamp:
            return False
        from . import keyfile

        try:
            fresh = keyfile.load(self.key_file)
        except Refused:
            return False
        key, _ = log_key(conn)
        chain = key.verifiers
        if str(fresh.verifier) not in chain[-1:] or str(self.verifier) not in chain:
            return False
        rotations = _rotation_statements(conn)
        start = chain.index(str(self.verifier))
        for previous, verifier in zip(chain[start:], chain[start + 1 :], strict=False):
            if check_rotation(previous, verifier, rotations.get(verifier, "")) is not None:
                return False
        with self._lock:
            self._use(fresh)
            self._key_stamp = stamp
        log.warning("the log's key was rotated: signing with %s from now on", fresh.verifier)
        return True

    def sign(self, conn: Connection, appended: list[StoredEvent]) -> str:
        """The signed checkpoint of the tree that ends with ``appended``."""
        first = appended[0]
        with self._lock:
            edge = self._edge
            if edge is not None and edge[0] == first.prev_hash and edge[1].size == first.seq - 1:
                cr = edge[1]  # grown in place: a rolled-back write leaves a hash the next one will not match
            else:  # another process wrote in between: it may have rotated the key too
                cr = read_edge(conn, first.seq - 1)
                self._recent.restart(cr)
                self._pin_checked = False
            leaves = [sha256(b"\x00" + bytes.fromhex(e.hash)).digest() for e in appended]  # merkle.leaf_hash
            cr.extend(leaves)
            # kept before the commit: the next write checks it against its own previous hash
            self._edge = (appended[-1].hash, cr)
            self._recent.grown(leaves, cr)
            root = cr.root()
        self._check_pin(conn, appended)
        # the note written out directly (the text is ours, so it needs no checking): after the
        # Ed25519 signature itself, this is most of what signing on commit costs
        text = f"{self._origin}\n{cr.size}\n{b64(root)}\n"
        note = f"{text}\n{self._signature_prefix}{b64(self._key_id + self._sign(text.encode()))}\n"
        if self.handover is not None:
            note += self.handover.sign(text).rpartition("\n\n")[2]
        return note

    def consistency_proof(self, old: int, new: int, new_root: bytes) -> list[bytes] | None:
        """PROOF(old, new) from memory when this process signed (or read) both trees lately,
        checked against both roots; None otherwise: read it from the stored tree. Asking a
        witness after every commit, the stored tree's queries cost more than the rest of it."""
        with self._lock:
            proof = self._recent.consistency_proof(old, new)
            old_root = self._recent.root(old)
        if proof is None or old_root is None:
            return None
        try:
            merkle.verify_consistency(old, new, old_root, new_root, proof)
        except merkle.ProofError:  # not the tree that was committed (a write rolled back): ask the store
            return None
        return proof

    def committed(self, note: str) -> None:
        if self._notes is not None:
            try:  # in the kernel's hands before the write's answer goes out
                self._notes.append(note)
            except OSError as exc:  # the database holds the note: the write is covered
                log.warning("could not append the checkpoint to %s: %s", self.file, exc)
        for call in self.on_commit:
            call(note)


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """What tells a replaced key file apart cheaply: its inode and modification time."""
    try:
        st = os.stat(path) if path is not None else None
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns) if st is not None else None


def _rotation_statements(conn: Connection) -> dict[str, str]:
    """The statement of each KeyRotated event, by the key it hands over to."""
    from ..ledger.canonical import parse

    e = t.events.c
    rows = conn.execute(select(e.payload).where(e.stream_id == KEY_STREAM, e.type == "KeyRotated")).all()
    return {p["verifier"]: p.get("statement", "") for p in (parse(row.payload) for row in rows)}

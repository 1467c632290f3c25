"""The offline verifier: what an outsider runs on proofs, checkpoints, reveals and published
logs, with no database and no network.

Its inputs are bytes and, for published tiles, a ``PublishedLog`` whose ``get`` reads them
(services/log/audit_inputs.py reads files and URLs); every hash read from them is checked before
it is used. Each check returns a one-line summary or raises ``AuditFailed`` with the reason
(exit code 1 at the CLI); ``AuditCannotRun`` when an input it needs was not given (bad
input: exit 2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import merkle, tiles
from .canonical import canonical
from .chain import GENESIS, StoredEvent, hash_of
from .cosignature import cosigned_by
from .disclosure import DisclosureError, check, secret_from_json
from .merkle import ProofError
from .note import Checkpoint, NoteError, Verifier, b64decode_strict, open_checkpoint, open_note
from .policy import Policy

#: what a checkpoint is checked with: the log's key, or a policy (log keys, witnesses, quorum)
Trust = Verifier | Policy

_HEX64 = re.compile(r"[0-9a-f]{64}")


class AuditFailed(Exception):
    """The thing audited is not valid; the message names what failed."""


class AuditCannotRun(Exception):
    """An input the audit needs was not given: ``field`` names it, ``reason`` says what to give."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class PublishedLog:
    """A published log (C2SP tlog-tiles): ``get(path)`` gives the bytes at ``path`` or None when
    there is no such resource; ``where`` names the log in messages."""

    where: str
    get: Callable[[str], bytes | None]


# --- reading documents ---------------------------------------------------------------------------


def parse_document(raw: bytes, what: str) -> dict:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditFailed(f"the {what} is not valid JSON: {exc}") from None
    except RecursionError:  # a tampered or hostile file: invalid, never a traceback
        raise AuditFailed(f"the {what} is nested too deeply to be a proof") from None
    if not isinstance(doc, dict):
        raise AuditFailed(f"the {what} is not a JSON object")
    return doc


def _fields(doc: dict, required: tuple[str, ...], optional: tuple[str, ...], what: str) -> None:
    missing = [k for k in required if k not in doc]
    unknown = [k for k in doc if k not in required + optional]
    if missing:
        raise AuditFailed(f"the {what} lacks {', '.join(missing)}")
    if unknown:
        raise AuditFailed(f"the {what} has unknown fields: {', '.join(unknown)}")


def _int(doc: dict, key: str) -> int:
    value = doc[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AuditFailed(f"{key} is not a non-negative integer")
    return value


def _hash(value: Any, key: str) -> bytes:
    if not isinstance(value, str):
        raise AuditFailed(f"{key} is not a base64 string")
    try:
        return b64decode_strict(value, key)
    except NoteError as exc:
        raise AuditFailed(str(exc)) from None


def _proof(doc: dict) -> list[bytes]:
    proof = doc["proof"]
    if proof is None:
        return []
    if not isinstance(proof, list):
        raise AuditFailed("proof is not a list of base64 hashes")
    return [_hash(p, f"proof[{i}]") for i, p in enumerate(proof)]


_VECTOR_EXTRAS = ("desc", "wantErr")  # carried by the published test vectors, not checked


def _checkpoint(raw: bytes, verifier: Trust | None, what: str = "checkpoint") -> Checkpoint:
    if isinstance(verifier, Policy):
        return _witnessed(raw, verifier, what)
    if verifier is None:
        raise AuditCannotRun("key", f"checking a {what} needs the log's verifier key (--key)")
    try:
        return open_checkpoint(raw, verifier)
    except NoteError as exc:
        raise AuditFailed(f"the {what} is not valid: {exc}") from None


def _witnessed(raw: bytes, policy: Policy, what: str) -> Checkpoint:
    """A checkpoint signed by a log of the policy and cosigned by a quorum of its witnesses."""
    try:
        text, signers = open_note(raw, policy.logs)
        cp = Checkpoint.parse(text)
        if cp.origin != signers[0].name:
            raise NoteError(f"the checkpoint is for log '{cp.origin}', the key is for '{signers[0].name}'")
        cosigned = cosigned_by(raw, {name: w.key for name, w in policy.witnesses.items()})
    except NoteError as exc:
        raise AuditFailed(f"the {what} is not valid under the policy: {exc}") from None
    if not policy.satisfied(set(cosigned)):
        names = ", ".join(sorted(cosigned)) or "none"
        raise AuditFailed(
            f"the {what} is cosigned by {len(cosigned)} of the policy's witnesses ({names}); its quorum needs "
            f"{policy.describe()}: a split view of the log is not ruled out"
        )
    return cp


# --- tiles -------------------------------------------------------------------------------------


def _tile_fetcher(get: Callable[[str], bytes | None]) -> Callable[[int, int, int], bytes]:
    def fetch(level: int, index: int, width: int) -> bytes:
        content = get(tiles.path(level, index, width))
        if content is None and width < tiles.WIDTH:
            # the spec lets a log drop a partial tile once the full one exists
            full = get(tiles.path(level, index))
            content = full[: width * merkle.HASH_SIZE] if full is not None else None
        if content is None:
            raise AuditFailed(f"tile {tiles.path(level, index, width)} is missing")
        return content

    return fetch


@dataclass
class TiledLog:
    checkpoint: Checkpoint
    tiles: tiles.VerifiedTiles


def open_tiles(log: PublishedLog, verifier: Trust | None, checkpoint: bytes | None = None) -> TiledLog:
    """The published log: its checkpoint (or the one given), verified, and its tiles."""
    raw = checkpoint if checkpoint is not None else log.get("checkpoint")
    if raw is None:
        raise AuditFailed(f"{log.where} has no checkpoint")
    cp = _checkpoint(raw, verifier)
    return TiledLog(cp, tiles.VerifiedTiles(cp.size, cp.root, _tile_fetcher(log.get)))


# --- the audits -----------------------------------------------------------------------------------


def _event_leaf(event: Any, index: int) -> tuple[bytes, str]:
    """The leaf hash of an exported event, recomputed from its fields."""
    keys = (
        "seq",
        "stream_id",
        "stream_version",
        "recorded_at",
        "actor",
        "type",
        "meta",
        "payload",
        "prev_hash",
        "hash",
    )
    if not isinstance(event, dict):
        raise AuditFailed("event is not a JSON object")
    _fields(event, keys, ("revealed", "redacted"), "event")
    types = {"seq": int, "stream_version": int, "meta": dict, "payload": dict}
    for key in keys:
        if not isinstance(event[key], types.get(key, str)) or isinstance(event[key], bool):
            raise AuditFailed(f"event.{key} has the wrong type")
    if not isinstance(event.get("revealed", {}), dict):
        raise AuditFailed("event.revealed is not a JSON object")
    redacted = event.get("redacted")
    if redacted is not None and (
        not isinstance(redacted, list) or not redacted or not all(isinstance(n, str) for n in redacted)
    ):
        raise AuditFailed("event.redacted is not a list of field names")
    if redacted:
        # fields that repeat a value withheld elsewhere are left out: the contents cannot be
        # rehashed, the stated hash is what the signed tree and the next event's link check
        if not _HEX64.fullmatch(event["hash"]):
            raise AuditFailed("event.hash is not 64 lowercase hex digits")
        recomputed = event["hash"]
    else:
        recomputed = _rehash(event)
    if recomputed != event["hash"]:
        raise AuditFailed(f"the event's contents do not hash to its stated hash (recomputed {recomputed[:16]}…)")
    if event["seq"] != index + 1:
        raise AuditFailed(f"the event is #{event['seq']}, but the proof is for leaf {index} (event #{index + 1})")
    for field, data in (event.get("revealed") or {}).items():
        _open(event["payload"], field, data)
    return merkle.leaf_hash(
        bytes.fromhex(event["hash"])
    ), f"event #{event['seq']} ({event['type']} on {event['stream_id']})"


def _rehash(event: dict) -> str:
    try:
        stored = StoredEvent(
            event["seq"],
            event["stream_id"],
            event["stream_version"],
            event["recorded_at"],
            event["actor"],
            event["type"],
            canonical(event["meta"]),
            canonical(event["payload"]),
            event["prev_hash"],
            event["hash"],
        )
        return hash_of(stored)
    except (TypeError, AttributeError, ValueError) as exc:
        raise AuditFailed(f"the event cannot be rehashed: {exc}") from None


def _open(payload: dict, field: Any, data: Any) -> None:
    try:
        check(payload, secret_from_json(str(field), data))
    except DisclosureError as exc:
        raise AuditFailed(f"revealed value: {exc}") from None
    except (TypeError, ValueError) as exc:  # not a value the ledger could have committed to
        raise AuditFailed(f"revealed value of field '{field}': {exc}") from None


def _against(cp: Checkpoint, size: int, root: bytes, what: str) -> None:
    if cp.size != size:
        raise AuditFailed(f"the {what} is for a tree of size {size}, the checkpoint for size {cp.size}")
    if cp.root != root:
        raise AuditFailed(f"the {what}'s root differs from the signed checkpoint's root (tree size {size})")


def audit_inclusion(
    raw: bytes, *, verifier: Trust | None = None, checkpoint: bytes | None = None, published: PublishedLog | None = None
) -> str:
    """Check an inclusion proof file (and its event, and a reveal if it carries one)."""
    doc = parse_document(raw, "proof file")
    if "leafIndex" in doc and "leafIdx" not in doc:  # the field's name in older transparency-dev vectors
        doc["leafIdx"] = doc.pop("leafIndex")
    _fields(
        doc, ("leafIdx", "treeSize", "root", "leafHash", "proof"), ("event", "reveal", *_VECTOR_EXTRAS), "proof file"
    )
    index, size = _int(doc, "leafIdx"), _int(doc, "treeSize")
    root, leaf, proof = _hash(doc["root"], "root"), _hash(doc["leafHash"], "leafHash"), _proof(doc)
    what = f"leaf {index}"
    if "event" in doc:
        event_leaf, what = _event_leaf(doc["event"], index)
        if event_leaf != leaf:
            raise AuditFailed("leafHash is not the leaf hash of the event's hash")
    if "reveal" in doc:
        if "event" not in doc:
            raise AuditFailed("a reveal needs the event that commits to it")
        reveal = doc["reveal"]
        if not isinstance(reveal, dict) or set(reveal) != {"field", "value", "salt"}:
            raise AuditFailed("reveal must have exactly field, value and salt")
        _open(doc["event"]["payload"], reveal["field"], {"value": reveal["value"], "salt": reveal["salt"]})
        what += f", field '{reveal['field']}' revealed"
    try:
        merkle.verify_inclusion(index, size, leaf, proof, root)
    except ProofError as exc:
        raise AuditFailed(str(exc)) from None
    notes = [f"{what} is in the tree of size {size}"]
    if checkpoint is not None:
        _against(_checkpoint(checkpoint, verifier), size, root, "proof")
        notes.append("whose root the checkpoint signs")
    if published is not None:
        log = open_tiles(published, verifier)
        try:
            path = merkle.inclusion_proof(index, log.checkpoint.size, log.tiles.read)
            merkle.verify_inclusion(index, log.checkpoint.size, leaf, path, log.checkpoint.root)
        except ProofError as exc:
            raise AuditFailed(f"against the published tiles: {exc}") from None
        notes.append(f"and in the published log ({published.where}, size {log.checkpoint.size})")
    return ", ".join(notes)


def audit_reveal(raw: bytes, *, verifier: Trust | None = None, checkpoint: bytes | None = None) -> str:
    """Check a reveal file: the value opens the commitment of an event proven in the log."""
    if "reveal" not in parse_document(raw, "reveal file"):
        raise AuditFailed("the file reveals no field (it has no 'reveal')")
    return audit_inclusion(raw, verifier=verifier, checkpoint=checkpoint)


def audit_consistency(raw: bytes, *, verifier: Trust | None = None, checkpoints: Sequence[bytes] = ()) -> str:
    doc = parse_document(raw, "proof file")
    _fields(doc, ("size1", "size2", "root1", "root2", "proof"), _VECTOR_EXTRAS, "proof file")
    size1, size2 = _int(doc, "size1"), _int(doc, "size2")
    root1, root2, proof = _hash(doc["root1"], "root1"), _hash(doc["root2"], "root2"), _proof(doc)
    try:
        merkle.verify_consistency(size1, size2, root1, root2, proof)
    except ProofError as exc:
        raise AuditFailed(str(exc)) from None
    for raw_cp in checkpoints:
        cp = _checkpoint(raw_cp, verifier)
        if cp.size == size1:
            _against(cp, size1, root1, "old tree")
        else:
            _against(cp, size2, root2, "new tree")
    signed = f", {len(checkpoints)} signed checkpoint(s) match" if checkpoints else ""
    return f"the tree of size {size1} is a prefix of the tree of size {size2}{signed}"


def audit_checkpoints(
    old_raw: bytes,
    new_raw: bytes,
    *,
    verifier: Trust | None,
    proof: bytes | None = None,
    published: PublishedLog | None = None,
) -> str:
    """Check that the newer checkpoint extends the older one (so history was not rewritten)."""
    old = _checkpoint(old_raw, verifier, "old checkpoint")
    new = _checkpoint(new_raw, verifier, "new checkpoint")
    if new.size < old.size:
        raise AuditFailed(f"the new checkpoint (size {new.size}) is smaller than the old one (size {old.size})")
    if new.size == old.size:
        if new.root != old.root:
            raise AuditFailed(f"two different roots were signed for tree size {old.size}: the history was rewritten")
        return f"both checkpoints sign the same tree (size {old.size})"
    if proof is not None:
        doc = parse_document(proof, "proof file")
        _fields(doc, ("size1", "size2", "root1", "root2", "proof"), _VECTOR_EXTRAS, "proof file")
        if (_int(doc, "size1"), _int(doc, "size2")) != (old.size, new.size):
            raise AuditFailed(
                f"the proof is from size {doc['size1']} to {doc['size2']}, the checkpoints are "
                f"{old.size} and {new.size}"
            )
        hashes = _proof(doc)
    elif published is not None:
        log = open_tiles(published, verifier, checkpoint=new_raw)
        try:
            hashes = merkle.consistency_proof(old.size, new.size, log.tiles.read)
        except ProofError as exc:
            raise AuditFailed(f"against the published tiles: {exc}") from None
    else:
        raise AuditCannotRun("proof", "give a consistency proof (--proof FILE) or the published tiles (--tiles)")
    try:
        merkle.verify_consistency(old.size, new.size, old.root, new.root, hashes)
    except ProofError as exc:
        raise AuditFailed(f"the new checkpoint does not extend the old one: {exc}") from None
    return f"the checkpoint of size {new.size} extends the one of size {old.size}"


def audit_log(lines: Iterable[bytes], *, verifier: Trust | None = None, checkpoint: bytes | None = None) -> str:
    """Check a public log (``publish events``): every event rehashes to its hash and links
    to the one before, every revealed value opens its commitment, and with a checkpoint,
    the first ``size`` events give exactly the signed root."""
    cp = _checkpoint(checkpoint, verifier) if checkpoint is not None else None
    prev, leaves, redacted = GENESIS, [], 0
    for number, line in enumerate(lines, start=1):
        doc = parse_document(line, f"line {number}")
        leaf, what = _event_leaf(doc, number - 1)
        if doc["prev_hash"] != prev:
            raise AuditFailed(f"{what} does not link to the event before it: the log was cut, reordered or changed")
        prev = doc["hash"]
        leaves.append(leaf)
        redacted += "redacted" in doc
    summary = f"{len(leaves)} events rehash and chain"
    if redacted:
        summary = (
            f"{len(leaves) - redacted} events rehash, {redacted} with fields left out are taken at their stated "
            f"hash, and all {len(leaves)} chain"
        )
    if cp is not None:
        if cp.size > len(leaves):
            raise AuditFailed(f"the checkpoint signs {cp.size} events, the log holds {len(leaves)}")
        if merkle.root_of(leaves[: cp.size]) != cp.root:
            raise AuditFailed(
                f"the first {cp.size} events do not give the checkpoint's root: the log differs from what was signed"
            )
        summary += f"; the first {cp.size} give the signed root"
    return summary

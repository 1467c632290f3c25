"""The hash chain: what an event's hash covers, and how the whole log is re-walked.

An event's hash is SHA-256 over a fixed, newline-separated text (format version, global
sequence, stream, stream version, time, actor, type, canonical meta, canonical payload,
previous hash). Every field is either a constrained identifier without line breaks or
canonical JSON, which escapes them, so the text is unambiguous. Anyone can recompute it
from an exported event; the first event's previous hash is 64 zeros.

A withheld field is in the payload as its commitment (``{"$withheld": {...}}``, see
``ledger/disclosure.py``), so the hash covers the commitment and never the value; the
format is the same for every event. Each event's hash is a leaf of the Merkle tree
(``ledger/merkle.py``) that signed checkpoints cover.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter, methodcaller
from typing import ParamSpec

FORMAT = b"supplyline-event-v1"
GENESIS = "0" * 64
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    stream_id: str
    stream_version: int
    recorded_at: str  # ISO 8601 UTC, microseconds, 'Z'
    actor: str
    type: str
    meta: str  # canonical JSON
    payload: str  # canonical JSON
    prev_hash: str
    hash: str

    def to_json(self) -> dict:
        from .canonical import parse

        return {
            "seq": self.seq,
            "stream_id": self.stream_id,
            "stream_version": self.stream_version,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "type": self.type,
            "meta": parse(self.meta),
            "payload": parse(self.payload),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


_FORMAT_TEXT = FORMAT.decode()


def hash_text(
    seq: int,
    stream_id: str,
    stream_version: int,
    recorded_at: str,
    actor: str,
    type_: str,
    meta: str,
    payload: str,
    prev_hash: str,
) -> str:
    """``hash_input`` as text, as the events table stores it (joined once, encoded once)."""
    return f"{_FORMAT_TEXT}\n{seq}\n{stream_id}\n{stream_version}\n{recorded_at}\n{actor}\n{type_}\n{meta}\n{payload}\n{prev_hash}"


def _encoded(text: Callable[P, str]) -> Callable[P, bytes]:
    def encoded(*args: P.args, **kwargs: P.kwargs) -> bytes:
        return text(*args, **kwargs).encode()

    return encoded


#: the bytes an event's hash is over: ``hash_text`` of the same fields, UTF-8 encoded
hash_input = _encoded(hash_text)


def from_hash_input(seq: int, text: str, digest: str) -> StoredEvent:
    """The event whose hash input is ``text`` (as stored). Text not in the format is kept
    whole in the payload, so a recomputed hash is still over those bytes and fails."""
    parts = text.split("\n", 9)
    if len(parts) != 10 or parts[0] != FORMAT.decode() or not parts[3].isdigit():
        return StoredEvent(seq, "?", 0, "", "", "unreadable event", "", text, "", digest)
    recorded_at, actor, event_type, meta, payload, prev_hash = parts[4:]
    return StoredEvent(seq, parts[2], int(parts[3]), recorded_at, actor, event_type, meta, payload, prev_hash, digest)


def event_hash(*fields) -> str:
    return hashlib.sha256(hash_input(*fields)).hexdigest()


def hash_of(event: StoredEvent) -> str:
    return event_hash(
        event.seq,
        event.stream_id,
        event.stream_version,
        event.recorded_at,
        event.actor,
        event.type,
        event.meta,
        event.payload,
        event.prev_hash,
    )


@dataclass(frozen=True)
class Finding:
    """The first place where the stored log stops being what was written."""

    seq: int
    message: str


@dataclass(frozen=True)
class Verification:
    checked: int
    head_hash: str
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def verify(events: Iterable[StoredEvent], *, head: tuple[int, str] | None = None) -> Verification:
    """Re-walk the chain in sequence order and report the first event that does not match.

    ``head`` is the (sequence, hash) the store claims as its latest event; a log whose tail
    was cut off still chains correctly, so the head is what reveals it."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for event in events:
        what = _mismatch(event, expected_seq, prev)
        if what is not None:
            return Verification(checked, prev, Finding(expected_seq, what))
        prev = event.hash
        expected_seq += 1
        checked += 1
    if head is not None and head != (checked, prev):
        return Verification(checked, prev, _head_mismatch(head, checked, prev))
    return Verification(checked, prev, None)


def _mismatch(event: StoredEvent, expected_seq: int, prev: str) -> str | None:
    """What is wrong with the event expected at ``expected_seq`` after the hash ``prev``, or None."""
    if event.seq > expected_seq:
        return f"event #{expected_seq} is missing: the sequence jumps from {expected_seq - 1} to {event.seq}"
    if event.seq < expected_seq:
        return f"event #{event.seq} appears out of order after #{expected_seq - 1}"
    if event.prev_hash != prev:
        return (
            f"event #{event.seq} ({event.type} on {event.stream_id}) does not link to the "
            f"hash of event #{event.seq - 1}: an earlier event was removed, reordered or changed"
        )
    actual = hash_of(event)
    if actual != event.hash:
        return (
            f"event #{event.seq} ({event.type} on {event.stream_id}): stored hash "
            f"{event.hash[:16]}… does not match its contents (recomputed {actual[:16]}…)"
        )
    return None


def _head_mismatch(head: tuple[int, str], checked: int, prev: str) -> Finding:
    """The finding when the stored events end elsewhere than the ledger head says."""
    head_seq, head_hash = head
    if head_seq > checked:
        return Finding(
            checked + 1,
            f"event #{checked + 1} is missing: the ledger head says {head_seq} events were written, {checked} are stored",
        )
    return Finding(
        head_seq,
        f"the ledger head (event #{head_seq}, {head_hash[:16]}…) does not match the last stored event "
        f"(#{checked}, {prev[:16]}…)",
    )


#: One batch of the log in sequence order, as three parallel columns: sequence numbers,
#: stored hashes, and each event's hash input (the bytes ``hash_input`` gives: as stored, or
#: assembled by the database from the stored fields). The input ends with the previous hash.
Batch = tuple[Sequence[int], Sequence[str], Sequence[bytes]]

_hex = methodcaller("hexdigest")
_previous = itemgetter(slice(-len(GENESIS), None))


@dataclass(frozen=True)
class Segment:
    """What a fast pass over a run of consecutive events found: whether every event in it
    hashes correctly and links to the one before, and how the run starts and ends."""

    ok: bool
    count: int = 0
    first: int = 0  # sequence number of its first event
    prev: str = ""  # that event's previous hash
    last: int = 0
    head: str = ""  # hash of its last event


def scan(batches: Iterable[Batch]) -> Segment:
    """Check a run of events as fast as hashing allows: the per-event work runs in C (map
    over hashlib, tuple comparisons), so it costs little more than SHA-256 over the bytes."""
    sha256 = hashlib.sha256
    count, first, prev0, expected, prev = 0, 0, "", 0, ""
    for seqs, hashes, inputs in batches:
        n = len(seqs)
        if n == 0:
            continue
        hashes = tuple(hashes)
        if count == 0:
            first, expected = seqs[0], seqs[0]
            prev0 = prev = _previous(inputs[0]).decode("ascii", "replace")
        if tuple(seqs) != tuple(range(expected, expected + n)):
            return Segment(False)
        if tuple(map(_hex, map(sha256, inputs))) != hashes:
            return Segment(False)
        # every hash is now known to be 64 hex digits, so the links compare as one string
        if b"".join(map(_previous, inputs)) != "".join((prev, *hashes[:-1])).encode():
            return Segment(False)
        count, expected, prev = count + n, expected + n, hashes[-1]
    return Segment(True, count, first, prev0, expected - 1, prev)


def joined(segments: Iterable[Segment], *, head: tuple[int, str]) -> bool:
    """Whether consecutive segments form the whole log, from the genesis to ``head``.

    Only a yes is final: on no, ``verify`` re-walks the log to name the first bad event, so
    the fast pass and the re-walk always give the same verdict."""
    expected, prev = 1, GENESIS
    for segment in segments:
        if not segment.ok:
            return False
        if segment.count == 0:
            continue
        if segment.first != expected or segment.prev != prev:
            return False
        expected, prev = segment.last + 1, segment.head
    return head == (expected - 1, prev)

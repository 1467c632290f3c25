"""Checking a serial's proof file with no database (issue 16 item 5): the serial is in a
manifest whose root and count an event of the signed log carries, and that event is in the log.

The file is what `supplyline serial prove` writes: the serial, its index in the manifest, the
manifest's size and root, the audit path (hex), and under ``log`` the event's own inclusion
proof (the file `supplyline proof inclusion` writes, with the event's public view). Three
checks, each with the reason when it fails: the path leads from the serial's leaf to the
root; the event states that root with that count; the event is in the log's tree (and,
given a checkpoint, under its signed root).
"""

from __future__ import annotations

import json
from typing import Any

from . import merkle
from .audit import AuditCannotRun, AuditFailed, PublishedLog, Trust, _fields, _int, audit_inclusion, parse_document
from .merkle import ProofError

#: an event's manifest roots and the field that counts each manifest's serials
ROOT_COUNTS = {
    "manifest_root": ("count", "sighted"),
    "missing_root": ("missing",),
    "damaged_root": ("damaged",),
    "extra_root": ("extra",),
}


def _hex(value: Any, key: str) -> bytes:
    if not isinstance(value, str) or len(value) != 64:
        raise AuditFailed(f"{key} is not a 64-digit hex hash")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise AuditFailed(f"{key} is not a 64-digit hex hash") from None


def _stated_by(payload: Any, root: str, size: int) -> str:
    """The payload field that states ``root`` with a count of ``size``; AuditFailed otherwise."""
    if not isinstance(payload, dict):
        raise AuditFailed("the event's payload is not a JSON object")
    for field, counts in ROOT_COUNTS.items():
        if payload.get(field) != root:
            continue
        stated = [payload[c] for c in counts if c in payload]
        if stated and stated[0] != size:
            raise AuditFailed(f"the event states {stated[0]} serials under this root, the proof {size}")
        return field
    raise AuditFailed("the event does not state the manifest's root (a proof against some other list)")


def audit_serial(
    raw: bytes, *, verifier: Trust | None = None, checkpoint: bytes | None = None, published: PublishedLog | None = None
) -> str:
    """Check a serial's proof file; returns a one-line summary or raises AuditFailed."""
    doc = parse_document(raw, "serial proof file")
    required = ("serial", "manifest", "record", "event_seq", "index", "size", "root", "path")
    _fields(doc, required, ("log",), "serial proof file")
    serial = doc["serial"]
    if not isinstance(serial, str) or not serial:
        raise AuditFailed("serial is not a string")
    index, size = _int(doc, "index"), _int(doc, "size")
    root = _hex(doc["root"], "root")
    if not isinstance(doc["path"], list):
        raise AuditFailed("path is not a list of hex hashes")
    path = [_hex(h, f"path[{k}]") for k, h in enumerate(doc["path"])]
    try:
        merkle.verify_inclusion(index, size, merkle.leaf_hash(serial.encode("utf-8")), path, root)
    except ProofError as exc:
        raise AuditFailed(f"serial {serial}: {exc}") from None
    what = f"serial {serial} is item {index + 1} of {size} in manifest {doc['manifest']}"
    if "log" not in doc:
        raise AuditCannotRun(
            "log", f"{what}, but the file carries no event to hold its root: write it with `serial prove`"
        )
    log = doc["log"]
    if not isinstance(log, dict) or not isinstance(log.get("event"), dict):
        raise AuditFailed("log is not an inclusion proof with its event")
    event = log["event"]
    if event.get("seq") != doc["event_seq"] or event.get("stream_id") != doc["record"]:
        raise AuditFailed(f"the log's event is not event #{doc['event_seq']} of {doc['record']}")
    field = _stated_by(event.get("payload"), doc["root"], size)
    in_log = audit_inclusion(
        json.dumps(log).encode("utf-8"), verifier=verifier, checkpoint=checkpoint, published=published
    )
    return f"{what}, whose root event #{event['seq']} ({event.get('type')}) states as {field}; {in_log}"

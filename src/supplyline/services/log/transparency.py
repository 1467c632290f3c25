"""Transparency services: the signing key, checkpoints, proofs, reveals, static tiles.

Everything here reads the stored tree (O(log n) tiles per proof) and the events; nothing
rehashes the log. What a proof or reveal carries of an event is ``ledger.disclosure``'s
public view, so a file handed to an outsider never holds a withheld value it should not.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ... import settings as settings_module
from ...domain.errors import InvalidInput, NotFound, Refused
from ...domain.values import parse_int, today_utc, utc_now
from ...ledger import merkle, tiles
from ...ledger.canonical import canonical, parse
from ...ledger.chain import StoredEvent
from ...ledger.disclosure import has_markers, markers, public_view, visible
from ...ledger.note import Checkpoint, NoteError, Signer, Verifier, b64, open_checkpoint, sign_checkpoint
from ...store import keyfile, withheld
from ...store import merkle as tree
from ...store import schema as t
from ...store.eventstore import Store, iter_events
from ..access.withholding import PUBLIC_READER, Index
from ..reads.report_models import ConsistencyProof, InclusionProof, PublicEvent, Reveal

# --- the key ---------------------------------------------------------------------------------


def ensure_key(path: Path, name: str) -> tuple[Signer, bool]:
    return keyfile.create(path, name)


def load_key(path: Path) -> Signer:
    return keyfile.load(path)


def key_path(settings: settings_module.Settings, db_url: str | None = None) -> Path:
    """Where the signing key of the ledger is: ``SUPPLYLINE_SIGNING_KEY``, else beside the SQLite
    file of ``db_url`` (default: the settings' database). The one place it is found: the CLI
    (``CliState.key_file``), the API and the dashboard (``app.state.key_file``) are handed it."""
    return keyfile.location(db_url or settings.db, settings.signing_key)


# --- the tree --------------------------------------------------------------------------------


def sync_tree(store: Store) -> int:
    """Bring the stored tree up to the log head (a ledger older than the tree, or events
    written without the hook); returns the tree size."""
    with store.read() as conn:
        if not tree.lags(conn):
            return tree.tree_size(conn)
    with store.locked() as conn:
        return tree.catch_up(conn)


def _size(conn: Connection, size: object | None) -> int:
    current = tree.tree_size(conn)
    if size in (None, ""):
        return current
    n = parse_int("size", size, minimum=0)
    if n > current:
        raise InvalidInput("size", n, f"the ledger holds {current} events")
    return n


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: str


def checkpoint(
    store: Store, signer: Signer, *, size: object | None = None, with_time: bool = False
) -> SignedCheckpoint:
    """The tree head at ``size`` (default: every event), signed as a C2SP checkpoint;
    ``with_time`` adds the extension line ``time <UTC ISO 8601>`` (when it was signed)."""
    sync_tree(store)
    with store.read() as conn:
        n = _size(conn, size)
        root = tree.tree_head(conn, n)
    extensions = (f"time {utc_now().strftime('%Y-%m-%dT%H:%M:%SZ')}",) if with_time else ()
    cp = Checkpoint(signer.name, n, root, extensions)
    return SignedCheckpoint(cp, sign_checkpoint(cp, signer))


def published_checkpoint(store: Store, signer: Signer, key_file: Path) -> SignedCheckpoint:
    """The log's head as it publishes it: signed, with the cosignatures its witnesses gave
    for exactly this checkpoint (services/log/witnessing.py keeps them beside the key)."""
    from .witnessing import cosigned_file, with_cosignatures

    signed = checkpoint(store, signer)
    return SignedCheckpoint(signed.checkpoint, with_cosignatures(signed.note, cosigned_file(key_file)))


# --- proofs ----------------------------------------------------------------------------------


def _event(conn: Connection, ref: object) -> StoredEvent:
    """An event by sequence number (``12`` or ``#12``) or by its hash."""
    cols = t.events.c
    text = str(ref).strip().lstrip("#")
    if text.isascii() and text.isdigit():
        if len(text) > 18:  # beyond any sequence number a database column holds
            raise NotFound("event", text)
        query = select(t.events).where(cols.seq == int(text))
    elif len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        query = select(t.events).where(cols.hash == text)
    else:
        raise InvalidInput("event", ref, "give the event's sequence number (e.g. 12) or its 64-hex hash")
    row = conn.execute(query).one_or_none()
    if row is None:
        raise NotFound("event", text)
    return StoredEvent(
        row.seq,
        row.stream_id,
        row.stream_version,
        row.recorded_at,
        row.actor,
        row.type,
        row.meta,
        row.payload,
        row.prev_hash,
        row.hash,
    )


def inclusion(conn: Connection, event: StoredEvent, size: int, *, on: date) -> InclusionProof:
    if event.seq > size:
        raise InvalidInput("size", size, f"event #{event.seq} is not in the tree of the first {size} events")
    index = event.seq - 1
    proof = tree.inclusion_proof(conn, index, size)
    secrets = withheld.secrets_of(conn, [event.seq]).get(event.seq, [])
    view = public_view(event, secrets, on=on, repeats=repeats_for(Index(conn, on=on), event.seq))
    return {
        "leafIdx": index,
        "treeSize": size,
        "root": b64(tree.tree_head(conn, size)),
        "leafHash": b64(merkle.leaf_hash(bytes.fromhex(event.hash))),
        "proof": [b64(p) for p in proof],
        "event": cast(PublicEvent, view),
    }


def inclusion_proof(
    store: Store, event_ref: object, *, size: object | None = None, on: date | None = None
) -> InclusionProof:
    """A self-contained inclusion proof for one event, in the transparency-dev vector field
    names, with the event's public view (which anyone can rehash to the leaf)."""
    sync_tree(store)
    with store.read() as conn:
        event = _event(conn, event_ref)
        return inclusion(conn, event, _size(conn, size), on=on or today_utc())


def consistency_proof(store: Store, old: object, new: object | None = None) -> ConsistencyProof:
    sync_tree(store)
    with store.read() as conn:
        size2 = _size(conn, new)
        size1 = parse_int("old_size", old, minimum=0)
        if size1 > size2:
            raise InvalidInput("old_size", size1, f"must not exceed the new size ({size2})")
        proof = tree.consistency_proof(conn, size1, size2)
        return {
            "size1": size1,
            "size2": size2,
            "root1": b64(tree.tree_head(conn, size1)),
            "root2": b64(tree.tree_head(conn, size2)),
            "proof": [b64(p) for p in proof],
        }


@dataclass(frozen=True)
class WithheldField:
    """A withheld field of an event, as far as deciding who may see it needs: the record its
    stream builds, who recorded it, its disclosure level and embargo (public knowledge: the
    marker is in the public log)."""

    seq: int
    stream_id: str
    recorded_by: str
    field: str
    level: str
    embargo: str | None

    @property
    def record(self) -> tuple[str, str]:
        kind, _, record_id = self.stream_id.partition(":")
        return kind, record_id

    def public_on(self, day: date) -> bool:
        """Its embargo has passed: anyone may see it (the public log shows it)."""
        return visible({"level": self.level, "embargo": self.embargo}, (), day)


def _withheld(event: StoredEvent, field: str) -> dict:
    withheld_fields = markers(parse(event.payload))
    if field not in withheld_fields:
        shown = ", ".join(sorted(withheld_fields)) or "none"
        raise InvalidInput("field", field, f"is not withheld in event #{event.seq} (withheld: {shown})")
    return withheld_fields[field]


def withheld_field(conn: Connection, event_ref: object, field: str) -> WithheldField:
    """The withheld ``field`` of an event (by sequence number or hash)."""
    event = _event(conn, event_ref)
    marker = _withheld(event, field)
    return WithheldField(event.seq, event.stream_id, event.actor, field, marker["level"], marker["embargo"])


def reveal(store: Store, event_ref: object, field: str, *, size: object | None = None) -> Reveal:
    """The value and salt of one withheld field, with the inclusion proof of its event:
    anyone can check the value against the commitment in the signed log."""
    sync_tree(store)
    with store.read() as conn:
        event = _event(conn, event_ref)
        _withheld(event, field)
        secret = next(s for s in withheld.secrets_of(conn, [event.seq]).get(event.seq, []) if s.field == field)
        doc = inclusion(conn, event, _size(conn, size), on=today_utc())
    return cast(Reveal, {**doc, "reveal": {"field": field, **secret.to_json()}})


def document(doc: Mapping[str, Any]) -> str:
    """The bytes of a proof or reveal file: canonical JSON (RFC 8785), so every byte counts."""
    return canonical(doc) + "\n"


# --- the public log ----------------------------------------------------------------------------


def public_events(conn: Connection, *, after: int = 0, limit: int | None = None, on: date | None = None):
    """The public view of each event after sequence number ``after`` (at most ``limit``), in
    log order: what anyone may see of the log on day ``on``."""
    day = on or today_utc()
    batch: list[StoredEvent] = []
    for count, event in enumerate(iter_events(conn, after=after, batch=min(limit or 5000, 5000))):
        if limit is not None and count >= limit:
            break
        batch.append(event)
        if len(batch) == 5000:
            yield from _public_views(conn, batch, day)
            batch = []
    yield from _public_views(conn, batch, day)


def repeats_for(index: Index, seq: int) -> dict[str, dict]:
    """The fields of event ``seq`` in clear that repeat a value withheld from the public, each
    with the marker of the event that withholds it (the public view shows that instead)."""
    return {name: item.to_json() for name, item in index.repeats(seq, PUBLIC_READER).items()}


def _public_views(conn: Connection, events: list[StoredEvent], day: date):
    secrets = withheld.secrets_of(conn, [e.seq for e in events if has_markers(e.payload)])
    index = Index(conn, on=day)
    for event in events:
        yield public_view(event, secrets.get(event.seq, ()), on=day, repeats=repeats_for(index, event.seq))


def public_log(store: Store, out, *, on: date | None = None) -> int:
    """Write every event's public view, one canonical JSON line each, to the text stream
    ``out``: what anyone may hold, re-walk and check against a signed checkpoint
    (`supplyline audit log`). Returns the number of events written."""
    count = 0
    with store.read() as conn:
        for view in public_events(conn, on=on):
            out.write(canonical(view) + "\n")
            count += 1
    return count


# --- static publication ------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    size: int
    written: int
    kept: int


def publish_tiles(store: Store, signer: Signer, directory: Path, key_file: Path | None = None) -> Published:
    """Write the checkpoint, tiles and entry bundles (C2SP tlog-tiles) under ``directory``.

    Tiles and bundles are immutable: an existing file is left alone if it holds the same
    bytes, and publishing refuses if it does not (the published log would disagree with this
    one). Only ``checkpoint`` is replaced, atomically, and only by one consistent with it;
    with ``key_file``, it carries the witnesses' cosignatures of it."""
    signed = published_checkpoint(store, signer, key_file) if key_file else checkpoint(store, signer)
    size = signed.checkpoint.size
    directory.mkdir(parents=True, exist_ok=True)
    _check_published_checkpoint(store, directory / "checkpoint", signer.verifier)
    written = kept = 0
    with store.read() as conn:
        for level, index, width in tiles.tiles_of(size):
            content = tree.read_tiles(conn, [(level, index)], size)[(level, index)][: width * merkle.HASH_SIZE]
            done = _put(directory / tiles.path(level, index, width), content)
            written, kept = written + done, kept + (not done)
            if level == 0:
                bundle = _bundle(conn, index, width)
                done = _put(directory / tiles.path(0, index, width, entries=True), bundle)
                written, kept = written + done, kept + (not done)
    _replace(directory / "checkpoint", signed.note.encode())
    return Published(size, written + 1, kept)


def _bundle(conn: Connection, index: int, width: int) -> bytes:
    """Entry bundle: the leaf inputs (32-byte event hashes), each prefixed by its uint16 length."""
    first = index * tiles.WIDTH + 1
    rows = conn.execute(
        select(t.events.c.hash).where(t.events.c.seq >= first, t.events.c.seq < first + width).order_by(t.events.c.seq)
    ).all()
    return b"".join(b"\x00\x20" + bytes.fromhex(row.hash) for row in rows)


def _put(path: Path, content: bytes) -> bool:
    if path.exists():
        if path.read_bytes() != content:
            raise Refused(
                f"{path} already holds different bytes: the published log and this ledger disagree",
                field="directory",
                value=str(path),
            )
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, content)
    return True


def _replace(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _check_published_checkpoint(store: Store, path: Path, verifier: Verifier) -> None:
    if not path.exists():
        return
    try:
        old = open_checkpoint(path.read_bytes(), verifier)
    except NoteError as exc:
        raise Refused(
            f"{path} is not a checkpoint of this log ({exc}): publish into another directory",
            field="directory",
            value=str(path),
        ) from None
    with store.read() as conn:
        if old.size > tree.tree_size(conn) or tree.tree_head(conn, old.size) != old.root:
            raise Refused(
                f"{path} (size {old.size}) is not a prefix of this ledger: its history was rewritten",
                field="directory",
                value=str(path),
            )

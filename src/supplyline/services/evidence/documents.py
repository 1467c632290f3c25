"""Documents attached to records (issue 18): the attach command, their bytes in the blob
store, reading them back for those who may, checking a file against the log (``audit
document``) and re-hashing every blob (``verify``).

The blob is written before the event: content-addressed, it is the same bytes whoever
writes them, so a refused or rolled-back attach leaves at most an unreferenced blob, and a
recorded event never names bytes the store does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

import puremagic
from sqlalchemy import select
from sqlalchemy.engine import Connection

from ... import settings
from ...domain import document as domain
from ...domain.document import Document
from ...domain.errors import InvalidInput, NotFound, RuleViolation
from ...store import blobs
from ...store import schema as t
from ...store.eventstore import Store, UnitOfWork
from ..access.ownership import RESOLVERS
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Disclosure, parsed
from ..reads.report_models import DocumentRecord

#: the largest document accepted, as for a spreadsheet upload (api/uploads.py MAX_REQUEST)
MAX_DOCUMENT = 20 * 2**20
#: what a file whose bytes match no known signature is served as: never a type a browser runs
UNKNOWN = "application/octet-stream"

Record = Annotated[tuple[str, str], parsed(domain.parse_record)]


def media_type(data: bytes) -> str:
    """The media type the bytes themselves show (puremagic's signatures), never the name's."""
    try:
        found = puremagic.magic_string(data)
    except puremagic.PureError:
        return UNKNOWN
    return next((m.mime_type for m in found if m.mime_type), UNKNOWN)


def blob_store(store: Store) -> blobs.BlobStore:
    """Where this ledger's documents' bytes are (store/blobs.py)."""
    return blobs.at(store.engine.url.render_as_string(hide_password=False), settings.load().blobs)


def record_exists(conn: Connection, record: tuple[str, str], field: str = "record") -> None:
    kind, record_id = record
    if record_id not in RESOLVERS[kind](conn, [record_id]):
        raise InvalidInput(field, f"{kind}:{record_id}", f"no {kind} '{record_id}' is recorded")


class AttachDocument(Command):
    """A file attached to a record: its hash, size, media type, title and language in the
    log, its bytes in the blob store."""

    ACTION: ClassVar[str] = "document.attach"
    WITHHOLDS: ClassVar[str | None] = "DocumentAttached"

    record: Record
    doc_type: str
    language: str
    title: str
    content: bytes
    on: BusinessDay = TODAY
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(AttachDocument)
def attach_document(uow: UnitOfWork, actor: Actor, cmd: AttachDocument, expected: int | None) -> Outcome:
    if not cmd.content:  # nothing to hash as evidence, and nothing a media type can be judged from
        raise InvalidInput("file", "0 bytes", "is empty: attach the document's file")
    if len(cmd.content) > MAX_DOCUMENT:
        raise InvalidInput("file", f"{len(cmd.content)} bytes", f"is larger than {MAX_DOCUMENT // 2**20} MB")
    record_exists(uow.conn, cmd.record)
    document = uow.get(Document, cmd.id or uow.next_id(Document, "DOC"))
    events = domain.attach(
        document,
        record=cmd.record,
        doc_type=cmd.doc_type,
        language=cmd.language,
        title=cmd.title,
        sha256=blobs.sha256(cmd.content),
        size=len(cmd.content),
        media_type=media_type(cmd.content),
        on=cmd.on,
    )
    blob_store(uow.store).put(cmd.content)
    return Outcome(document.id, uow.record(document, events, withhold=cmd.disclosure))


# --- reading -----------------------------------------------------------------------------------


def _row(row) -> DocumentRecord:
    return {
        "id": row.id,
        "record": f"{row.record_kind}:{row.record_id}",
        "type": row.doc_type,
        "language": row.language,
        "title": row.title,
        "sha256": row.sha256,
        "size": row.size,
        "media_type": row.media_type,
        "attached_on": row.attached_on.isoformat(),
        "version": row.version,
    }


def documents_of(conn: Connection, kind: str, record_id: str) -> list[DocumentRecord]:
    d = t.documents
    query = select(d).where(d.c.record_kind == kind, d.c.record_id == record_id).order_by(d.c.id)
    return [_row(r) for r in conn.execute(query)]


def document(conn: Connection, document_id: str) -> DocumentRecord:
    row = conn.execute(select(t.documents).where(t.documents.c.id == document_id)).one_or_none()
    if row is None:
        raise NotFound("document", document_id)
    return _row(row)


def attached_by(conn: Connection, document_id: str) -> int | None:
    """The event that attached the document (its number in the log)."""
    e = t.events
    query = select(e.c.seq).where(e.c.stream_id == f"document:{document_id}", e.c.type == "DocumentAttached")
    return conn.execute(query).scalar()


def content(store: Store, found: dict) -> bytes:
    """The document's bytes, checked against its hash in the log."""
    data = blob_store(store).get(found["sha256"])
    if data is None or blobs.sha256(data) != found["sha256"]:
        what = "missing" if data is None else "altered (its SHA-256 differs from the log's)"
        raise RuleViolation(f"the stored bytes of document '{found['id']}' are {what}", field="document")
    return data


#: types served as themselves: none of them is run by a browser; anything else is served as
#: bytes to save (an HTML or SVG file is never rendered, whatever it holds)
SERVED_AS_IS = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff"})


def download(found: dict) -> tuple[str, dict[str, str]]:
    """The media type and headers a document's bytes are sent with, by the API and the
    dashboard alike: an attachment, never sniffed, sandboxed should a browser open it anyway."""
    media = found["media_type"] if found["media_type"] in SERVED_AS_IS else UNKNOWN
    headers = {
        "Content-Disposition": f'attachment; filename="{found["id"]}"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return media, headers


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A file found in the log: the event that recorded it and the record it is about."""

    seq: int
    document_id: str
    record: str
    title: str | None


def _attached(conn: Connection, sha256: str | None = None, seq: int | None = None) -> list[Match]:
    e, d = t.events, t.documents
    query = (
        select(e.c.seq, d.c.id, d.c.record_kind, d.c.record_id, d.c.title)
        .select_from(e.join(d, e.c.stream_id == "document:" + d.c.id))
        .where(e.c.type == "DocumentAttached")
        .order_by(e.c.seq)
    )
    if sha256 is not None:
        query = query.where(d.c.sha256 == sha256)
    if seq is not None:
        query = query.where(e.c.seq == seq)
    return [Match(r.seq, r.id, f"{r.record_kind}:{r.record_id}", r.title) for r in conn.execute(query)]


def audit_document(store: Store, data: bytes, event: int | None = None) -> tuple[bool, str]:
    """Whether ``data`` is a document the log recorded (event ``event``, if given): (ok, what to say)."""
    digest = blobs.sha256(data)
    with store.read() as conn:
        if event is not None:
            named = _attached(conn, seq=event)
            if not named:
                raise InvalidInput("event", event, "is not an event that attached a document")
            recorded = conn.execute(select(t.documents.c.sha256).where(t.documents.c.id == named[0].document_id))
            if recorded.scalar_one() != digest:
                return False, (
                    f"the file is NOT the one event #{event} recorded for {named[0].record} "
                    f"(document {named[0].document_id}): its SHA-256 is {digest}"
                )
            found = named
        else:
            found = _attached(conn, sha256=digest)
            if not found:
                return False, f"no document with SHA-256 {digest} is recorded in the log"
    return True, "; ".join(
        f"the file is document {m.document_id} attached to {m.record} by event #{m.seq} (SHA-256 {digest})"
        for m in found
    )


def check_blobs(store: Store) -> list[str]:
    """Every document's blob re-hashed: one line for each missing or altered one."""
    with store.read() as conn:
        rows = conn.execute(select(t.documents).order_by(t.documents.c.id)).all()
    where = blob_store(store)
    problems = []
    for row in rows:
        data = where.get(row.sha256)
        if data is None:
            problems.append(f"document {row.id} ({row.record_kind} {row.record_id}): its blob {row.sha256} is missing")
        elif blobs.sha256(data) != row.sha256:
            problems.append(
                f"document {row.id} ({row.record_kind} {row.record_id}): its blob {row.sha256} is altered "
                f"(the stored bytes hash to {blobs.sha256(data)})"
            )
    return problems

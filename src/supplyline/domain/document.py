"""Documents attached to records: what kinds there are, how they map to the OCDS
documentType codelist, and the decision to attach one (issue 18).

A document is its own record (``document:DOC-0001``) naming the record it is about; who may
read it follows that record (services/access/ownership.py). The log holds its SHA-256, size,
media type, title and language; the bytes live in the content-addressed blob store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pycountry

from .entity import Entity, require_new
from .errors import InvalidInput
from .events import DocumentAttached, Event
from .values import parse_choice, parse_id, parse_text

TYPES = ("loa", "amendment", "invoice", "acceptance", "inspection", "other")

#: our document types in OCDS 1.1.5's documentType codelist; "other" has no code there, so
#: the exported document states none rather than a guess
OCDS_TYPES: dict[str, str | None] = {
    "loa": "contractSigned",  # the letter of offer and acceptance is the signed contract
    "amendment": "contractAnnexe",
    "invoice": "financialProgressReport",
    "acceptance": "completionCertificate",
    "inspection": "physicalProgressReport",
    "other": None,
}

#: the records a document (or a finding) may be about
RECORD_KINDS = (
    "requirement",
    "pledge",
    "package",
    "contract",
    "facility",
    "order",
    "lot",
    "shipment",
    "site",
    "check",
    "disposition",
    "handover",
)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Document(Entity):
    KIND = "document"
    LABEL = "document"

    record_kind: str = ""
    record_id: str = ""
    doc_type: str = ""
    language: str = ""
    title: str = ""
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    attached_on: date | None = None

    def _on_DocumentAttached(self, e: DocumentAttached) -> None:
        self.record_kind, self.record_id, self.doc_type, self.language = (
            e.record_kind,
            e.record_id,
            e.doc_type,
            e.language,
        )
        self.title, self.sha256, self.size, self.media_type = e.title, e.sha256, e.size, e.media_type
        self.attached_on = e.attached_on


def parse_record(field: str, value: object) -> tuple[str, str]:
    """``KIND:ID`` (contract:CT-1) as the kind and id of a record a document may be about."""
    kind, sep, record_id = str(value).partition(":") if isinstance(value, str) else ("", "", "")
    if not sep or kind not in RECORD_KINDS:
        raise InvalidInput(field, value, f"must be KIND:ID with KIND one of: {', '.join(RECORD_KINDS)}")
    return kind, parse_id(field, record_id)


def parse_language(field: str, value: object) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(text, str) or len(text) != 2 or pycountry.languages.get(alpha_2=text) is None:
        raise InvalidInput(field, value, "must be an ISO 639-1 language code (uk, en, …)")
    return text


def attach(
    document: Document,
    *,
    record: tuple[str, str],
    doc_type: object,
    language: object,
    title: object,
    sha256: str,
    size: int,
    media_type: str,
    on: date,
) -> list[Event]:
    require_new(document)
    if not _SHA256.match(sha256):
        raise InvalidInput("sha256", sha256, "must be 64 lowercase hexadecimal digits")
    if size <= 0:
        raise InvalidInput("file", size, "is empty: a document needs its bytes")
    kind = parse_choice("type", doc_type, TYPES)
    return [
        DocumentAttached(
            record_kind=record[0],
            record_id=record[1],
            doc_type=kind,
            language=parse_language("lang", language),
            title=parse_text("title", title, max_length=300),
            sha256=sha256,
            size=size,
            media_type=media_type,
            attached_on=on,
        )
    ]

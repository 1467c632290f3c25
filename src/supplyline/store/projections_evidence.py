"""Projections of the evidence (issue 18): documents and audit findings."""

from __future__ import annotations

from sqlalchemy import Table

from ..domain.document import Document
from ..domain.finding import Finding
from ..ledger.canonical import canonical
from . import schema as t
from .table_rows import same_named


def document_rows(d: Document) -> dict[Table, list[dict]]:
    columns = ("id", "record_kind", "record_id", "doc_type", "language", "title", "sha256", "size", "media_type")
    return {t.documents: [same_named(d, *columns, "attached_on", "version")]}


def finding_rows(f: Finding) -> dict[Table, list[dict]]:
    columns = ("id", "state", "record_kind", "record_id", "severity", "criteria", "condition", "answer_due")
    more = ("opened_on", "response", "responded_on", "resolution", "closed_on", "public", "version")
    return {t.findings: [{**same_named(f, *columns, *more), "evidence": canonical(list(f.evidence))}]}


#: entity kind and its rows, for ``projections.PROJECTIONS``
ROWS = ((Document, document_rows), (Finding, finding_rows))
TABLES: tuple[Table, ...] = (t.documents, t.findings)

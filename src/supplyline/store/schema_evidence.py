"""Tables of the evidence (issue 18), on the same metadata as store/schema.py: documents
attached to records (their bytes are in the blob store, store/blobs.py, never here) and
audit findings."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, String, Table, Text

from .schema import ID, _id, metadata

documents: Table = Table(
    "documents",
    metadata,
    _id("id", primary_key=True),
    Column("record_kind", String(20), nullable=False),
    _id("record_id", nullable=False),
    Column("doc_type", String(20), nullable=False),
    Column("language", String(2), nullable=False),
    Column("title", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(127), nullable=False),
    Column("attached_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_documents_record", "record_kind", "record_id"),
)

findings: Table = Table(
    "findings",
    metadata,
    _id("id", primary_key=True),
    Column("state", String(20), nullable=False),
    Column("record_kind", String(20), nullable=False),
    Column("record_id", String(ID), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("criteria", Text, nullable=False),
    Column("condition", Text, nullable=False),
    Column("answer_due", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("response", Text, nullable=False),
    Column("responded_on", Date, nullable=True),
    Column("resolution", Text, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("public", Boolean, nullable=False),
    Column("evidence", Text, nullable=False),  # canonical JSON list of document ids
    Column("version", Integer, nullable=False),
    Index("ix_findings_record", "record_kind", "record_id"),
)

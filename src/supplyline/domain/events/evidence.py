"""Events of the evidence an auditor works from: documents attached to records (their
SHA-256 in the log, their bytes in the blob store beside it) and audit findings followed
from opening to closure (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .base import Event


@dataclass(frozen=True, kw_only=True)
class DocumentAttached(Event):
    """A file attached to a record. The bytes never enter the log: its hash does, so a
    withheld document's later release can be checked against it."""

    record_kind: str  # the kind of the record it is about (contract, package, order, …)
    record_id: str
    doc_type: str  # loa | amendment | invoice | acceptance | inspection | other
    language: str  # ISO 639-1
    title: str
    sha256: str
    size: int
    media_type: str  # judged from the bytes, never from the file's name
    attached_on: date


@dataclass(frozen=True, kw_only=True)
class FindingOpened(Event):
    record_kind: str
    record_id: str
    severity: str  # low | medium | high | critical
    criteria: str  # what should be (the rule, the contract clause)
    condition: str  # what the auditor found
    answer_due: date
    opened_on: date
    evidence: tuple[str, ...]  # document ids


@dataclass(frozen=True, kw_only=True)
class FindingResponded(Event):
    """The record's owners answer: what they did or will do, with evidence."""

    response: str
    responded_on: date
    evidence: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class FindingClosed(Event):
    resolution: str
    closed_on: date
    public: bool  # the auditor publishes the closed finding to everyone


@dataclass(frozen=True, kw_only=True)
class FindingReopened(Event):
    reason: str
    reopened_on: date
    answer_due: date

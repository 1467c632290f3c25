"""The evidence (issue 18): documents attached to records (uploaded, read, downloaded) and
audit findings (opened, answered, closed, reopened, reported)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel

from ...domain.document import parse_record
from ...domain.values import today_utc
from ...services.access.ownership import Ownership
from ...services.bus import Command
from ...services.evidence import documents, findings
from ...services.evidence.evidence_views import may_download
from ..commands import command_fields, send
from ..gate import Gate, Ref, acts, creating, existing, reading, updating, writing
from ..problems import ApiProblem
from ..schemas.common import Day, Id, OutcomeRead
from ..schemas.evidence import (
    DocumentRead,
    FindingAnswerAction,
    FindingCloseAction,
    FindingCreate,
    FindingRead,
    FindingReopenAction,
    FindingsRead,
    RecordRef,
)
from ..schemas.interchange import UploadCreate
from ..uploads import MB, TOO_LARGE, clean_name
from .common import plain

router = APIRouter(tags=["evidence"])


def _parties_of(kind: str, record_id: str):
    def owners(own: Ownership) -> frozenset[str]:
        found = own.of(kind, record_id)
        return found.everyone if found is not None else frozenset()

    return owners


@router.post(
    "/documents",
    status_code=201,
    response_model=OutcomeRead,
    responses=TOO_LARGE,
    summary="Attach a document to a record: its SHA-256 in the log, its bytes in the blob store",
    **acts(documents.AttachDocument.ACTION),
)
def attach_document(
    file: Annotated[UploadFile, File(description=f"the document, at most {documents.MAX_DOCUMENT // MB} MB")],
    record: Annotated[RecordRef, Form(description="KIND:ID of the record, e.g. contract:CT-NL-1")],
    type: Annotated[str, Form(description="loa | amendment | invoice | acceptance | inspection | other")],
    lang: Annotated[str, Form(description="ISO 639-1: uk, en, …", max_length=3)],
    title: Annotated[str | None, Form(description="default: the file's name", max_length=300)] = None,
    on: Annotated[Day | None, Form()] = None,
    disclose: Annotated[list[str], Form(description="FIELD=LEVEL[@EMBARGO], e.g. title=confidential")] = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    gate: Gate = Depends(writing),
):
    kind, record_id = parse_record("record", record)
    data = file.file.read(documents.MAX_DOCUMENT + 1)
    if len(data) > documents.MAX_DOCUMENT:
        raise ApiProblem(413, "too-large", f"file: is larger than {documents.MAX_DOCUMENT // MB} MB", field="file")
    name = title if title is not None else clean_name(file.filename, "document")
    options = {"record": record, "type": type, "lang": lang, "title": name, "on": on, "disclose": disclose}
    return send(
        gate,
        creating("document", _parties_of(kind, record_id), Ref(kind, record_id, "record")),
        lambda: documents.AttachDocument(
            record=record, doc_type=type, language=lang, title=name, content=data, on=on, disclosure=tuple(disclose)
        ),
        payload=UploadCreate(files={"file": documents.blobs.sha256(data)}, options=options),
        created="/api/v1/documents",
    )


@router.get("/documents/{document_id}", response_model=DocumentRead, **acts("document.read"))
def get_document(document_id: Id, gate: Gate = Depends(reading)):
    return gate.one("document", document_id, lambda c: plain(documents.document(c, document_id)))


@router.get(
    "/documents/{document_id}/content",
    summary="Download a document's bytes (always as an attachment, never rendered)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
    **acts("document.read"),
)
def download_document(document_id: Id, gate: Gate = Depends(reading)):
    found = gate.one("document", document_id, lambda c: plain(documents.document(c, document_id)))
    if not may_download(found):
        raise ApiProblem(403, "forbidden", f"document '{document_id}' is withheld from the caller: its bytes are too")
    media, headers = documents.download(found)
    return Response(
        documents.content(gate.store, found), media_type=media, headers={**headers, "ETag": f'"{found["sha256"]}"'}
    )


@router.post(
    "/findings",
    status_code=201,
    response_model=OutcomeRead,
    summary="Open an audit finding on a record (an auditor)",
    **acts(findings.OpenFinding.ACTION),
)
def open_finding(body: FindingCreate, gate: Gate = Depends(writing)):
    kind, record_id = parse_record("record", body.record)
    return send(
        gate,
        creating("finding", _parties_of(kind, record_id), Ref(kind, record_id, "record")),
        lambda: findings.OpenFinding.model_validate(command_fields(body)),
        payload=body,
        created="/api/v1/findings",
    )


@router.get("/findings/{finding_id}", response_model=FindingRead, **acts("finding.read"))
def get_finding(finding_id: Id, gate: Gate = Depends(reading)):
    return gate.one("finding", finding_id, lambda c: plain(findings.finding(c, finding_id, on=today_utc())))


def _finding_action(finding_id: str, gate: Gate, command: type[Command], body: BaseModel) -> Response:
    """One step of a finding's life, on the finding the path names."""
    fields = {**command_fields(body), "finding_id": finding_id}
    return send(gate, existing("finding", finding_id), lambda: command.model_validate(fields), payload=body)


@router.post(
    "/findings/{finding_id}/response",
    response_model=OutcomeRead,
    summary="Answer a finding (the record's owners), with evidence",
    **acts(findings.RespondToFinding.ACTION),
)
def respond_to_finding(finding_id: Id, body: FindingAnswerAction, gate: Gate = Depends(updating)):
    return _finding_action(finding_id, gate, findings.RespondToFinding, body)


@router.post(
    "/findings/{finding_id}/close",
    response_model=OutcomeRead,
    summary="Close a finding (an auditor)",
    **acts(findings.CloseFinding.ACTION),
)
def close_finding(finding_id: Id, body: FindingCloseAction, gate: Gate = Depends(updating)):
    return _finding_action(finding_id, gate, findings.CloseFinding, body)


@router.post(
    "/findings/{finding_id}/reopen",
    response_model=OutcomeRead,
    summary="Reopen a finding whose answer does not hold (an auditor)",
    **acts(findings.ReopenFinding.ACTION),
)
def reopen_finding(finding_id: Id, body: FindingReopenAction, gate: Gate = Depends(updating)):
    return _finding_action(finding_id, gate, findings.ReopenFinding, body)


@router.get(
    "/reports/findings",
    response_model=FindingsRead,
    summary="Audit findings with their ages: those on records the caller may read, and closed ones made public",
    **acts("report.findings"),
)
def report_findings(
    open_only: Annotated[bool, Query(alias="open", description="only findings not yet closed")] = False,
    gate: Gate = Depends(reading),
):
    def fetch(conn, principal):
        rows = findings.findings(conn, principal, on=today_utc(), open_only=open_only)
        return {"findings": rows, "aging": findings.aging(rows)}

    return gate.overall(fetch)

"""The evidence (issue 18): documents attached to records (`document attach`, `audit
document`) and audit findings (`finding open|respond|close|reopen`, `report findings`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..domain.values import today_utc
from .app import JSON, state
from .common import DISCLOSE, send, sub_app
from .lazy import lazy
from .render import CHECK_FAILED, console, emit_json, fail, table
from .reports import report
from .transparency import audit_app

if TYPE_CHECKING:
    from ..domain import access
    from ..services.evidence import documents, findings
else:
    access = lazy("supplyline.domain.access")
    documents = lazy("supplyline.services.evidence.documents")
    findings = lazy("supplyline.services.evidence.findings")

document = sub_app("document", "Documents attached to records: their hash in the log, their bytes beside it.")
finding = sub_app("finding", "Audit findings: opened by an auditor, answered by the record's owners, closed.")

ON = typer.Option(None, "--on", help="YYYY-MM-DD (default: today)")
EVIDENCE = typer.Option([], "--evidence", metavar="DOC", help="a document attached to the record (repeatable)")


def _read(path: Path) -> bytes:
    if path.stat().st_size > documents.MAX_DOCUMENT:
        fail(f"refused: {path}: larger than {documents.MAX_DOCUMENT // 2**20} MB", 2)
    return path.read_bytes()


@document.command("attach")
def document_attach(
    ctx: typer.Context,
    record: str = typer.Argument(..., metavar="KIND:ID", help="the record, e.g. contract:CT-0001"),
    file: Path = typer.Argument(..., metavar="FILE"),
    doc_type: str = typer.Option(..., "--type", help="loa | amendment | invoice | acceptance | inspection | other"),
    language: str = typer.Option(..., "--lang", help="ISO 639-1: uk, en, …"),
    title: str | None = typer.Option(None, "--title", help="default: the file's name"),
    on: str | None = ON,
    document_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Attach a file to a record: its SHA-256, size and media type (from its bytes) go in the log."""
    cmd = documents.AttachDocument(
        record=record,
        doc_type=doc_type,
        language=language,
        title=title if title is not None else file.name,
        content=_read(file),
        on=on,
        id=document_id,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@audit_app.command("document")
def audit_document(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE"),
    event: int | None = typer.Option(None, "--event", help="the event that should have recorded it"),
) -> None:
    """Is FILE a document the log recorded? Exit 0 naming the event and record, 1 if not.
    (Unlike the other audits it reads the ledger's database.)"""
    ok, message = documents.audit_document(state(ctx).store(), _read(file), event)
    if not ok:
        fail(f"INVALID: {message}", CHECK_FAILED)
    console.print(f"[green]valid[/]: {message}", highlight=False)


@finding.command("open")
def finding_open(
    ctx: typer.Context,
    record: str = typer.Argument(..., metavar="KIND:ID"),
    severity: str = typer.Option(..., "--severity", help="low | medium | high | critical"),
    criteria: str = typer.Option(..., "--criteria", help="what should be"),
    condition: str = typer.Option(..., "--condition", help="what was found"),
    due: str = typer.Option(..., "--due", help="the day an answer is due"),
    evidence: list[str] = EVIDENCE,
    on: str | None = ON,
    finding_id: str | None = typer.Option(None, "--id"),
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Open a finding on a record (an auditor)."""
    cmd = findings.OpenFinding(
        record=record,
        severity=severity,
        criteria=criteria,
        condition=condition,
        due=due,
        evidence=tuple(evidence),
        on=on,
        id=finding_id,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@finding.command("respond")
def finding_respond(
    ctx: typer.Context,
    finding_id: str = typer.Argument(..., metavar="FINDING"),
    response: str = typer.Option(..., "--response"),
    evidence: list[str] = EVIDENCE,
    on: str | None = ON,
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Answer a finding (the record's owners), with evidence."""
    cmd = findings.RespondToFinding(
        finding_id=finding_id, response=response, evidence=tuple(evidence), on=on, disclosure=tuple(disclose)
    )
    send(ctx, cmd, as_json=as_json)


@finding.command("close")
def finding_close(
    ctx: typer.Context,
    finding_id: str = typer.Argument(..., metavar="FINDING"),
    resolution: str = typer.Option(..., "--resolution"),
    public: bool = typer.Option(False, "--public", help="list the closed finding for everyone"),
    on: str | None = ON,
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Close a finding (the auditor)."""
    cmd = findings.CloseFinding(
        finding_id=finding_id, resolution=resolution, public=public, on=on, disclosure=tuple(disclose)
    )
    send(ctx, cmd, as_json=as_json)


@finding.command("reopen")
def finding_reopen(
    ctx: typer.Context,
    finding_id: str = typer.Argument(..., metavar="FINDING"),
    reason: str = typer.Option(..., "--reason"),
    due: str = typer.Option(..., "--due", help="the day a new answer is due"),
    on: str | None = ON,
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Reopen a finding whose answer does not hold (the auditor)."""
    cmd = findings.ReopenFinding(finding_id=finding_id, reason=reason, due=due, on=on, disclosure=tuple(disclose))
    send(ctx, cmd, as_json=as_json)


@report.command("findings")
def report_findings(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="only findings still open or answered"),
    aging: bool = typer.Option(False, "--aging", help="open findings by age band and severity"),
    as_json: bool = JSON,
) -> None:
    """Audit findings with their ages (the operator sees every one)."""
    on = today_utc()
    operator = access.Principal(None, "coordinator")
    with state(ctx).store().read() as conn:
        rows = findings.findings(conn, operator, on=on, open_only=open_only or aging)
    data = findings.aging(rows) if aging else rows
    if as_json:
        emit_json(data)
    elif aging:
        table(
            "Open findings by age (days)",
            data,
            [("age", "age"), ("open", "open"), *((s, s) for s in ("low", "medium", "high", "critical"))],
        )
    else:
        columns = [("id", "finding"), ("record", "record"), ("severity", "severity"), ("state", "state")]
        table("Audit findings", data, [*columns, ("answer_due", "answer due"), ("age_days", "age (days)")])

"""The ledger itself (events, verification, projection check), the funnel report, and who
the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ...services.access.ownership import RESOLVERS, Ownership
from ...services.access.withholding import reader_of
from ...services.interchange import kiel
from ...services.log import checks
from ...services.reads import queries
from ...services.reads.report_sheets import funnel_sheets
from ..cursors import decode_cursor, encode_cursor
from ..gate import Gate, acts, reading
from ..problems import ApiProblem
from ..reports import FILES, ReportFormat, Table, report_answer
from ..schemas.ledger import EventPage, FunnelComparedRead, MeRead, ProjectionCheckRead, VerificationRead
from .common import Cursor, Limit

router = APIRouter(tags=["ledger and reports"])

STREAM = r"^[a-z]{1,20}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


@router.get(
    "/events",
    response_model=EventPage,
    summary="Events, newest first: the whole ledger for auditors, one visible stream for others",
    **acts("event.read"),
)
def list_events(
    gate: Gate = Depends(reading),
    stream: Annotated[str | None, Query(pattern=STREAM, description="e.g. pledge:PL-0001")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    before = None
    if cursor:
        decoded = decode_cursor(cursor)
        if len(decoded) != 1 or not isinstance(decoded[0], int) or decoded[0] < 1:
            raise ApiProblem(422, "invalid-input", "cursor: is not a cursor this API returned", field="cursor")
        before = decoded[0]

    def fetch(conn):
        rows = queries.list_events(conn, stream_id=stream, limit=limit + 1, before=before)
        more = len(rows) > limit
        return {"items": rows[:limit], "next_cursor": encode_cursor((rows[limit - 1]["seq"],)) if more else None}

    if stream is None:
        return gate.overall(lambda conn, _: fetch(conn))
    kind, _, record_id = stream.partition(":")
    if kind not in RESOLVERS:
        raise ApiProblem(
            422, "invalid-input", f"stream: '{kind}' is not a kind of record ({', '.join(RESOLVERS)})", field="stream"
        )
    return gate.stream_events(kind, record_id, fetch)


@router.get(
    "/ledger/verify", response_model=VerificationRead, summary="Re-walk the hash chain", **acts("ledger.verify")
)
def verify(gate: Gate = Depends(reading)):
    def run(_conn, _principal):
        result = checks.verify_ledger(gate.store)
        return {
            "ok": result.ok,
            "checked": result.checked,
            "head": result.head_hash,
            "first_bad_event": result.finding.seq if result.finding else None,
            "problem": result.finding.message if result.finding else None,
        }

    return gate.overall(run)


@router.get(
    "/ledger/projections",
    response_model=ProjectionCheckRead,
    summary="Compare the stored projections with a rebuild from the events (rebuild --check)",
    **acts("ledger.check"),
)
def check_projections(gate: Gate = Depends(reading)):
    def run(_conn, _principal):
        differences = checks.check_projections(gate.store)
        return {"ok": not differences, "differences": [str(d) for d in differences]}

    return gate.overall(run)


@router.get(
    "/reports/funnel",
    response_model=FunnelComparedRead,
    response_model_exclude_unset=True,
    responses=FILES,
    summary="Per funder: pledged, allocated, contracted, delivered (a public aggregate)",
    **acts("report.funnel"),
)
def funnel(
    request: Request,
    gate: Gate = Depends(reading),
    currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "EUR",
    compare_kiel: Annotated[bool, Query(description="add the Kiel tracker's military allocations per donor")] = False,
    kiel_release: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$",
            description="with compare_kiel: the release (default: the latest)",
        ),
    ] = None,
    format: ReportFormat = None,
    table: Table = None,
):
    data = gate.overall(
        lambda conn, principal: kiel.funnel_compared(
            conn, currency, compare=compare_kiel, release=kiel_release, reader=reader_of(principal, Ownership(conn))
        )
    )
    return report_answer(request, data, funnel_sheets, "funnel", format, table)


@router.get("/me", response_model=MeRead, summary="The party and role of the token used", **acts("token.read"))
def me(gate: Gate = Depends(reading)):
    def run(_conn, principal):
        return {"token_id": principal.token_id, "party": principal.party, "role": principal.role}

    return gate.overall(run)

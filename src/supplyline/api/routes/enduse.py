"""End-use monitoring (docs/end-use.md): serial rules, sites, checks, dispositions, the
compliance report each role sees its share of, one serial's history and proof."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from ...domain.values import parse_date, today_utc
from ...services.end_use import custody, enduse, queries_enduse, serial_history
from ...services.end_use.enduse_report import Filters
from ...services.end_use.enduse_views import end_use_report
from ..commands import command_fields, send
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead
from ..schemas.enduse import (
    CheckCreate,
    DispositionCreate,
    EndUseReportRead,
    HandoverConfirmationAction,
    HandoverCreate,
    SerialHistoryRead,
    SerialProofRead,
    SerialRuleCreate,
    SiteCreate,
    SitePage,
    rows,
)
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["end-use monitoring"])

SerialPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="the serial number")]


@router.post(
    "/end-use/serial-rules",
    response_model=OutcomeRead,
    summary="Require serial numbers for a category or a requirement line (or lift it)",
    **acts(enduse.RequireSerials.ACTION),
)
def require_serials(body: SerialRuleCreate, gate: Gate = Depends(writing)):
    return send(gate, None, lambda: enduse.RequireSerials.model_validate(body.model_dump()), payload=body)


@router.get("/sites", response_model=SitePage, summary="The sites the caller may see", **acts("site.read"))
def list_sites(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return gate.many(
        "site", lambda c: plain_rows(queries_enduse.list_sites(c)), key=lambda r: (r["id"],), cursor=cursor, limit=limit
    )


@router.post(
    "/sites",
    status_code=201,
    response_model=OutcomeRead,
    summary="Register a site: the recipient's own code for a depot or store, never coordinates",
    **acts(enduse.RegisterSite.ACTION),
)
def register_site(body: SiteCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("site", [body.party]),
        lambda: enduse.RegisterSite.model_validate(command_fields(body)),
        payload=body,
        created="/api/v1/sites",
    )


@router.post(
    "/end-use/checks",
    status_code=201,
    response_model=OutcomeRead,
    summary="Record an end-use check: the serials sighted (the items' recipient or seller)",
    **acts(enduse.RecordCheck.ACTION),
)
def record_check(body: CheckCreate, gate: Gate = Depends(writing)):
    fields = {**body.model_dump(), "serials": rows(body.serials)}
    return send(gate, None, lambda: enduse.RecordCheck.model_validate(fields), payload=body, created=True)


@router.post(
    "/end-use/dispositions",
    status_code=201,
    response_model=OutcomeRead,
    summary="Record the final disposition of serials, with its evidence",
    **acts(enduse.RecordDisposition.ACTION),
)
def record_disposition(body: DispositionCreate, gate: Gate = Depends(writing)):
    fields = {**command_fields(body), "serials": rows(body.serials)}
    return send(gate, None, lambda: enduse.RecordDisposition.model_validate(fields), payload=body, created=True)


@router.post(
    "/end-use/handovers",
    status_code=201,
    response_model=OutcomeRead,
    summary="Hand serials over from your site to another (a custody leg)",
    **acts(custody.HandOver.ACTION),
)
def hand_over(body: HandoverCreate, gate: Gate = Depends(writing)):
    fields = {**body.model_dump(), "serials": rows(body.serials)}
    return send(gate, None, lambda: custody.HandOver.model_validate(fields), payload=body, created=True)


@router.post(
    "/end-use/handovers/{handover_id}/confirmation",
    response_model=OutcomeRead,
    summary="Confirm a handover as its receiving party, with the missing, damaged and extra serials",
    **acts(custody.ConfirmHandover.ACTION),
)
def confirm_handover(handover_id: PathId, body: HandoverConfirmationAction, gate: Gate = Depends(updating)):
    fields = {
        "handover_id": handover_id,
        "confirmed_on": body.confirmed_on,
        **{k: rows(getattr(body, k)) if getattr(body, k) else () for k in ("missing", "damaged", "extra")},
    }
    return send(
        gate, existing("handover", handover_id), lambda: custody.ConfirmHandover.model_validate(fields), payload=body
    )


@router.get(
    "/reports/end-use",
    response_model=EndUseReportRead,
    response_model_exclude_unset=True,
    summary="End-use compliance: figures by role (the public: percentages per category and month)",
    **acts("report.end_use"),
)
def end_use(
    gate: Gate = Depends(reading),
    as_of: Annotated[date | None, Query(description="default: today (UTC)")] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    site: Annotated[str | None, Query(max_length=64, description="a site's code or id")] = None,
    package_id: Annotated[str | None, Query(max_length=64)] = None,
):
    day = parse_date("as_of", as_of) if as_of else today_utc()

    def fetch(conn, principal):
        site_id = (
            enduse.find_site(conn, site) if site and principal.role in ("recipient", "seller", "auditor") else None
        )
        return end_use_report(conn, principal, day, Filters(category, site_id, package_id))

    return gate.overall(fetch)


@router.get(
    "/serials/{serial}", response_model=SerialHistoryRead, summary="One serial's history", **acts("serial.read")
)
def get_serial(serial: SerialPath, gate: Gate = Depends(reading)):
    return gate.one("serial", serial, lambda c: plain(serial_history.history(c, serial)))


@router.get(
    "/serials/{serial}/proof",
    response_model=SerialProofRead,
    summary="The audit path of a serial in the manifest whose root the signed log holds",
    **acts("serial.read"),
)
def prove_serial(serial: SerialPath, gate: Gate = Depends(reading)):
    return gate.one("serial", serial, lambda c: plain(serial_history.prove(c, serial)))

"""Packages of requirement lines, their approval by named parties, and their trace."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ...services.reads import agreement as agreement_reads
from ...services.reads import queries, reports
from ...services.reads.report_sheets import trace_sheets
from ...services.records import agreement, packages
from .. import listing
from ..commands import command_fields, send
from ..derive import many
from ..gate import Gate, acts, creating, existing, reading, updating, writing
from ..reports import FILES, ReportFormat, Table, report_answer
from ..schemas.common import DatedAction, Mechanism, OutcomeRead, PackageState
from ..schemas.packages import (
    ApprovalStepsCreate,
    ApprovalStepsRead,
    ConcurrenceCreate,
    DecisionCreate,
    LineCancelAction,
    PackageCreate,
    PackageDetailRead,
    PackageLineCreate,
    PackagePage,
    ReturnAction,
    TraceRead,
)
from .common import Cursor, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["packages"])


@router.get("/packages", response_model=PackagePage, summary="Packages shared with the caller", **acts("package.read"))
def list_packages(
    gate: Gate = Depends(reading),
    state: PackageState | None = None,
    mechanism: Mechanism | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return listing.page(
        gate,
        "package",
        lambda c, page: plain_rows(queries.list_packages(c, state=state, mechanism=mechanism, page=page)),
        key=("id",),
        cursor=cursor,
        limit=limit,
    )


@router.get("/packages/{package_id}", response_model=PackageDetailRead, **acts("package.read"))
def get_package(package_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("package", package_id, lambda c: plain(queries.package(c, package_id)))


@router.get(
    "/packages/{package_id}/trace",
    response_model=TraceRead,
    responses=FILES,
    summary="Every delivered line → contract → package line → the pledges that paid for it",
    **acts("package.trace"),
)
def trace_package(
    package_id: PathId,
    request: Request,
    gate: Gate = Depends(reading),
    format: ReportFormat = None,
    table: Table = None,
):
    data = gate.one("package", package_id, lambda c: plain(reports.trace(c, package_id)), present_as="trace")
    return report_answer(request, data, trace_sheets, f"trace-{package_id}", format, table)


@router.post(
    "/packages",
    status_code=201,
    response_model=OutcomeRead,
    summary="Draft a package",
    **acts(packages.DraftPackage.ACTION),
)
def draft_package(body: PackageCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("package", ()),
        lambda: packages.DraftPackage.model_validate(command_fields(body)),
        payload=body,
        created="/api/v1/packages",
    )


@router.post(
    "/packages/{package_id}/lines",
    response_model=OutcomeRead,
    summary="Add a requirement line",
    **acts(packages.AddLine.ACTION),
)
def add_line(package_id: PathId, body: PackageLineCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("package", package_id),
        lambda: packages.AddLine.model_validate({**command_fields(body), "package_id": package_id}),
        payload=body,
    )


@router.post("/packages/{package_id}/propose", response_model=OutcomeRead, **acts(packages.ProposePackage.ACTION))
def propose_package(package_id: PathId, gate: Gate = Depends(updating)):
    return send(gate, existing("package", package_id), lambda: packages.ProposePackage(package_id=package_id))


@router.post(
    "/packages/{package_id}/decisions",
    response_model=OutcomeRead,
    summary="Approve or reject, as the token's own party",
    **acts(packages.Decide.ACTION),
)
def decide_package(package_id: PathId, body: DecisionCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("package", package_id, acting=lambda _: [body.party]),
        lambda: packages.Decide.model_validate({**command_fields(body), "package_id": package_id}),
        payload=body,
    )


@router.post(
    "/packages/{package_id}/lines/{line_no}/cancel",
    response_model=OutcomeRead,
    summary="Take a line out of a package not yet contracted: its money goes back to its pledges",
    **acts(packages.CancelLine.ACTION),
)
def cancel_package_line(package_id: PathId, line_no: int, body: LineCancelAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("package", package_id),
        lambda: packages.CancelLine(package_id=package_id, line_no=line_no, reason=body.reason, on=body.on),
        payload=body,
    )


@router.post("/packages/{package_id}/close", response_model=OutcomeRead, **acts(packages.ClosePackage.ACTION))
def close_package(package_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return send(
        gate, existing("package", package_id), lambda: packages.ClosePackage(package_id=package_id, on=on), payload=body
    )


# who agrees before the seller decides (issue 17, item 2) -------------------------------


@router.post(
    "/packages/{package_id}/validation",
    response_model=OutcomeRead,
    summary="Validate a proposed package, as the coordinator, before its seller decides",
    **acts(agreement.ValidatePackage.ACTION),
)
def validate_package(package_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return send(
        gate,
        existing("package", package_id),
        lambda: agreement.ValidatePackage(package_id=package_id, on=on),
        payload=body,
    )


@router.post(
    "/packages/{package_id}/return",
    response_model=OutcomeRead,
    summary="Return a proposed package to draft, with the reasons (the coordinator)",
    **acts(agreement.ReturnPackage.ACTION),
)
def return_package(package_id: PathId, body: ReturnAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("package", package_id),
        lambda: agreement.ReturnPackage.model_validate({**command_fields(body), "package_id": package_id}),
        payload=body,
    )


@router.post(
    "/packages/{package_id}/concurrences",
    response_model=OutcomeRead,
    summary="Concur with a proposed package, or object with a reason, as a funder whose pledge pays for it",
    **acts(agreement.Concur.ACTION),
)
def concur(package_id: PathId, body: ConcurrenceCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("package", package_id),
        lambda: agreement.Concur.model_validate({**command_fields(body), "package_id": package_id}),
        payload=body,
    )


@router.get(
    "/approval-steps",
    response_model=many(ApprovalStepsRead),
    summary="The steps each mechanism's packages pass before approval",
    **acts("approval_steps.read"),
)
def list_approval_steps(gate: Gate = Depends(reading)):
    return gate.overall(lambda conn, _caller: agreement_reads.approval_steps(conn))


@router.put(
    "/approval-steps/{mechanism}",
    response_model=OutcomeRead,
    summary="Configure the steps a mechanism's packages pass before approval (recorded in the ledger)",
    **acts(agreement.ConfigureApprovalSteps.ACTION),
)
def configure_approval_steps(mechanism: Mechanism, body: ApprovalStepsCreate, gate: Gate = Depends(writing)):
    fields = {**body.model_dump(), "mechanism": mechanism}
    return send(gate, None, lambda: agreement.ConfigureApprovalSteps.model_validate(fields), payload=body)

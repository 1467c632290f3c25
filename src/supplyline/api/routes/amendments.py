"""Changes to signed contracts (issue 15 item 4): amend, accept, reject; `report variance`."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...domain import access
from ...domain.amendment import DueAmendment, LineAmendment
from ...services.access.ownership import Ownership
from ...services.access.withholding import reader_of
from ...services.reads.variance import variance_report
from ...services.records import amendments
from ..commands import send
from ..gate import Gate, acts, existing, reading, updating
from ..schemas.amendments import AmendmentCreate, AmendmentDecisionAction, VarianceReportRead
from ..schemas.common import OutcomeRead
from .common import FilterId, PathId

router = APIRouter(tags=["contracts"])


@router.post(
    "/contracts/{contract_id}/amendments",
    status_code=201,
    response_model=OutcomeRead,
    summary="Change a signed contract, as its buyer: a modification takes effect at once, an amendment once accepted",
    **acts(amendments.AmendContract.ACTION),
)
def amend_contract(contract_id: PathId, body: AmendmentCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("contract", contract_id),
        lambda: amendments.AmendContract(
            contract_id=contract_id,
            rationale=body.rationale,
            lines=tuple(LineAmendment(x.line_no, x.quantity, x.unit_price) for x in body.lines),
            schedule=tuple(DueAmendment(d.entry, d.due) for d in body.schedule),
            description=body.description,
            on=body.on,
            disclosure=body.disclose,
        ),
        payload=body,
        created=True,
    )


def _decided(contract_id: str, body: AmendmentDecisionAction, gate: Gate, build):
    """An acceptance or refusal by the party the body names, who must be the caller."""
    return send(gate, existing("contract", contract_id, acting=lambda _: [body.party]), build, payload=body)


@router.post(
    "/contracts/{contract_id}/amendments/{amendment_id}/accept",
    response_model=OutcomeRead,
    summary="Accept an amendment, as the package's recipient or one of its funders",
    **acts(amendments.AcceptAmendment.ACTION),
)
def accept_amendment(
    contract_id: PathId, amendment_id: PathId, body: AmendmentDecisionAction, gate: Gate = Depends(updating)
):
    return _decided(
        contract_id,
        body,
        gate,
        lambda: amendments.AcceptAmendment(
            contract_id=contract_id, amendment_id=amendment_id, party=body.party, on=body.on
        ),
    )


@router.post(
    "/contracts/{contract_id}/amendments/{amendment_id}/reject",
    response_model=OutcomeRead,
    summary="Refuse an amendment, as the package's recipient or one of its funders",
    **acts(amendments.RejectAmendment.ACTION),
)
def reject_amendment(
    contract_id: PathId, amendment_id: PathId, body: AmendmentDecisionAction, gate: Gate = Depends(updating)
):
    return _decided(
        contract_id,
        body,
        gate,
        lambda: amendments.RejectAmendment(
            contract_id=contract_id,
            amendment_id=amendment_id,
            party=body.party,
            reason=body.reason or "",
            on=body.on,
            disclosure=body.disclose,
        ),
    )


@router.get(
    "/reports/variance",
    response_model=VarianceReportRead,
    summary="Per contract line: estimate, package price, original and current contract, delivered, and why each changed",
    **acts("report.variance"),
)
def report_variance(gate: Gate = Depends(reading), package: FilterId = None):
    def run(conn, principal):
        own = Ownership(conn)
        parties = own.all("contract")

        def readable(contract_id: str) -> bool:
            return contract_id in parties and access.can_read(principal, "contract", parties[contract_id])

        lines, withheld = variance_report(conn, package_id=package, reader=reader_of(principal, own), readable=readable)
        return {"lines": lines, "withheld": withheld}

    return gate.overall(run)

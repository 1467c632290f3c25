"""Contracts for package lines (the Drone Deal's purchase agreement is one)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...domain.contract import DeliveryTerms, LineTerms
from ...services.reads import queries
from ...services.records import contracts
from .. import listing
from ..commands import send
from ..gate import Gate, Ref, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead
from ..schemas.contracts import ContractCreate, ContractDetailRead, ContractPage
from ..schemas.production import RescheduleAction
from .common import Cursor, FilterId, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["contracts"])


@router.get(
    "/contracts", response_model=ContractPage, summary="Contracts shared with the caller", **acts("contract.read")
)
def list_contracts(
    gate: Gate = Depends(reading), package_id: FilterId = None, cursor: Cursor = None, limit: Limit = 50
):
    return listing.page(
        gate,
        "contract",
        lambda c, page: plain_rows(queries.list_contracts(c, package_id=package_id, page=page)),
        key=("id",),
        cursor=cursor,
        limit=limit,
    )


@router.get("/contracts/{contract_id}", response_model=ContractDetailRead, **acts("contract.read"))
def get_contract(contract_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("contract", contract_id, lambda c: plain(queries.contract(c, contract_id)))


@router.post(
    "/contracts",
    status_code=201,
    response_model=OutcomeRead,
    summary="Sign a contract, as its buyer",
    **acts(contracts.SignContract.ACTION),
)
def sign_contract(body: ContractCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("contract", [body.buyer], Ref("package", body.package_id, "package_id")),
        lambda: contracts.SignContract(
            package_id=body.package_id,
            buyer=body.buyer,
            supplier=body.supplier,
            kind=body.kind,
            signed_on=body.signed_on,
            lines=tuple(LineTerms(line.package_line_no, line.quantity, line.unit_price) for line in body.lines),
            schedule=tuple(DeliveryTerms(d.line_no, d.due, d.quantity) for d in body.schedule),
            id=body.id,
            disclosure=body.disclose,
        ),
        payload=body,
        created="/api/v1/contracts",
    )


@router.post(
    "/contracts/{contract_id}/schedule/{entry}/reschedule",
    response_model=OutcomeRead,
    summary="Move an entry of the delivery schedule (numbered in signing order), as the seller or supplier",
    **acts(contracts.RescheduleDelivery.ACTION),
)
def reschedule_delivery(contract_id: PathId, entry: int, body: RescheduleAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("contract", contract_id),
        lambda: contracts.RescheduleDelivery(
            contract_id=contract_id, entry=entry, due=body.due, reason=body.reason, on=body.on
        ),
        payload=body,
    )

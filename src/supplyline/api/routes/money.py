"""Money along its stages (issue 15): the funder's payments in, the coordinator's transfers
and returns, the seller's obligations and payments to suppliers, and `report money`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...services.access.ownership import Ownership
from ...services.access.withholding import reader_of
from ...services.money_flow import money
from ...services.money_flow.money_report import money_report
from ..commands import command_fields, send
from ..gate import Gate, acts, existing, reading, updating
from ..schemas.common import OutcomeRead
from ..schemas.money import ExpenditureCreate, MoneyReportRead, ObligationCreate, PaymentCreate, TransferCreate
from .common import FilterId, PathId

router = APIRouter(tags=["money"])


def _on(kind: str, record_id: str, gate: Gate, command, body):
    """A money stage recorded on an existing pledge or contract, named by the path."""
    return send(
        gate,
        existing(kind, record_id),
        lambda: command.model_validate({**command_fields(body), f"{kind}_id": record_id}),
        payload=body,
        created=True,
    )


@router.post(
    "/pledges/{pledge_id}/payments",
    status_code=201,
    response_model=OutcomeRead,
    summary="The funder's payment into the mechanism's account",
    **acts(money.PayIn.ACTION),
)
def pay_in(pledge_id: PathId, body: PaymentCreate, gate: Gate = Depends(updating)):
    return _on("pledge", pledge_id, gate, money.PayIn, body)


@router.post(
    "/pledges/{pledge_id}/transfers",
    status_code=201,
    response_model=OutcomeRead,
    summary="A transfer of paid-in money to the seller for a package",
    **acts(money.Transfer.ACTION),
)
def transfer(pledge_id: PathId, body: TransferCreate, gate: Gate = Depends(updating)):
    return _on("pledge", pledge_id, gate, money.Transfer, body)


@router.post(
    "/pledges/{pledge_id}/returns",
    status_code=201,
    response_model=OutcomeRead,
    summary="Unallocated paid-in money returned to the funder",
    **acts(money.ReturnMoney.ACTION),
)
def return_money(pledge_id: PathId, body: PaymentCreate, gate: Gate = Depends(updating)):
    return _on("pledge", pledge_id, gate, money.ReturnMoney, body)


@router.post(
    "/contracts/{contract_id}/obligations",
    status_code=201,
    response_model=OutcomeRead,
    summary="Obligate transferred money on a contract line",
    **acts(money.Obligate.ACTION),
)
def obligate(contract_id: PathId, body: ObligationCreate, gate: Gate = Depends(updating)):
    return _on("contract", contract_id, gate, money.Obligate, body)


@router.post(
    "/contracts/{contract_id}/expenditures",
    status_code=201,
    response_model=OutcomeRead,
    summary="Pay a supplier out of obligated money (against delivery or invoice)",
    **acts(money.Expend.ACTION),
)
def expend(contract_id: PathId, body: ExpenditureCreate, gate: Gate = Depends(updating)):
    return _on("contract", contract_id, gate, money.Expend, body)


@router.get(
    "/reports/money",
    response_model=MoneyReportRead,
    response_model_exclude_none=True,
    summary="Committed, paid in, allocated, transferred, obligated, expended, released, returned (a funder: its own)",
    **acts("report.money"),
)
def report_money(
    gate: Gate = Depends(reading),
    funder: FilterId = None,
    package: FilterId = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
):
    def run(conn, principal):
        # a funder's scope is its own: its pledges, whatever it asks for
        who = principal.party if principal.role == "funder" else funder
        reader = reader_of(principal, Ownership(conn))
        return money_report(conn, currency=currency, funder=who, package=package, reader=reader)

    return gate.overall(run)

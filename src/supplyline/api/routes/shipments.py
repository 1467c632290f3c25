"""Shipments against contract lines, and the recipient's confirmation of what arrived."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...domain.shipment import ShippedLine
from ...services.access import ownership
from ...services.reads import queries
from ...services.records import shipments
from .. import listing
from ..commands import send
from ..gate import Gate, Ref, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead, ShipmentState
from ..schemas.enduse import rows
from ..schemas.shipments import (
    ArrivalAction,
    LossCreate,
    ReceiptCreate,
    ShipmentCreate,
    ShipmentDetailRead,
    ShipmentPage,
)
from .common import Cursor, FilterId, Limit, PathId, plain, plain_rows

router = APIRouter(tags=["shipments"])


@router.get(
    "/shipments", response_model=ShipmentPage, summary="Shipments shared with the caller", **acts("shipment.read")
)
def list_shipments(
    gate: Gate = Depends(reading),
    contract_id: FilterId = None,
    state: ShipmentState | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return listing.page(
        gate,
        "shipment",
        lambda c, page: plain_rows(queries.list_shipments(c, contract_id=contract_id, state=state, page=page)),
        key=("shipped_on", "id"),
        cursor=cursor,
        limit=limit,
    )


@router.get("/shipments/{shipment_id}", response_model=ShipmentDetailRead, **acts("shipment.read"))
def get_shipment(shipment_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("shipment", shipment_id, lambda c: plain(queries.shipment(c, shipment_id)))


@router.post(
    "/shipments",
    status_code=201,
    response_model=OutcomeRead,
    summary="Ship units of contract lines",
    **acts(shipments.Dispatch.ACTION),
)
def dispatch(body: ShipmentCreate, gate: Gate = Depends(writing)):
    lines = tuple(
        ShippedLine(line.contract_line_no, line.quantity, tuple((lot.lot_id, lot.quantity) for lot in line.lots))
        for line in body.lines
    )
    about = creating(
        "shipment",
        lambda own: own.of("contract", body.contract_id).owners,  # type: ignore[union-attr]  # the gate resolved the contract before
        Ref("contract", body.contract_id, "contract_id"),
    )
    return send(
        gate,
        about,
        lambda: shipments.Dispatch(
            contract_id=body.contract_id,
            shipped_on=body.shipped_on,
            lines=lines,
            id=body.id,
            disclosure=body.disclose,
            serials=rows(body.serials),
            expected_arrival=body.expected_arrival,
        ),
        payload=body,
        created="/api/v1/shipments",
    )


@router.post(
    "/shipments/{shipment_id}/receipt",
    response_model=OutcomeRead,
    summary="Confirm what arrived (the package's recipient)",
    **acts(shipments.Receive.ACTION),
)
def receive(shipment_id: PathId, body: ReceiptCreate, gate: Gate = Depends(updating)):
    quantities = {line.contract_line_no: line.quantity for line in body.lines} if body.lines else None
    about = existing("shipment", shipment_id, acting=lambda conn: ownership.shipment_receiver(conn, shipment_id))
    return send(
        gate,
        about,
        lambda: shipments.Receive(
            shipment_id=shipment_id,
            received_on=body.received_on,
            quantities=quantities,
            note=body.note,
            disclosure=body.disclose,
            missing=rows(body.missing) if body.missing else (),
            damaged=rows(body.damaged) if body.damaged else (),
            site=body.site,
        ),
        payload=body,
    )


@router.post(
    "/shipments/{shipment_id}/loss",
    response_model=OutcomeRead,
    summary="Report a shipment lost",
    **acts(shipments.ReportLost.ACTION),
)
def report_lost(shipment_id: PathId, body: LossCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("shipment", shipment_id),
        lambda: shipments.ReportLost(shipment_id=shipment_id, reason=body.reason, on=body.on),
        payload=body,
    )


@router.post(
    "/shipments/{shipment_id}/arrival",
    response_model=OutcomeRead,
    summary="Move the day a shipment on its way should arrive, with a reason from the fixed list",
    **acts(shipments.ExpectArrival.ACTION),
)
def expect_arrival(shipment_id: PathId, body: ArrivalAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("shipment", shipment_id),
        lambda: shipments.ExpectArrival(
            shipment_id=shipment_id, expected_arrival=body.expected_arrival, reason=body.reason, on=body.on
        ),
        payload=body,
    )

"""Shipments against contract lines, and the recipient's confirmation of what arrived."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...domain.shipment import ShippedLine
from ...services import ownership, queries, shipments
from ..gate import Gate, Ref, acts, creating, existing, reading, updating, writing
from ..schemas.common import OutcomeRead, ShipmentState
from ..schemas.enduse import rows
from ..schemas.shipments import LossCreate, ReceiptCreate, ShipmentCreate, ShipmentPage, ShipmentRead
from .common import Cursor, FilterId, Limit, PathId

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
    return gate.many(
        "shipment",
        lambda c: queries.list_shipments(c, contract_id=contract_id, state=state),
        key=lambda r: (r["shipped_on"], r["id"]),
        cursor=cursor,
        limit=limit,
    )


@router.get("/shipments/{shipment_id}", response_model=ShipmentRead, **acts("shipment.read"))
def get_shipment(shipment_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("shipment", shipment_id, lambda c: queries.shipment(c, shipment_id))


@router.post(
    "/shipments",
    status_code=201,
    response_model=OutcomeRead,
    summary="Ship units of contract lines",
    **acts("shipment.dispatch"),
)
def dispatch(body: ShipmentCreate, gate: Gate = Depends(writing)):
    lines = tuple(
        ShippedLine(line.contract_line_no, line.quantity, tuple((lot.lot_id, lot.quantity) for lot in line.lots))
        for line in body.lines
    )
    cmd = shipments.Dispatch(body.contract_id, body.shipped_on, lines, body.id, body.disclose or {}, rows(body.serials))
    about = creating(
        "shipment",
        lambda own: own.of("contract", body.contract_id).owners,  # type: ignore[union-attr]  # the gate resolved the contract before
        Ref("contract", body.contract_id, "contract_id"),
    )
    return gate.write(
        about, lambda actor, _: shipments.dispatch(gate.store, actor, cmd), payload=body, created="/api/v1/shipments"
    )


@router.post(
    "/shipments/{shipment_id}/receipt",
    response_model=OutcomeRead,
    summary="Confirm what arrived (the package's recipient)",
    **acts("shipment.receive"),
)
def receive(shipment_id: PathId, body: ReceiptCreate, gate: Gate = Depends(updating)):
    quantities = {line.contract_line_no: line.quantity for line in body.lines} if body.lines else None
    cmd = shipments.Receive(
        shipment_id,
        body.received_on,
        quantities,
        body.note,
        body.disclose or {},
        rows(body.missing) if body.missing else (),
        rows(body.damaged) if body.damaged else (),
        body.site,
    )
    about = existing("shipment", shipment_id, acting=lambda conn: ownership.shipment_receiver(conn, shipment_id))
    return gate.write(
        about, lambda actor, v: shipments.receive(gate.store, actor, cmd, expected_version=v), payload=body
    )


@router.post(
    "/shipments/{shipment_id}/loss",
    response_model=OutcomeRead,
    summary="Report a shipment lost",
    **acts("shipment.report_lost"),
)
def report_lost(shipment_id: PathId, body: LossCreate, gate: Gate = Depends(updating)):
    return gate.write(
        existing("shipment", shipment_id),
        lambda actor, v: shipments.report_lost(
            gate.store, actor, shipment_id, reason=body.reason, on=body.on, expected_version=v
        ),
        payload=body,
    )

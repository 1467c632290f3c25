"""Facilities with their owners and capacity; production orders and their lots."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ...services.access import ownership
from ...services.reads import queries
from ...services.records import production
from .. import listing
from ..commands import command_fields, send
from ..gate import Gate, Ref, acts, creating, existing, reading, updating, writing
from ..schemas.common import DatedAction, OrderState, OutcomeRead
from ..schemas.enduse import rows
from ..schemas.production import (
    CancelAction,
    CapacityCreate,
    FacilityCreate,
    FacilityPage,
    FacilityRead,
    InspectionCreate,
    LotCreate,
    OrderCreate,
    OrderDetailRead,
    OrderPage,
    RescheduleAction,
)
from .common import Cursor, FilterId, Limit, LotPathId, PathId, plain, plain_rows

router = APIRouter(tags=["production"])


@router.get(
    "/facilities",
    response_model=FacilityPage,
    summary="Facilities the caller owns or orders from",
    **acts("facility.read"),
)
def list_facilities(gate: Gate = Depends(reading), cursor: Cursor = None, limit: Limit = 50):
    return listing.page(
        gate,
        "facility",
        lambda c, page: plain_rows(queries.list_facilities(c, page=page)),
        key=("id",),
        cursor=cursor,
        limit=limit,
    )


@router.get("/facilities/{facility_id}", response_model=FacilityRead, **acts("facility.read"))
def get_facility(facility_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("facility", facility_id, lambda c: plain(queries.facility(c, facility_id)))


@router.post(
    "/facilities",
    status_code=201,
    response_model=OutcomeRead,
    summary="Register a facility (as one of its owners)",
    **acts(production.RegisterFacility.ACTION),
)
def register_facility(body: FacilityCreate, gate: Gate = Depends(writing)):
    return send(
        gate,
        creating("facility", [o.party for o in body.owners]),
        lambda: production.RegisterFacility(
            name=body.name, country=body.country, owners=tuple((o.party, o.share) for o in body.owners), id=body.id
        ),
        payload=body,
        created="/api/v1/facilities",
    )


@router.post(
    "/facilities/{facility_id}/capacity",
    response_model=OutcomeRead,
    summary="Set monthly capacity for an item",
    **acts(production.SetCapacity.ACTION),
)
def set_capacity(facility_id: PathId, body: CapacityCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("facility", facility_id),
        lambda: production.SetCapacity.model_validate({**command_fields(body), "facility_id": facility_id}),
        payload=body,
    )


@router.get(
    "/orders", response_model=OrderPage, summary="Production orders shared with the caller", **acts("order.read")
)
def list_orders(
    gate: Gate = Depends(reading),
    facility_id: FilterId = None,
    state: OrderState | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
):
    return listing.page(
        gate,
        "order",
        lambda c, page: plain_rows(queries.list_orders(c, facility_id=facility_id, state=state, page=page)),
        key=("id",),
        cursor=cursor,
        limit=limit,
    )


@router.get("/orders/{order_id}", response_model=OrderDetailRead, **acts("order.read"))
def get_order(order_id: PathId, gate: Gate = Depends(reading)):
    return gate.one("order", order_id, lambda c: plain(queries.order(c, order_id)))


@router.post(
    "/orders",
    status_code=201,
    response_model=OutcomeRead,
    summary="Place a production order (as the contract's supplier or a facility owner)",
    **acts(production.PlaceOrder.ACTION),
)
def place_order(body: OrderCreate, gate: Gate = Depends(writing)):
    about = creating(
        "order",
        lambda own: ownership.order_parties(own.conn, body.facility_id, body.contract_id).owners,
        # who owns a facility is not confidential, what it makes is: any existing facility may be named
        Ref("facility", body.facility_id, "facility_id", visible=False),
        Ref("contract", body.contract_id, "contract_id"),
    )
    return send(
        gate,
        about,
        lambda: production.PlaceOrder(
            facility_id=body.facility_id,
            contract_id=body.contract_id,
            contract_line_no=body.contract_line_no,
            quantity=body.quantity,
            due=body.due,
            id=body.id,
        ),
        payload=body,
        created="/api/v1/orders",
    )


@router.post("/orders/{order_id}/start", response_model=OutcomeRead, **acts(production.StartOrder.ACTION))
def start_order(order_id: PathId, body: DatedAction | None = None, gate: Gate = Depends(updating)):
    on = body.on if body else None
    return send(
        gate, existing("order", order_id), lambda: production.StartOrder(order_id=order_id, on=on), payload=body
    )


@router.post(
    "/orders/{order_id}/lots",
    response_model=OutcomeRead,
    summary="Record a lot produced for the order",
    **acts(production.RecordLot.ACTION),
)
def record_lot(order_id: PathId, body: LotCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("order", order_id),
        lambda: production.RecordLot(
            order_id=order_id, quantity=body.quantity, produced_on=body.produced_on, serials=rows(body.serials)
        ),
        payload=body,
    )


@router.post(
    "/orders/{order_id}/lots/{lot_id}/inspection",
    response_model=OutcomeRead,
    summary="Record quality control of a lot",
    **acts(production.InspectLot.ACTION),
)
def inspect_lot(order_id: PathId, lot_id: LotPathId, body: InspectionCreate, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("order", order_id),
        lambda: production.InspectLot.model_validate({**command_fields(body), "order_id": order_id, "lot_id": lot_id}),
        payload=body,
    )


@router.post("/orders/{order_id}/cancel", response_model=OutcomeRead, **acts(production.CancelOrder.ACTION))
def cancel_order(order_id: PathId, body: CancelAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("order", order_id),
        lambda: production.CancelOrder(order_id=order_id, reason=body.reason, on=body.on),
        payload=body,
    )


@router.post(
    "/orders/{order_id}/reschedule",
    response_model=OutcomeRead,
    summary="Move an open order's due date, with a reason from the fixed list",
    **acts(production.RescheduleOrder.ACTION),
)
def reschedule_order(order_id: PathId, body: RescheduleAction, gate: Gate = Depends(updating)):
    return send(
        gate,
        existing("order", order_id),
        lambda: production.RescheduleOrder(order_id=order_id, due=body.due, reason=body.reason, on=body.on),
        payload=body,
    )

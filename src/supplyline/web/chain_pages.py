"""The pages of the chain's later records (issue 21 item 1): a contract, a shipment (and its
receipt), a production order and a facility, each as the API shows it to the viewer, with
its history and the records around it as links (``record_pages`` has the rest)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.engine import Connection

from ..services.access import views
from ..services.reads import queries, record_views
from . import session
from .form_kit import open_to
from .pages import router
from .record_forms import RECEIVE
from .record_pages import guarded, paid_for, readable, shown


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
def contract_page(request: Request, contract_id: str):
    def build(who: session.PageViewer, conn: Connection) -> dict:
        contract = shown(who, "contract", dict(queries.contract(conn, contract_id)))
        package_id = contract["package_id"]
        package_shown = who.can_read("package", package_id)
        orders = who.keep("order", record_views.orders_of_contract(conn, contract_id))
        shipments = who.keep("shipment", [dict(s) for s in queries.list_shipments(conn, contract_id=contract_id)])
        return {
            "contract": contract,
            "package_shown": package_shown,
            "funding": views.funding(who, queries.package_funding(conn, package_id)) if package_shown else [],
            "orders": [views.present(who, "order", o) for o in orders],
            "shipments": [views.present(who, "shipment", s) for s in shipments],
            "history": record_views.history(conn, f"contract:{contract_id}"),
        }

    return guarded(request, "contract", contract_id, "contract.html", build)


@router.get("/shipments/{shipment_id}", response_class=HTMLResponse)
def shipment_page(request: Request, shipment_id: str):
    """A shipment and its receipt: what arrived, and the pledges whose money paid for it."""

    def build(who: session.PageViewer, conn: Connection) -> dict:
        shipment = shown(who, "shipment", dict(queries.shipment(conn, shipment_id)))
        contract_id = shipment["contract_id"]
        package_id = queries.contract(conn, contract_id)["package_id"]
        return {
            "shipment": shipment,
            "contract_shown": who.can_read("contract", contract_id),
            "package_id": package_id if who.can_read("package", package_id) else None,
            "receipts": paid_for(who, conn, [package_id], lambda e: e["shipment_id"] == shipment_id),
            "history": record_views.history(conn, f"shipment:{shipment_id}"),
            "actions": open_to(who, conn, RECEIVE, shipment_id) if shipment["state"] == "shipped" else [],
        }

    return guarded(request, "shipment", shipment_id, "shipment.html", build)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
def order_page(request: Request, order_id: str):
    def build(who: session.PageViewer, conn: Connection) -> dict:
        order = shown(who, "order", dict(queries.order(conn, order_id)))
        carried = record_views.shipments_with_lots(conn, [lot["lot_id"] for lot in order["lots"]])
        return {
            "order": order,
            "facility_shown": who.can_read("facility", order["facility_id"]),
            "contract_shown": who.can_read("contract", order["contract_id"]),
            "shipments": readable(who, "shipment", carried),
            "history": record_views.history(conn, f"order:{order_id}"),
        }

    return guarded(request, "order", order_id, "order.html", build)


@router.get("/facilities/{facility_id}", response_class=HTMLResponse)
def facility_page(request: Request, facility_id: str):
    def build(who: session.PageViewer, conn: Connection) -> dict:
        facility = shown(who, "facility", dict(queries.facility(conn, facility_id)))
        orders = who.keep("order", [dict(o) for o in queries.list_orders(conn, facility_id=facility_id)])
        return {
            "title": facility["name"],
            "facility": facility,
            "orders": [views.present(who, "order", o) for o in orders],
            "history": record_views.history(conn, f"facility:{facility_id}"),
        }

    return guarded(request, "facility", facility_id, "facility.html", build)

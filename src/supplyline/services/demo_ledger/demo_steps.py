"""The demo's steps that recur: a package drafted, proposed and funded; a contract signed; a
shipment sent and received; each through the command bus, as the CLI and the API write."""

from __future__ import annotations

from typing import Any

from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..records import contracts, funding, packages, shipments


def package(
    store: Store,
    op: Actor,
    pid: str,
    title: str,
    lines: list[tuple[str, int, str | None]],
    funding_plan: list[tuple[str, int, str, str]],
    *,
    mechanism: str = "purl",
    seller: str = "US-GOV",
    recipient: str = "UA-MOD",
    approvers: tuple[str, ...] = (),
    line_disclosure: tuple[str, ...] = (),
) -> None:
    bus.handle(
        store,
        op,
        packages.DraftPackage(
            title=title,
            mechanism=mechanism,
            seller=seller,
            recipient=recipient,
            currency="USD",
            approvers=approvers,
            id=pid,
        ),
    )
    for rid, qty, price in lines:
        bus.handle(
            store,
            op,
            packages.AddLine(
                package_id=pid, requirement_id=rid, quantity=qty, unit_price=price, disclosure=line_disclosure
            ),
        )
    bus.handle(store, op, packages.ProposePackage(package_id=pid))
    for pledge_id, line_no, usd, day in funding_plan:
        allocation = funding.Allocate(
            pledge_id=pledge_id, package_id=pid, line_no=line_no, amount=usd, currency="USD", on=day
        )
        bus.handle(store, op, allocation)


def sign(
    store: Store,
    actor: Actor,
    package_id: str,
    buyer: str,
    supplier: str,
    kind: str,
    day: str,
    lines: tuple,
    contract_id: str,
    **more: Any,
) -> None:
    """The buyer signs a contract for lines of a package."""
    bus.handle(
        store,
        actor,
        contracts.SignContract(
            package_id=package_id,
            buyer=buyer,
            supplier=supplier,
            kind=kind,
            signed_on=day,
            lines=lines,
            id=contract_id,
            **more,
        ),
    )


def ship(store: Store, actor: Actor, contract_id: str, day: str, lines: tuple, shipment_id: str, **more: Any) -> None:
    bus.handle(
        store, actor, shipments.Dispatch(contract_id=contract_id, shipped_on=day, lines=lines, id=shipment_id, **more)
    )


def receive(store: Store, actor: Actor, shipment_id: str, day: str, **more: Any) -> None:
    bus.handle(store, actor, shipments.Receive(shipment_id=shipment_id, received_on=day, **more))

"""Who agrees before the seller decides, in the demo (issue 17, item 2): PURL packages are
validated by NSATU and concurred with by each paying funder, Drone Deal purchases only
concurred with; every approval in the demo comes after its steps, and PKG-DEC-1 still waits
on Poland's concurrence."""

from __future__ import annotations

from ...store.eventstore import Store
from .. import bus, facts
from ..context import Actor
from ..records import agreement, lists

#: the configuration, recorded in the ledger before the first package of each mechanism
STEPS = {"purl": ("validation", "concurrence"), "drone_deal": ("concurrence",)}


def configure(store: Store, coordinator: Actor, mechanism: str, day: str) -> None:
    bus.handle(
        store, coordinator, agreement.ConfigureApprovalSteps(mechanism=mechanism, steps=STEPS[mechanism], on=day)
    )


def agree(
    store: Store,
    coordinator: Actor,
    package_id: str,
    day: str,
    *,
    mechanism: str = "purl",
    waiting: tuple[str, ...] = (),
) -> None:
    """The package's steps on ``day``: the coordinator's validation (where asked), then every
    paying funder's concurrence but those still ``waiting``."""
    with store.read() as conn:
        funders = facts.funders_of_package(conn, package_id)
    if "validation" in STEPS[mechanism]:
        bus.handle(store, coordinator, agreement.ValidatePackage(package_id=package_id, on=day))
    for funder in funders:
        if funder not in waiting:
            bus.handle(store, Actor(funder, via="demo"), agreement.Concur(package_id=package_id, on=day))


def publish_list(store: Store, recipient: str = "UA-MOD") -> None:
    """December 2026's version of Ukraine's list, approved by Ukraine, NSATU and the US (issue
    17, item 1): the ranking the allocation optimiser follows from then on."""
    propose = lists.ProposeListVersion(
        recipient=recipient, month="2026-12", coordinator="NATO-NSATU", seller="US-GOV", on="2026-12-01"
    )
    outcome = bus.handle(store, Actor(recipient, via="demo"), propose)
    for party in (recipient, "NATO-NSATU", "US-GOV"):
        approval = lists.ApproveListVersion(version_id=outcome.id, on="2026-12-02")
        bus.handle(store, Actor(party, via="demo"), approval)

"""Canada's money finds another package (issue 15 items 3 and 6), illustrative: on
3 December 2026 the US rejects PKG-CA-1, which had waited 15 months on its decision (the
interceptors it asks for cannot be sold before 2028), and its USD 500 M go back to
PL-CA-2025-08; the next day NSATU drafts PKG-CA-2 from the lines Ukraine's approved list
still leaves open, and Canada's pledge pays for all of it.

Dated after 2 December 2026 on purpose: ``report late --as-of 2026-12-02`` still shows
PKG-CA-1 waiting on the seller, as it was that day.
"""

from __future__ import annotations

from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..records import packages
from . import demo_agreement
from .demo_steps import package as _package

REJECTED_ON, REDRAFTED_ON = "2026-12-03", "2026-12-04"
#: the replacement's lines (requirement, quantity at the list's price) and what pays for each
LINES: list[tuple[str, int, str | None]] = [("REQ-04", 60, None), ("REQ-03", 100000, None), ("REQ-05", 110, None)]
FUNDING = [
    ("PL-CA-2025-08", 1, "90000000", REDRAFTED_ON),  # 60 AMRAAM-ER at USD 1.5 M
    ("PL-CA-2025-08", 2, "300000000", REDRAFTED_ON),  # 100,000 shells at USD 3,000
    ("PL-CA-2025-08", 3, "110000000", REDRAFTED_ON),  # 110 GMLRS pods at USD 1 M
]


def reject(store: Store) -> None:
    decision = packages.Decide(
        package_id="PKG-CA-1",
        party="US-GOV",
        decision="reject",
        reason="PAC-3 MSE interceptors cannot be released for sale before 2028",
        on=REJECTED_ON,
    )
    bus.handle(store, Actor("US-GOV", via="demo"), decision)


def reallocate(store: Store, op: Actor) -> None:
    """PKG-CA-2, funded by the USD 500 M released, validated and concurred with by Canada:
    the seller's to decide."""
    _package(store, op, "PKG-CA-2", "PURL package 5 — Canada (replaces package 4)", LINES, FUNDING)
    demo_agreement.agree(store, op, "PKG-CA-2", REDRAFTED_ON)

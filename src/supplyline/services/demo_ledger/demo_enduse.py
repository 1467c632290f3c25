"""The demo's end-use monitoring (issue 16): air-defence items and one requirement line
carry serial numbers; two of the recipient's sites; package PKG-NORDIC-1's items inventoried
on time, PKG-NL-1's 60 PAC-3 interceptors (received 2025-12-02) with no check recorded,
so overdue from 2026-03-03, ten of them handed from the depot to a unit's store. Serials and
site codes are illustrative, not real ones.
"""

from __future__ import annotations

from ...domain.serials import SerialRow
from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..end_use import custody, enduse

UA = Actor("UA-MOD", via="demo")
#: (code, name): the recipient's own labels, never places
SITES = (("DEP-01", "Storage depot 1 (illustrative)"), ("DEP-02", "Storage depot 2 (illustrative)"))


def serial_rows(prefix: str, count: int, *, line: int | None = None, start: int = 1) -> tuple[SerialRow, ...]:
    return tuple(SerialRow(i, f"{prefix}-{n:05d}", line) for i, n in enumerate(range(start, start + count), start=1))


def rules_and_sites(store: Store, coordinator: Actor) -> None:
    """Before the first shipment: what carries serials, and where the recipient holds items."""
    bus.handle(store, coordinator, enduse.RequireSerials(category="air_defence"))
    # a line-level marking: the counter-drone systems, whatever their category
    bus.handle(store, coordinator, enduse.RequireSerials(requirement="REQ-07"))
    for code, name in SITES:
        bus.handle(store, UA, enduse.RegisterSite(code=code, name=name))


NL_PAC3 = serial_rows("PAC3-NL", 60)
NORDIC = serial_rows("PAC3-NO", 80, line=1) + serial_rows("CUAS-NO", 16, line=2)


def nordic_checks(store: Store) -> None:
    """PKG-NORDIC-1 (received 2025-12-18): initial inventory in time, a physical-security check."""
    initial = enduse.RecordCheck(
        kind="initial", checked_on="2026-02-20", site="DEP-02", serials=NORDIC, id="EUC-DEMO-1"
    )
    bus.handle(store, UA, initial)
    security = enduse.RecordCheck(
        kind="physical_security", checked_on="2026-06-15", site="DEP-02", serials=NORDIC[:40], id="EUC-DEMO-2"
    )
    bus.handle(store, UA, security)


def unit_leg(store: Store) -> None:
    """A custody leg after receipt: ten of PKG-NL-1's PAC-3 go from the depot to a unit's
    store, confirmed by the recipient the next day with nothing missing."""
    bus.handle(store, UA, enduse.RegisterSite(code="UNIT-01", name="Unit store 1 (illustrative)"))
    leg = custody.HandOver(from_site="DEP-01", to_site="UNIT-01", handed_on="2026-04-10", serials=NL_PAC3[40:50])
    handover = bus.handle(store, UA, leg).id
    bus.handle(store, UA, custody.ConfirmHandover(handover_id=handover, confirmed_on="2026-04-11"))

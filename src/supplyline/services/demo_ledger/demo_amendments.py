"""The demo's price rise (issue 15 item 4), illustrative: the radar of Germany's package
costs more than contracted. The US (the buyer) amends CT-DE-1 line 1 from USD 18 M to
USD 20 M a unit, beyond the 10 % a modification may move; Ukraine's MoD (the recipient) and
Germany (its funder) accept it, and Germany's December pledge tops up the USD 20 M the ten
radars now cost beyond what was funded.
"""

from __future__ import annotations

from ...domain.amendment import LineAmendment
from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..records import amendments, funding

CONTRACT, AMENDMENT = "CT-DE-1", "CT-DE-1-A1"


def load_amendments(store: Store, op: Actor) -> None:
    rise = amendments.AmendContract(
        contract_id=CONTRACT,
        rationale="item_price_variation",
        lines=(LineAmendment(1, unit_price="20000000"),),
        description="Radar unit price revised by the manufacturer after a change of the antenna supplier",
        on="2026-01-20",
    )
    bus.handle(store, Actor("US-GOV", via="demo"), rise)
    for party, day in (("UA-MOD", "2026-01-22"), ("DE-GOV", "2026-01-27")):
        accept = amendments.AcceptAmendment(contract_id=CONTRACT, amendment_id=AMENDMENT, party=party, on=day)
        bus.handle(store, Actor(party, via="demo"), accept)
    top_up = funding.Allocate(
        pledge_id="PL-DE-2025-12", package_id="PKG-DE-1", line_no=1, amount="20000000", on="2026-01-28"
    )
    bus.handle(store, op, top_up)

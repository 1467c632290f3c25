"""The demo's money along its stages (issue 15), illustrative: the August 2025 funders pay
into the PURL account, NATO's cell transfers each package's allocations to the US, and the
US obligates and pays its suppliers on the contracts that deliver.

The Netherlands' euros reach the seller at the September rate, not the rate of their
allocation: the transfer records the difference instead of absorbing it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from ...store import schema as t
from ...store.eventstore import Store
from .. import bus
from ..context import Actor
from ..money_flow import money

#: pledge, amount paid in (its currency), reference, day
PAYMENTS = [
    ("PL-NL-2025-08", "500000000", "NL-MINFIN-PURL-0001", "2025-08-20"),
    ("PL-DK-2025-08", "90000000", "DK-FMI-PURL-0001", "2025-08-25"),
    ("PL-NO-2025-08", "146000000", "NO-FD-PURL-0001", "2025-08-25"),
    ("PL-SE-2025-08", "275000000", "SE-FI-PURL-0001", "2025-08-25"),
    ("PL-DE-2025-08", "500000000", "DE-BMF-PURL-0001", "2025-08-29"),
]
#: package, day: every pledge's allocation to it is transferred to the seller
TRANSFERS = [("PKG-NL-1", "2025-09-02"), ("PKG-NORDIC-1", "2025-09-10"), ("PKG-DE-1", "2025-09-25")]
#: stage, contract, line, amount (contract currency), reference, day
SPENDING = [
    ("obligated", "CT-NL-1", 1, "480000000", "", "2025-09-05"),
    ("obligated", "CT-NL-1", 2, "50000000", "", "2025-09-05"),
    ("expended", "CT-NL-1", 2, "50000000", "INV-US-PRIME-A-0102", "2025-11-03"),
    ("expended", "CT-NL-1", 1, "240000000", "INV-US-PRIME-A-0117", "2025-12-10"),
    ("obligated", "CT-NORDIC-1", 1, "320000000", "", "2025-09-16"),
    ("obligated", "CT-NORDIC-2", 1, "150000000", "", "2025-09-16"),
    ("expended", "CT-NORDIC-2", 1, "150000000", "DD1149-NORDIC-STOCK", "2025-10-10"),
    ("expended", "CT-NORDIC-1", 1, "320000000", "INV-US-PRIME-A-0121", "2025-12-20"),
]


def load_money(store: Store, op: Actor) -> None:
    for pledge_id, amount, reference, day in PAYMENTS:
        funder = pledge_id.split("-")[1] + "-GOV"
        bus.handle(
            store,
            Actor(funder, via="demo"),
            money.PayIn(pledge_id=pledge_id, amount=amount, reference=reference, on=day),
        )
    for package_id, day in TRANSFERS:
        for n, (pledge_id, held) in enumerate(_held(store, package_id), start=1):
            transfer = money.Transfer(
                pledge_id=pledge_id, package_id=package_id, amount=held, reference=f"NSATU-{package_id}-{n}", on=day
            )
            bus.handle(store, op, transfer)
    us = Actor("US-GOV", via="demo")
    for stage, contract_id, line, amount, reference, day in SPENDING:
        kind = money.Obligate if stage == "obligated" else money.Expend
        fields = {"contract_id": contract_id, "line_no": line, "amount": amount, "on": day}
        bus.handle(store, us, kind(**fields, **({"reference": reference} if reference else {})))


def _held(store: Store, package_id: str) -> list[tuple[str, Decimal]]:
    """What each pledge's allocations hold for a package, in the pledge's currency."""
    a = t.allocations
    with store.read() as conn:
        rows = conn.execute(
            select(a.c.pledge_id, func.sum(a.c.amount_minor))
            .where(a.c.package_id == package_id)
            .group_by(a.c.pledge_id)
            .having(func.sum(a.c.amount_minor) > 0)
            .order_by(a.c.pledge_id)
        ).all()
    return [(pledge_id, Decimal(int(total)) / 100) for pledge_id, total in rows]

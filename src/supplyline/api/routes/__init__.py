"""The routers, one per area; each endpoint names its action in ``domain.access.POLICY``."""

from . import (
    allocation,
    contracts,
    enduse,
    evidence,
    funding,
    interchange,
    lateness,
    ledger,
    money,
    packages,
    planning,
    production,
    reference,
    requirements,
    shipments,
    transparency,
)

ROUTERS = [
    reference.router,
    requirements.router,
    funding.router,
    money.router,
    packages.router,
    contracts.router,
    production.router,
    shipments.router,
    enduse.router,
    evidence.router,
    planning.router,
    lateness.router,
    allocation.router,
    interchange.router,
    ledger.router,
    transparency.router,
]

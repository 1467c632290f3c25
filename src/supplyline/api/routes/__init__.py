"""The routers, one per area; each endpoint names its action in ``domain.access.POLICY``."""

from . import contracts, funding, ledger, packages, production, reference, requirements, shipments

ROUTERS = [
    reference.router, requirements.router, funding.router, packages.router, contracts.router,
    production.router, shipments.router, ledger.router,
]

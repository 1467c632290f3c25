"""The API's shapes are named for what they are, never like a domain record."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from fastapi.routing import APIRoute
from pydantic import BaseModel

from supplyline import domain
from supplyline.api import create_app, schemas
from supplyline.api.routes import ROUTERS

SUFFIXES = ("Create", "Action", "Read", "Page")


def _domain_names() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"supplyline.domain.{info.name}")
        names |= {name for name, value in vars(module).items() if inspect.isclass(value)}
    return names


def test_every_published_shape_ends_in_its_purpose_and_no_domain_name_is_reused(api_store):
    published = set(create_app(api_store).openapi()["components"]["schemas"])
    ours = {name for name in published if not name.startswith("Body_") and name not in {"Problem", "FieldError"}}
    # 130, the imports rounded, parties created, the Kiel PURL figures, end use (9), money stages (5),
    # rescheduling and the lateness report (2), the sites' page and handover shapes named for their purpose (2),
    # a shipment's moved arrival (1), the evidence (10: documents, findings, their report, an order's detail, the
    # trace's flags), a delivered line's serial manifest in the trace (1), a shipment's detail with its evidence (1)
    # the needs-action queue with its items (2), the payments of a delivered line in the trace (1),
    # subscriptions (3), a package line's cancellation (1), and the end-use compliance report's parts (9: the
    # report, its figures overall and by category, site, package and funder, its rules, overdue serials and
    # the public's series), published once the report became a typed read model, who agrees before the seller
    # decides (6: a return, a concurrence, approval steps set and read, a package's checklist and steps; issue 17),
    # the list's versions (11: a version proposed, approved, read, listed, its lines and approvals, the difference
    # between two and a line returned; issue 17), contract changes (7: a change, its lines and due dates, the
    # decision on it, a contract's changes), the variance report (3) and the lateness report's rows (6: a late
    # schedule entry, order, requirement and shipment, a package waiting, who must act), published once they
    # became typed read models, a delivered line's contract changes and the package's approvals in the trace (2)
    # and a subscription paused, resumed or removed (1)
    assert len(ours) == 219
    assert sorted(name for name in ours if not name.endswith(SUFFIXES)) == []
    assert sorted(ours & _domain_names()) == []


def test_each_route_module_has_its_schema_module():
    areas = {info.name for info in pkgutil.iter_modules(schemas.__path__)}
    first_routes = [router.routes[0] for router in ROUTERS]
    assert all(isinstance(route, APIRoute) for route in first_routes)
    routed = {route.endpoint.__module__.rsplit(".", 1)[1] for route in first_routes if isinstance(route, APIRoute)}
    assert routed <= areas
    assert areas - routed == {"common"}
    for area in areas:
        module = importlib.import_module(f"supplyline.api.schemas.{area}")
        for name, value in vars(module).items():
            # pydantic also files each parametrised Page under a name like "Page[FacilityRead]"
            ours = name.isidentifier() and getattr(value, "__module__", None) == module.__name__
            if ours and inspect.isclass(value) and issubclass(value, BaseModel):
                assert name.endswith((*SUFFIXES, "Model")), f"{area}.{name}"

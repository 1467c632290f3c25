"""What is late and who must act (issue 17, item 3): the report behind ``report late``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ...domain.values import parse_date, today_utc
from ...services.access import views
from ...services.access.ownership import Ownership
from ...services.reads import lateness, todo
from ..gate import Gate, acts, reading
from ..schemas.lateness import LateReportRead, TodoRead

router = APIRouter(tags=["reports"])
AsOf = Annotated[str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="default: today (UTC)")]


def _as_seen(gate: Gate, as_of: str | None, build: Callable[..., Mapping[str, Any]]) -> Mapping[str, Any]:
    """``build(conn, principal, day, keep)`` with the rows kept as the caller may read them."""
    day: date = parse_date("as_of", as_of) if as_of else today_utc()
    return gate.overall(
        lambda conn, principal: build(conn, principal, day, lateness.seen_by(views.Viewer(principal, Ownership(conn))))
    )


@router.get(
    "/reports/late",
    response_model=LateReportRead,
    summary="Schedule entries, orders and requirements past due, and packages waiting on a decision, "
    "with how late and who must act (each row only if the caller may read it and its dates)",
    **acts("report.late"),
)
def report_late(gate: Gate = Depends(reading), as_of: AsOf = None):
    return _as_seen(gate, as_of, lambda conn, _principal, day, keep: lateness.late(conn, day, keep))


@router.get(
    "/todo",
    response_model=TodoRead,
    summary="What waits on the caller's party, oldest first: decisions, receipts to confirm, "
    "inventories due, late deliveries to explain (each only if the caller may read it and its dates)",
    **acts("todo.read"),
)
def needs_action(gate: Gate = Depends(reading), as_of: AsOf = None):
    return _as_seen(gate, as_of, todo.needs_action)

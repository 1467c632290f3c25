"""What is late and who must act (issue 17, item 3): the report behind ``report late``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ...domain.values import parse_date, today_utc
from ...services.access import views
from ...services.access.ownership import Ownership
from ...services.reads import lateness
from ..gate import Gate, acts, reading
from ..schemas.lateness import LateReportRead

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/late",
    response_model=LateReportRead,
    summary="Schedule entries, orders and requirements past due, and packages waiting on a decision, "
    "with how late and who must act (each row only if the caller may read it and its dates)",
    **acts("report.late"),
)
def report_late(
    gate: Gate = Depends(reading),
    as_of: Annotated[
        str | None, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="default: today (UTC)")
    ] = None,
):
    day: date = parse_date("as_of", as_of) if as_of else today_utc()

    def fetch(conn, principal):
        return lateness.late(conn, day, lateness.seen_by(views.Viewer(principal, Ownership(conn))))

    return gate.overall(fetch)

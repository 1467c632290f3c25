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
        viewer = views.Viewer(principal, Ownership(conn))

        def keep(kind: str, record_id: str, table: str, key: tuple) -> bool:
            # a row whose dates or quantities are withheld from the caller would give them away
            return bool(viewer.readable(kind, [record_id])) and not viewer.hidden(table, key)

        return lateness.late(conn, day, keep)

    return gate.overall(fetch)

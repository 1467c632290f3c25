"""Shapes of the lateness report (issue 17): what is late and who must act."""

from __future__ import annotations

from pydantic import BaseModel


class LateReportRead(BaseModel):
    """What is late on ``as_of`` and who must act (``report late``): rows as the caller may read them."""

    as_of: str
    schedule_entries: list[dict]
    orders: list[dict]
    requirements: list[dict]
    shipments: list[dict]
    packages: list[dict]

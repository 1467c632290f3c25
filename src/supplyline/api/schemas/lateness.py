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


class TodoItemRead(BaseModel):
    """One thing waiting on the caller: what to do (``action``) on which record, since when."""

    action: str
    kind: str
    id: str
    since: str
    days: int
    detail: dict


class TodoRead(BaseModel):
    """What waits on the caller's party on ``as_of`` (``todo``), oldest first."""

    party: str | None
    role: str
    as_of: str
    counts: dict[str, int]
    items: list[TodoItemRead]

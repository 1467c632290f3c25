"""Shapes of the lateness report (issue 17): what is late and who must act."""

from __future__ import annotations

from pydantic import BaseModel

from ...services.reads import report_models as rm
from ..derive import read_model

LateReportRead = read_model("LateReportRead", rm.LateReport, __name__, withheld=False)


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

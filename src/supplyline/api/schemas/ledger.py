"""The ledger itself (events, verification, projection check), the funnel and the caller."""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, Field, create_model

from ...services.reads import report_models as rm
from ..derive import many, page_of, read_model
from .common import RateUsedRead, UnconvertedRead
from .interchange import KielComparisonRead

EventRead = read_model("EventRead", rm.EventRecord, __name__, withheld=False)
FunnelFiguresRead = read_model("FunnelFiguresRead", rm.FunnelFigures, __name__, withheld=False)
WithheldFiguresRead = read_model("WithheldFiguresRead", rm.WithheldFigures, __name__, withheld=False)
FunnelRowRead = read_model("FunnelRowRead", rm.FunnelRow, __name__, withheld=False)
UndisclosedRead = read_model("UndisclosedRead", rm.Undisclosed, __name__, withheld=False)
FunnelRead = read_model(
    "FunnelRead",
    rm.FunnelReport,
    __name__,
    withheld=False,
    rates_used=(many(RateUsedRead), ...),
    unconverted=(many(UnconvertedRead), ...),
)


class VerificationRead(BaseModel):
    ok: bool
    checked: int
    head: str
    first_bad_event: int | None
    problem: str | None


class ProjectionCheckRead(BaseModel):
    ok: bool
    differences: list[str]


class MeRead(BaseModel):
    token_id: str
    party: str
    role: str


FunnelComparedRead = create_model(
    "FunnelComparedRead",
    __base__=FunnelRead,
    __module__=__name__,
    kiel=(
        cast(Any, KielComparisonRead) | None,
        Field(None, description="with compare_kiel: the Kiel tracker beside the funnel"),
    ),
)


EventPage = page_of("EventPage", EventRead, __name__)

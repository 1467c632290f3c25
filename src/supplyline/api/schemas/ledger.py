"""The ledger itself (events, verification, projection check), the funnel and the caller."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .common import Page, RateUsedRead, UnconvertedRead
from .interchange import KielComparisonRead


class EventRead(BaseModel):
    seq: int
    stream_id: str
    stream_version: int
    recorded_at: str
    actor: str
    type: str
    meta: dict[str, Any]
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class FunnelFiguresRead(BaseModel):
    pledged: str
    allocated: str
    contracted: str
    delivered: str


class FunnelRowRead(FunnelFiguresRead):
    funder: str
    name: str


class UndisclosedRead(BaseModel):
    """Per stage, how many figures were left out because they rest on values withheld from the caller."""

    pledged: int
    allocated: int
    contracted: int
    delivered: int


class FunnelRead(BaseModel):
    currency: str
    funders: list[FunnelRowRead]
    undisclosed: UndisclosedRead
    total: FunnelFiguresRead
    rates_used: list[RateUsedRead]
    unconverted: list[UnconvertedRead] = []


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


class FunnelComparedRead(FunnelRead):
    kiel: KielComparisonRead | None = Field(None, description="with compare_kiel: the Kiel tracker beside the funnel")


class EventPage(Page[EventRead]):
    pass

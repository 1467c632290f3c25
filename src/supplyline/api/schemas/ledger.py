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


class WithheldFiguresRead(BaseModel):
    """How many of a funder's figures at a stage rest on values withheld from the caller."""

    figures: int
    until: str | None = Field(description="the latest embargo among them (None: withheld without an end date)")
    event: int = Field(description="the ledger event that withholds the first of them")


class FunnelRowRead(FunnelFiguresRead):
    funder: str
    name: str
    withheld: dict[str, WithheldFiguresRead] = Field(
        default_factory=dict, description="per stage: figures left out of this row because they are withheld"
    )


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

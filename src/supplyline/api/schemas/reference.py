"""Parties and exchange rates: the reference data every other record points at."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from .common import Country, Currency, Day, Id, Name, Page, PartyKind, Rate, RequestModel


class PartyCreate(RequestModel):
    id: Id
    name: Name
    kind: PartyKind
    country: Country | None = None


class FxRatesCreate(RequestModel):
    day: Day
    rates: dict[Currency, Rate] = Field(min_length=1, max_length=60)
    source: Annotated[str, Field(min_length=1, max_length=40)] = "ECB"


class PartyRead(BaseModel):
    id: str
    name: str
    kind: str
    country: str | None
    version: int


class FxRateRead(BaseModel):
    day: str
    currency: str
    per_eur: str
    source: str


class PartyPage(Page[PartyRead]):
    pass


class FxRatePage(Page[FxRateRead]):
    pass

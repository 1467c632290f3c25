"""Parties and exchange rates: the reference data every other record points at."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ...services.reads.read_models import FxRateRecord, PartyRecord
from ..derive import page_of, read_model
from .common import Country, Currency, Day, Id, Name, PartyKind, Rate, RequestModel


class PartyCreate(RequestModel):
    id: Id
    name: Name
    kind: PartyKind
    country: Country | None = None


class FxRatesCreate(RequestModel):
    day: Day
    rates: dict[Currency, Rate] = Field(min_length=1, max_length=60)
    source: Annotated[str, Field(min_length=1, max_length=40)] = "ECB"


PartyRead = read_model("PartyRead", PartyRecord, __name__, withheld=False)
FxRateRead = read_model("FxRateRead", FxRateRecord, __name__, withheld=False)
PartyPage = page_of("PartyPage", PartyRead, __name__)
FxRatePage = page_of("FxRatePage", FxRateRead, __name__)

"""Shapes shared by every area: the field types (patterns and bounds that keep every number
within what the database columns hold), the request base, pages, outcomes, withheld fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Generic, Literal, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ...domain.access import TOKEN_ROLES
from ...domain.contract import CONTRACT_KINDS
from ...domain.lifecycle import PACKAGE, PLEDGE, PRODUCTION_ORDER, REQUIREMENT, SHIPMENT
from ...domain.schedule import RESCHEDULE_REASONS
from ...domain.values import CATEGORIES, MECHANISMS, PARTY_KINDS
from ...services.reads import report_models as rm
from ..derive import read_model

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LARGEST_COUNT = 2_147_483_647  # the Integer columns' range

Id = Annotated[str, Field(pattern=ID_PATTERN, examples=["PL-0001"])]
LotId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
Day = Annotated[
    str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="a date, YYYY-MM-DD", examples=["2025-08-04"])
]
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="a month, YYYY-MM", examples=["2025-08"])]
Amount = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,15}(\.[0-9]{1,6})?$",
        description="a decimal amount as text (never a binary float)",
        examples=["500000000.00"],
    ),
]
Rate = Annotated[str, Field(pattern=r"^[0-9]{1,9}(\.[0-9]{1,12})?$", description="units per EUR", examples=["1.1570"])]
Share = Annotated[str, Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,6})?$", description="percent", examples=["51"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["EUR"])]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}$", description="ISO 3166 code", examples=["UA"])]
Origin = Annotated[
    str, Field(pattern=r"^(any|[A-Za-z]{2,3})$", description="any, EU or an ISO 3166 code", examples=["US"])
]
Count = Annotated[int, Field(ge=1, le=LARGEST_COUNT)]
Quantity0 = Annotated[int, Field(ge=0, le=LARGEST_COUNT)]
LineNo = Annotated[int, Field(ge=1, le=100_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=500)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]

if TYPE_CHECKING:
    # These literals are built from the domain's tables at run time (so the OpenAPI enums can
    # never drift from them); a type checker cannot read such a literal and sees plain text.
    PartyKind: TypeAlias = str
    Category: TypeAlias = str
    Mechanism: TypeAlias = str
    ContractKind: TypeAlias = str
    Role: TypeAlias = str
    PledgeState: TypeAlias = str
    RequirementState: TypeAlias = str
    PackageState: TypeAlias = str
    OrderState: TypeAlias = str
    ShipmentState: TypeAlias = str
    RescheduleReason: TypeAlias = str
else:
    PartyKind = Literal[PARTY_KINDS]
    Category = Literal[CATEGORIES]
    Mechanism = Literal[MECHANISMS]
    ContractKind = Literal[CONTRACT_KINDS]
    Role = Literal[TOKEN_ROLES]
    PledgeState = Literal[PLEDGE.states]
    RequirementState = Literal[REQUIREMENT.states]
    PackageState = Literal[PACKAGE.states]
    OrderState = Literal[PRODUCTION_ORDER.states]
    ShipmentState = Literal[SHIPMENT.states]
    RescheduleReason = Literal[RESCHEDULE_REASONS]


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


Disclose = Annotated[
    dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,39}$")],
        Annotated[str, Field(pattern=r"^(public|parties|confidential)(@[0-9]{4}-[0-9]{2}-[0-9]{2})?$")],
    ]
    | None,
    Field(
        None,
        max_length=10,
        examples=[{"amount": "confidential@2027-01-01"}],
        description=(
            "fields withheld from the log: field -> parties or confidential, optionally @ the embargo date from which "
            "the field is public (docs/transparency.md); which fields each record may withhold: domain/disclosure.py"
        ),
    ),
]


class DatedAction(RequestModel):
    on: Day | None = Field(None, description="the day it happened (default: today, UTC)")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")


class EventRefRead(BaseModel):
    seq: int
    stream_id: str
    type: str
    hash: str


class OutcomeRead(BaseModel):
    id: str = Field(description="the record the command concerned (an allocation id for allocations)")
    events: list[EventRefRead] = Field(description="the events appended; empty when nothing needed recording")


class WithheldFieldRead(BaseModel):
    """A field its recording command withheld from the caller: null in the record, committed in the log."""

    field: str
    event: int = Field(description="the sequence number of the event that holds the commitment")
    level: str
    embargo: str | None
    commitment: str


UnconvertedRead = read_model("UnconvertedRead", rm.Unconverted, __name__, withheld=False)
RateUsedRead = read_model("RateUsedRead", rm.RateUsed, __name__, withheld=False)


TimeLimit = Annotated[int, Field(ge=1, le=60, description="seconds the solver may take")]

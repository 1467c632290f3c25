"""Request and response shapes, as published in the OpenAPI document.

Requests are checked for shape here (types, patterns, bounds that keep every number within
what the database columns hold); every rule about meaning stays in the domain, so the API
and the CLI accept and refuse the same values with the same messages. Responses mirror the
dicts that ``services.queries`` and ``services.reports`` return.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..domain.access import TOKEN_ROLES
from ..domain.contract import CONTRACT_KINDS
from ..domain.lifecycle import PACKAGE, PLEDGE, PRODUCTION_ORDER, REQUIREMENT, SHIPMENT
from ..domain.values import CATEGORIES, MECHANISMS, PARTY_KINDS

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

PartyKind = Literal[PARTY_KINDS]  # type: ignore[valid-type]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Mechanism = Literal[MECHANISMS]  # type: ignore[valid-type]
ContractKind = Literal[CONTRACT_KINDS]  # type: ignore[valid-type]
Role = Literal[TOKEN_ROLES]  # type: ignore[valid-type]
RequirementState = Literal[REQUIREMENT.states]  # type: ignore[valid-type]
PledgeState = Literal[PLEDGE.states]  # type: ignore[valid-type]
PackageState = Literal[PACKAGE.states]  # type: ignore[valid-type]
OrderState = Literal[PRODUCTION_ORDER.states]  # type: ignore[valid-type]
ShipmentState = Literal[SHIPMENT.states]  # type: ignore[valid-type]


class Request(BaseModel):
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


# --- requests -------------------------------------------------------------------------------


class RegisterParty(Request):
    id: Id
    name: Name
    kind: PartyKind
    country: Country | None = None


class RecordRates(Request):
    day: Day
    rates: dict[Currency, Rate] = Field(min_length=1, max_length=60)
    source: Annotated[str, Field(min_length=1, max_length=40)] = "ECB"


class DraftRequirement(Request):
    recipient: Id
    list_month: Month
    priority: Annotated[int, Field(ge=1, le=5)]
    rank: Count
    item: Name
    category: Category
    quantity: Count
    unit: Annotated[str, Field(min_length=1, max_length=40)]
    unit_price: Amount
    currency: Currency
    origin: Origin = "any"
    min_lot: Count = 1
    whole_only: bool = False
    needed_by: Day | None = None
    note: Text = ""
    id: Id | None = None


class Withdraw(Request):
    reason: Reason


class Reprioritise(Request):
    list_month: Month
    priority: Annotated[int, Field(ge=1, le=5)]
    rank: Count


class AnnouncePledge(Request):
    funder: Id
    amount: Amount
    currency: Currency
    pledged_on: Day
    mechanism: Mechanism
    categories: list[Category] = Field(default_factory=list, max_length=len(CATEGORIES))
    origins: list[Origin] = Field(default_factory=list, max_length=40)
    valid_from: Day | None = None
    valid_until: Day | None = None
    note: Text = ""
    id: Id | None = None
    commit: bool = False
    disclose: Disclose = None


class Dated(Request):
    on: Day | None = Field(None, description="the day it happened (default: today, UTC)")


class Allocate(Request):
    package_id: Id
    line_no: LineNo
    amount: Amount
    currency: Currency | None = Field(None, description="the pledge's currency (default) or the package's")
    on: Day | None = None
    disclose: Disclose = None


class DraftPackage(Request):
    title: Name
    mechanism: Mechanism
    seller: Id
    recipient: Id
    currency: Currency
    approvers: list[Id] = Field(default_factory=list, max_length=20, description="default: the seller")
    id: Id | None = None
    disclose: Disclose = None


class AddLine(Request):
    requirement_id: Id
    quantity: Count
    unit_price: Amount | None = Field(None, description="default: the requirement's estimate")
    origin: Origin | None = None
    disclose: Disclose = None


class Decide(Request):
    party: Id = Field(description="the deciding party: the token's own party")
    decision: Literal["approve", "reject"]
    reason: Text = ""
    on: Day | None = None


class ContractLineTerms(Request):
    package_line_no: LineNo
    quantity: Count
    unit_price: Amount | None = None


class ScheduledDelivery(Request):
    line_no: LineNo
    due: Day
    quantity: Count


class SignContract(Request):
    package_id: Id
    buyer: Id
    supplier: Id
    kind: ContractKind = "purchase"
    signed_on: Day
    lines: list[ContractLineTerms] = Field(min_length=1, max_length=500)
    schedule: list[ScheduledDelivery] = Field(default_factory=list, max_length=2000)
    id: Id | None = None
    disclose: Disclose = None


class FacilityOwner(Request):
    party: Id
    share: Share


class RegisterFacility(Request):
    name: Name
    country: Country
    owners: list[FacilityOwner] = Field(min_length=1, max_length=20)
    id: Id | None = None


class SetCapacity(Request):
    item: Name
    from_month: Month
    monthly_quantity: Quantity0


class PlaceOrder(Request):
    facility_id: Id
    contract_id: Id
    contract_line_no: LineNo
    quantity: Count
    due: Day
    id: Id | None = None


class RecordLot(Request):
    quantity: Count
    produced_on: Day


class Inspect(Request):
    accepted: Quantity0
    rejected: Quantity0 = 0
    reason: Text = ""
    on: Day | None = None


class Cancel(Request):
    reason: Reason
    on: Day | None = None


class LotPart(Request):
    lot_id: LotId
    quantity: Count


class ShipmentLine(Request):
    contract_line_no: LineNo
    quantity: Count
    lots: list[LotPart] = Field(default_factory=list, max_length=500)


class Dispatch(Request):
    contract_id: Id
    shipped_on: Day
    lines: list[ShipmentLine] = Field(min_length=1, max_length=500)
    id: Id | None = None
    disclose: Disclose = None


class ReceivedLine(Request):
    contract_line_no: LineNo
    quantity: Quantity0


class Receive(Request):
    received_on: Day
    lines: list[ReceivedLine] | None = Field(None, max_length=500, description="default: everything shipped arrived")
    note: Text = Field("", description="required when fewer units arrived than were shipped")
    disclose: Disclose = None


class ReportLost(Request):
    reason: Reason
    on: Day


# --- responses ------------------------------------------------------------------------------

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")


class EventRef(BaseModel):
    seq: int
    stream_id: str
    type: str
    hash: str


class Outcome(BaseModel):
    id: str = Field(description="the record the command concerned (an allocation id for allocations)")
    events: list[EventRef] = Field(description="the events appended; empty when nothing needed recording")


class Party(BaseModel):
    id: str
    name: str
    kind: str
    country: str | None
    version: int


class FxRate(BaseModel):
    day: str
    currency: str
    per_eur: str
    source: str


class Requirement(BaseModel):
    id: str
    recipient: str
    list_month: str
    priority: int
    rank: int
    item: str
    category: str
    quantity: int
    unit: str
    unit_price: str
    unit_price_currency: str
    origin: str
    min_lot: int
    whole_only: bool
    needed_by: str | None
    state: str
    funded_quantity: int
    delivered_quantity: int
    note: str
    version: int


class Ranking(BaseModel):
    list_month: str
    priority: int
    rank: int


class RequirementPackageLine(BaseModel):
    package_id: str
    line_no: int
    quantity: int


class RequirementDetail(Requirement):
    rankings: list[Ranking]
    packages: list[RequirementPackageLine]


class WithheldField(BaseModel):
    """A field its recording command withheld from the caller: null in the record, committed in the log."""

    field: str
    event: int = Field(description="the sequence number of the event that holds the commitment")
    level: str
    embargo: str | None
    commitment: str


class Pledge(BaseModel):
    id: str
    funder: str | None
    amount: str | None
    amount_currency: str | None
    allocated: str | None
    allocated_currency: str | None
    remaining: str | None
    pledged_on: str | None
    mechanism: str
    categories: list[str] | None
    origins: list[str] | None
    valid_from: str | None
    valid_until: str | None
    state: str
    note: str | None
    version: int
    withheld: list[WithheldField] = []


class Allocation(BaseModel):
    id: str
    pledge_id: str
    package_id: str
    line_no: int
    amount: str | None
    amount_currency: str | None
    line_amount: str | None
    line_amount_currency: str | None
    fx_rate: str | None
    fx_date: str | None
    allocated_on: str
    withheld: list[WithheldField] = []


class PledgeDetail(Pledge):
    allocations: list[Allocation]


class PackageBase(BaseModel):
    id: str
    title: str | None
    mechanism: str
    seller: str
    recipient: str
    currency: str
    approvers: list[str] | None
    state: str
    version: int
    withheld: list[WithheldField] = []


class Package(PackageBase):
    value: str | None
    funded: str | None


class PackageLine(BaseModel):
    package_id: str
    line_no: int
    requirement_id: str
    item: str | None
    category: str
    quantity: int | None
    unit_price: str | None
    unit_price_currency: str | None
    origin: str | None
    value: str | None
    funded: str | None
    withheld: list[WithheldField] = []


class Decision(BaseModel):
    package_id: str
    position: int
    party: str
    decision: str
    reason: str
    decided_on: str


class Contract(BaseModel):
    id: str
    package_id: str
    buyer: str
    supplier: str | None
    kind: str | None
    signed_on: str | None
    currency: str
    version: int
    withheld: list[WithheldField] = []


class PackageDetail(PackageBase):
    lines: list[PackageLine]
    decisions: list[Decision]
    contracts: list[Contract]


class ContractLine(BaseModel):
    contract_id: str
    line_no: int
    package_line_no: int
    item: str | None
    quantity: int | None
    unit_price: str | None
    unit_price_currency: str | None
    withheld: list[WithheldField] = []


class Delivery(BaseModel):
    contract_id: str
    position: int
    line_no: int | None
    due: str | None
    quantity: int | None
    withheld: list[WithheldField] = []


class ContractDetail(Contract):
    lines: list[ContractLine]
    schedule: list[Delivery]


class Ownership(BaseModel):
    party: str
    share: str


class Capacity(BaseModel):
    item: str
    from_month: str
    monthly_quantity: int


class ItemTerms(BaseModel):
    item: str
    min_batch: int
    unit_cost: str
    unit_cost_currency: str


class Facility(BaseModel):
    id: str
    name: str
    country: str
    version: int
    owners: list[Ownership]
    capacity: list[Capacity]
    terms: list[ItemTerms]


class Lot(BaseModel):
    lot_id: str
    order_id: str
    quantity: int
    produced_on: str
    accepted: int | None
    rejected: int | None
    reason: str
    inspected_on: str | None


class Order(BaseModel):
    id: str
    facility_id: str
    contract_id: str
    contract_line_no: int
    item: str
    quantity: int
    due: str
    state: str
    priority: int
    accepted: int
    version: int
    lots: list[Lot]


class ShippedLot(BaseModel):
    lot_id: str
    quantity: int


class ShippedLine(BaseModel):
    contract_line_no: int
    quantity: int | None
    received: int | None
    lots: list[ShippedLot] | None
    withheld: list[WithheldField] = []


class Shipment(BaseModel):
    id: str
    contract_id: str
    shipped_on: str | None
    state: str
    received_on: str | None
    note: str | None
    version: int
    lines: list[ShippedLine]
    withheld: list[WithheldField] = []


class Event(BaseModel):
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


class FunnelFigures(BaseModel):
    pledged: str
    allocated: str
    contracted: str
    delivered: str


class FunnelRow(FunnelFigures):
    funder: str
    name: str


class RateUsed(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    rate: str
    date: str


class Undisclosed(BaseModel):
    """Per stage, how many figures were left out because they rest on values withheld from the caller."""

    pledged: int
    allocated: int
    contracted: int
    delivered: int


class Funnel(BaseModel):
    currency: str
    funders: list[FunnelRow]
    undisclosed: Undisclosed
    total: FunnelFigures
    rates_used: list[RateUsed]


class TracePackage(BaseModel):
    id: str
    title: str
    mechanism: str
    state: str
    currency: str
    seller: str
    recipient: str


class FundedBy(BaseModel):
    allocation_id: str | None = Field(description="null when the pledge is another funder's")
    pledge_id: str | None = Field(description="null when the pledge is another funder's")
    funder: str
    amount: str | None = Field(description="in the pledge's currency; null when the pledge is another funder's")
    currency: str | None
    line_amount: str | None = Field(description="in the package's currency")
    fx_rate: str | None
    fx_date: str | None
    allocated_on: str
    withheld: list[WithheldField] = []


class TraceLine(BaseModel):
    line_no: int
    requirement_id: str
    item: str | None
    quantity: int | None
    unit_price: str | None
    funded_by: list[FundedBy]
    withheld: list[WithheldField] = []


class TraceContractLine(BaseModel):
    id: str
    supplier: str | None
    kind: str | None
    signed_on: str | None
    line_no: int
    package_line_no: int
    item: str | None
    quantity: int | None
    unit_price: str | None
    withheld: list[WithheldField] = []


class TraceLot(BaseModel):
    lot_id: str
    quantity: int
    order_id: str
    facility_id: str
    produced_on: str


class TraceContractRef(BaseModel):
    id: str
    line_no: int
    unit_price: str | None
    withheld: list[WithheldField] = []


class PaidBy(BaseModel):
    pledge_id: str | None
    funder: str
    amount: str | None
    currency: str
    pledge_amount: str | None
    pledge_currency: str | None
    withheld: list[WithheldField] = []


class Delivered(BaseModel):
    shipment_id: str
    shipped_on: str | None
    received_on: str | None
    item: str
    shipped: int | None
    received: int | None
    discrepancy: int | None
    note: str | None
    value: str | None
    currency: str
    lots: list[TraceLot]
    contract: TraceContractRef
    package_line: TraceLine
    paid_by: list[PaidBy]
    withheld: list[WithheldField] = []


class Trace(BaseModel):
    package: TracePackage
    lines: list[TraceLine]
    contracts: list[TraceContractLine]
    delivered: list[Delivered]


class Verification(BaseModel):
    ok: bool
    checked: int
    head: str
    first_bad_event: int | None
    problem: str | None


class ProjectionCheck(BaseModel):
    ok: bool
    differences: list[str]


class Me(BaseModel):
    token_id: str
    party: str
    role: str


# --- files in and out -------------------------------------------------------------------------


class Upload(Request):
    """What an upload asked for, as its Idempotency-Key remembers it: each file by its SHA-256."""

    files: dict[str, str]
    options: dict[str, Any]


class FileProblem(BaseModel):
    sheet: str | None
    row: int | None = Field(description="as the spreadsheet numbers it")
    column: str | None = Field(description="under the file's own header")
    value: str | None
    reason: str


class RejectFile(BaseModel):
    filename: str
    media_type: str
    content_base64: str = Field(
        description="the rejected rows in the file's own format and layout, with a last "
        "column supplyline_errors: fix them and import this file"
    )


class Imported(BaseModel):
    source: str = Field(description="the file's name")
    sheet: str | None
    rows: int
    recorded: list[str] = Field(description="ids recorded now")
    unchanged: list[str] = Field(description="ids the ledger already held with the same values")
    rejected: list[FileProblem] = Field(description="with skip_invalid: what is wrong with the rows left out")
    reject_file: RejectFile | None
    events: int


class FxImported(BaseModel):
    source: str
    days: int
    recorded: list[str] = Field(description="business days recorded now")
    unchanged: int
    ignored_columns: list[str] = Field(description="currencies that are no longer ISO 4217 money")
    events: int
    first: str | None
    last: str | None


class KielImported(BaseModel):
    source: str
    release: str
    donors: int
    months: int
    recorded: list[str] = Field(description="donors whose figures were recorded now")
    unchanged: list[str]
    events: int


class KielFigures(BaseModel):
    pledged: str
    kiel_military: str


class KielMonth(KielFigures):
    month: str


class KielDonor(KielFigures):
    donor: str = Field(description="ISO 3166 alpha-3, or EU")
    name: str
    funders: list[str]
    difference: str
    months: list[KielMonth]


class KielTotal(KielFigures):
    difference: str


class KielComparison(BaseModel):
    release: str
    currency: str
    since: str
    until: str
    donors: list[KielDonor]
    total: KielTotal
    funders_without_country: list[str]
    undisclosed_pledges: int = Field(description="pledges left out because their amount is withheld from the caller")
    rates_used: list[RateUsed]


class FunnelCompared(Funnel):
    kiel: KielComparison | None = Field(None, description="with compare_kiel: the Kiel tracker beside the funnel")


class OcdsPublisher(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


class OcdsReleasePackage(BaseModel):
    """An OCDS 1.1.5 release package (the full schema: standard.open-contracting.org)."""

    model_config = ConfigDict(extra="allow")

    uri: str
    version: str
    publishedDate: str
    publisher: OcdsPublisher
    extensions: list[str] = []
    releases: list[dict[str, Any]]


# --- production planning ----------------------------------------------------------------------

PlanCapacityChange = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^[^=]{1,150}=[+-]?[0-9]{1,4}(\.[0-9]{1,4})?%(@[0-9]{4}-[0-9]{2})?$",
        examples=["FAC-JV-1=-30%", "FAC-JV-1:Naval surface drone=-50%@2026-03"],
    ),
]
PlanNewFacility = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^[^:=]{1,80}:[^=]{1,100}=[0-9]{1,9}(@[0-9]{4}-[0-9]{2})?$",
        examples=["FAC-NEW:Naval surface drone=2"],
    ),
]
Horizon = Annotated[int, Field(ge=1, le=120, description="months to plan")]
TimeLimit = Annotated[int, Field(ge=1, le=60, description="seconds the solver may take")]


class AcceptPlan(Request):
    horizon: Horizon = 24
    from_month: Month | None = Field(None, alias="from", description="first month to plan (default: this month, UTC)")
    currency: Currency = "USD"
    time_limit: TimeLimit = 10
    input_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        None, description="the input_digest of the plan reviewed: refused with 409 if orders or capacity changed since"
    )
    on: Day | None = None
    id: Id | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SetItemTerms(Request):
    item: Name
    min_batch: Count = 1
    unit_cost: Amount
    currency: Currency


class Prioritise(Request):
    priority: Annotated[int, Field(ge=1, le=100, description="the weight of the order's lateness in planning")]


class PlannedPartOfOrder(BaseModel):
    facility: str
    month: str
    quantity: int
    months_late: int


class RoomLeft(BaseModel):
    month: str
    units: int
    min_batch: int


class FacilityBottleneck(BaseModel):
    facility: str
    full: list[str]
    no_capacity: list[str]
    room_left: list[RoomLeft]


class Bottleneck(BaseModel):
    reason: str
    facilities: list[FacilityBottleneck]


class PlannedOrder(BaseModel):
    order: str
    item: str
    quantity: int
    priority: int
    due: str
    parts: list[PlannedPartOfOrder]
    unplanned: int
    finished: str | None
    months_late: int
    weighted_lateness: int
    bottleneck: Bottleneck | None
    facility_id: str | None = None
    contract_id: str | None = None
    contract_line_no: int | None = None
    due_date: str | None = None


class ComputedPlan(BaseModel):
    status: str
    method: str
    seconds: float
    gap: float
    weighted_lateness: int
    lateness_bound: int
    cost: str
    currency: str
    late_orders: int
    unplanned_units: int
    notes: list[str]
    orders: list[PlannedOrder]


class Moved(BaseModel):
    order: str
    facility: str
    month: str
    before: int
    after: int
    change: int


class VersusAccepted(BaseModel):
    id: str
    weighted_lateness: int
    same_input: bool
    moved: list[Moved]


class OrderLatenessChange(BaseModel):
    order: str
    months_late_before: int
    months_late_after: int
    weighted_lateness_change: int


class WhatIf(BaseModel):
    capacity: list[str]
    new_facility: list[str]
    plan: ComputedPlan
    lateness_change: int
    cost_change: str
    orders_changed: list[OrderLatenessChange]
    moved: list[Moved]


class PlanReport(BaseModel):
    first_month: str
    horizon: int
    input_digest: str = Field(description="fingerprint of the orders and capacity planned: give it when accepting")
    rates_used: list[RateUsed]
    plan: ComputedPlan
    scenario: WhatIf | None
    accepted: VersusAccepted | None


class RecordedPlan(BaseModel):
    first_month: str
    horizon: int
    input_digest: str
    status: str
    weighted_lateness: int
    cost: str
    currency: str
    late_orders: int
    unplanned_units: int
    supersedes: str | None = Field(description="the plan accepted before, now superseded")
    moved: list[Moved] = Field(description="what moved versus the plan superseded")


class AcceptedPlan(Outcome):
    plan: RecordedPlan = Field(description="what was recorded; GET /plans/{id} has every part")


class PlanSummary(BaseModel):
    id: str
    state: str
    accepted_on: str
    first_month: str
    horizon: int
    status: str
    weighted_lateness: int
    cost: str
    currency: str
    superseded_by: str | None


class PlanPart(BaseModel):
    order_id: str
    facility_id: str
    month: str
    quantity: int


class Unplanned(BaseModel):
    order_id: str
    quantity: int


class PlanDetail(PlanSummary):
    parts: list[PlanPart]
    unplanned: list[Unplanned]


# --- transparency -----------------------------------------------------------------------------


class RevealedValue(BaseModel):
    value: Any
    salt: str


class PublicEvent(Event):
    revealed: dict[str, RevealedValue] | None = Field(
        None, description="withheld fields whose embargo has passed: value and salt opening the commitment"
    )
    redacted: list[str] | None = Field(
        None,
        description="fields recorded in clear that repeat a value another event withholds: shown as "
        '{"$repeats": that event\'s marker}; this view does not rehash to its hash (docs/transparency.md)',
    )


class InclusionProof(BaseModel):
    leafIdx: int
    treeSize: int
    root: str
    leafHash: str
    proof: list[str]
    event: PublicEvent


class ConsistencyProof(BaseModel):
    size1: int
    size2: int
    root1: str
    root2: str
    proof: list[str]


class Revealed(BaseModel):
    field: str
    value: Any
    salt: str


class Reveal(InclusionProof):
    reveal: Revealed


# --- the allocation optimiser ---------------------------------------------------------------


class AllocationTier(BaseModel):
    tier: int
    lines: int
    coverage: str = Field(description="Σ funded share of the tier's lines (a whole-only line counts only whole)")
    bound: str = Field(description="what no plan can exceed (LP bound)")
    gap: str
    method: str | None = None
    greedy: str | None = Field(None, description="the coverage of the by-hand baseline, for comparison")


class PlannedAllocation(BaseModel):
    pledge_id: str
    requirement_id: str
    tier: int
    mechanism: str
    origin: str
    quantity: int
    amount: str
    currency: str
    line_amount: str
    line_currency: str
    fx: dict | None
    package: str | int = Field(description="the package drafted for it (its number in the plan before recording)")


class PlannedPackage(BaseModel):
    package: str | int
    mechanism: str
    recipient: str
    origin: str
    currency: str
    value: str
    lines: int


class AllocationProposal(BaseModel):
    """The optimal allocation of the pledges' remaining money to the prioritised list, explained."""

    model_config = ConfigDict(extra="allow")

    on: str
    currency: str
    label: str
    solver: str
    mode: str
    recorded: bool
    min_package: str | None
    tiers: list[AllocationTier]
    packages: list[PlannedPackage]
    allocations: list[PlannedAllocation]
    unfunded: list[dict]
    pledges_left: list[dict]
    earmark_prices: list[dict]


class RecordAllocation(Request):
    on: Day | None = None
    currency: Currency = "USD"
    min_package: Amount | None = Field(None, description="no package below this value, in the plan currency")
    time_limit: TimeLimit = 10
    sellers: dict[Mechanism, Id] = Field(
        default_factory=dict, description="seller per mechanism for packages to new recipients"
    )

    model_config = ConfigDict(extra="forbid")


class AllocationRecorded(BaseModel):
    packages: list[PlannedPackage]
    allocations: list[PlannedAllocation]
    tiers: list[AllocationTier]
    events: list[EventRef]

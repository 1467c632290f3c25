"""What the queries answer, as typed records: the one declaration of each read.

Queries (``services/reads/queries.py``) return these as JSON-ready dicts (text for amounts and
dates, so that no float ever appears), which the CLI prints and the API's gate trims per
caller (``services/access/views.py`` blanks a field withheld from the caller to None). The API's
response models are derived from them (``api/derive.py``), so a field added to a
query is published by adding it here, once, and a response can never silently drop what
the query returns.
"""

from __future__ import annotations

from typing_extensions import TypedDict


class PartyRecord(TypedDict):
    id: str
    name: str
    kind: str
    country: str | None
    version: int


class FxRateRecord(TypedDict):
    day: str
    currency: str
    per_eur: str
    source: str


class PledgeRecord(TypedDict):
    id: str
    funder: str
    amount: str
    amount_currency: str
    allocated: str
    allocated_currency: str
    remaining: str
    # money stages (issue 15), in the pledge's currency
    paid_in: str
    paid_in_currency: str
    transferred: str
    transferred_currency: str
    obligated: str
    obligated_currency: str
    expended: str
    expended_currency: str
    released: str
    released_currency: str
    returned: str
    returned_currency: str
    pledged_on: str
    mechanism: str
    categories: list[str]
    origins: list[str]
    valid_from: str
    valid_until: str | None
    state: str
    note: str
    version: int


class AllocationRecord(TypedDict):
    id: str
    pledge_id: str
    package_id: str
    line_no: int
    amount: str  # what it still holds, in the pledge's currency
    amount_currency: str
    line_amount: str  # the same, in the package's currency
    line_amount_currency: str
    fx_rate: str | None  # None: no conversion
    fx_date: str | None
    allocated_on: str
    released: str  # what it gave back to its pledge (a rejected package), in the pledge's currency
    released_currency: str
    released_line: str
    released_line_currency: str


class PledgeDetail(PledgeRecord):
    allocations: list[AllocationRecord]


class RequirementRecord(TypedDict):
    id: str
    recipient: str
    list_month: str  # as ranked in the list version asked for (the latest by default)
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


class RankingRecord(TypedDict):
    list_month: str
    priority: int
    rank: int


class RequirementPackageLineRecord(TypedDict):
    package_id: str
    line_no: int
    quantity: int


class RequirementDetail(RequirementRecord):
    rankings: list[RankingRecord]  # every list version, oldest first
    packages: list[RequirementPackageLineRecord]  # the package lines that hold it


class ShippedLotRecord(TypedDict):
    lot_id: str  # a production lot (Drone Deal co-production)
    quantity: int


class ShippedLineRecord(TypedDict):
    contract_line_no: int
    quantity: int
    received: int
    lots: list[ShippedLotRecord]


class ShipmentRecord(TypedDict):
    id: str
    contract_id: str
    shipped_on: str
    state: str
    received_on: str | None
    expected_arrival: str | None
    note: str
    version: int
    lines: list[ShippedLineRecord]


class OwnershipRecord(TypedDict):
    party: str
    share: str  # percent


class CapacityRecord(TypedDict):
    item: str
    from_month: str
    monthly_quantity: int


class ItemTermsRecord(TypedDict):
    item: str
    min_batch: int
    unit_cost: str
    unit_cost_currency: str


class FacilityRecord(TypedDict):
    id: str
    name: str
    country: str
    version: int
    owners: list[OwnershipRecord]
    capacity: list[CapacityRecord]  # each item's monthly capacity from a month on
    terms: list[ItemTermsRecord]


class LotRecord(TypedDict):
    lot_id: str
    order_id: str
    quantity: int
    produced_on: str
    accepted: int | None  # None until inspected
    rejected: int | None
    reason: str
    inspected_on: str | None


class OrderRecord(TypedDict):
    id: str
    facility_id: str
    contract_id: str
    contract_line_no: int
    item: str
    quantity: int  # withheld with its contract line
    due: str
    state: str
    priority: int
    accepted: int
    version: int
    lots: list[LotRecord]


class PlanSummaryRecord(TypedDict):
    id: str
    state: str
    accepted_on: str
    first_month: str
    horizon: int  # months planned
    status: str  # the solver's: optimal, feasible, …
    weighted_lateness: int
    cost: str
    currency: str
    superseded_by: str | None


class PlanPartRecord(TypedDict):
    order_id: str
    facility_id: str
    month: str
    quantity: int


class UnplannedRecord(TypedDict):
    order_id: str
    quantity: int  # units no facility has room for within the horizon


class PlanDetail(PlanSummaryRecord):
    parts: list[PlanPartRecord]
    unplanned: list[UnplannedRecord]


class ContractRecord(TypedDict):
    id: str
    package_id: str
    buyer: str
    supplier: str
    kind: str  # purchase | production | …
    signed_on: str
    currency: str
    version: int


class ContractLineRecord(TypedDict):
    contract_id: str
    line_no: int
    package_line_no: int  # the package line it buys
    item: str
    quantity: int
    unit_price: str
    unit_price_currency: str


class DeliveryRecord(TypedDict):
    contract_id: str
    position: int  # the schedule entry (1 = first)
    line_no: int
    due: str
    quantity: int


class AmendedLineRecord(TypedDict):
    line_no: int
    old_quantity: int
    new_quantity: int
    old_unit_price: str
    new_unit_price: str


class AmendedDueRecord(TypedDict):
    entry: int  # the schedule entry, in signing order
    old_due: str
    new_due: str


class AmendmentRecord(TypedDict):
    """A change to a signed contract (issue 15 item 4): a modification in force when recorded,
    an amendment once the recipient and every funder of the package accepted it."""

    contract_id: str
    position: int
    amendment_id: str
    kind: str  # modification | amendment
    rationale: str
    description: str
    proposed_on: str
    state: str  # proposed | in_force | rejected
    effective_on: str | None
    awaiting: list[str]  # who must accept it (an amendment)
    accepted: list[str]
    rejected_by: str | None
    reason: str
    lines: list[AmendedLineRecord]
    schedule: list[AmendedDueRecord]


class ContractDetail(ContractRecord):
    lines: list[ContractLineRecord]
    schedule: list[DeliveryRecord]
    amendments: list[AmendmentRecord]  # original terms: each line's first change states them


class PackageBase(TypedDict):
    id: str
    title: str
    mechanism: str
    seller: str
    recipient: str
    currency: str
    approvers: list[str]  # the parties whose approval it needs
    state: str
    version: int


class PackageRecord(PackageBase):
    value: str  # its lines at their unit prices, in its currency
    funded: str  # what allocations hold for it, in its currency


class PackageLineRecord(TypedDict):
    package_id: str
    line_no: int
    requirement_id: str
    item: str
    category: str
    quantity: int
    unit_price: str
    unit_price_currency: str
    origin: str
    value: str
    funded: str
    cancelled_on: str | None  # the day the line was taken out of its package (issue 15), or None


class DecisionRecord(TypedDict):
    package_id: str
    position: int
    party: str
    decision: str  # approve | reject
    reason: str
    decided_on: str


class PackageStepRecord(TypedDict):
    """One thing done towards a package's approval (issue 17, item 2)."""

    package_id: str
    position: int
    step: str  # validation | concurrence
    party: str
    verdict: str  # validated | returned | concur | object
    reason: str
    done_on: str


class CheckItemRecord(TypedDict):
    """One line of a package's checklist: a step its mechanism requires, who takes it, what
    they did (verdict and day null while waiting; the reasons are in ``steps``)."""

    step: str  # validation | concurrence
    party: str  # the funder; for a validation the coordinator who took it, or "coordinator"
    verdict: str | None  # validated | concur | object
    done_on: str | None


class PackageDetail(PackageBase):
    lines: list[PackageLineRecord]
    decisions: list[DecisionRecord]
    #: what its mechanism asks before approval, and what was done towards it
    checklist: list[CheckItemRecord]
    steps: list[PackageStepRecord]
    contracts: list[ContractRecord]

"""What the ledger browser, the reports, the evidence (documents, findings), end use's small
records and the transparency log's proofs answer, as typed records: the one declaration of
each (the chain's records are in ``read_models.py``).

As there, amounts and dates are text; the API's response models derive from these
(``api/derive.py``), where the fields the gate may blank for a caller are named. A field's
``Doc`` is the description the API publishes with it; a key declared ``NotRequired`` is one
the answer may leave out (the API reads it as null or empty).
"""

from __future__ import annotations

from typing import Annotated, Any, NotRequired

from typing_extensions import Doc, TypedDict

# ---- the ledger ----


class EventRecord(TypedDict):
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


# ---- the funnel ----

#: a rate a report converted by: ``from`` one currency ``to`` another, recorded for ``date``
RateUsed = TypedDict("RateUsed", {"from": str, "to": str, "rate": str, "date": str})


class Unconverted(TypedDict):
    """A figure no recorded rate converts into the reporting currency: shown as it stands,
    with the rate it lacks; the report's totals leave it out."""

    what: Annotated[str, Doc("the stage (pledged, allocated, contracted, delivered), need or kiel_military")]
    funder: NotRequired[str | None]
    donor: NotRequired[str | None]
    amount: str
    currency: str
    on: str
    missing_rate: Annotated[str, Doc("e.g. 'EUR→USD on or before 2024-01-31'")]


class FunnelFigures(TypedDict):
    pledged: str
    allocated: str
    contracted: str
    delivered: str


class WithheldFigures(TypedDict):
    """How many of a funder's figures at a stage rest on values withheld from the caller."""

    figures: int
    until: Annotated[str | None, Doc("the latest embargo among them (None: withheld without an end date)")]
    event: Annotated[int, Doc("the ledger event that withholds the first of them")]


class FunnelRow(FunnelFigures):
    funder: str
    name: str
    withheld: NotRequired[
        Annotated[dict[str, WithheldFigures], Doc("per stage: figures left out of this row because they are withheld")]
    ]
    open_findings: NotRequired[
        Annotated[
            dict[str, int],
            Doc("per stage: how many records with an audit finding still open this row's figures come from"),
        ]
    ]


class Undisclosed(TypedDict):
    """Per stage, how many figures were left out because they rest on values withheld from the caller."""

    pledged: int
    allocated: int
    contracted: int
    delivered: int


class FunnelReport(TypedDict):
    currency: str
    funders: list[FunnelRow]
    undisclosed: Undisclosed
    total: FunnelFigures
    rates_used: list[RateUsed]
    unconverted: NotRequired[list[Unconverted]]


# ---- the trace of a package ----


class TracePackage(TypedDict):
    id: str
    title: str
    mechanism: str
    state: str
    currency: str
    seller: str
    recipient: str


class FundedBy(TypedDict):
    allocation_id: Annotated[str, Doc("null when the pledge is another funder's")]
    pledge_id: Annotated[str, Doc("null when the pledge is another funder's")]
    funder: str
    amount: Annotated[str, Doc("in the pledge's currency; null when the pledge is another funder's")]
    currency: str
    line_amount: Annotated[str, Doc("in the package's currency")]
    fx_rate: str | None
    fx_date: str | None
    allocated_on: str


class TraceLine(TypedDict):
    line_no: int
    requirement_id: str
    item: str
    quantity: int
    unit_price: str
    funded_by: list[FundedBy]


class TraceContractLine(TypedDict):
    id: str
    supplier: str
    kind: str
    signed_on: str
    line_no: int
    package_line_no: int
    item: str
    quantity: int
    unit_price: str


class LotQuality(TypedDict):
    accepted: int | None
    rejected: int | None
    reason: str | None
    inspected_on: str | None


class TraceLot(TypedDict):
    lot_id: str
    quantity: int
    order_id: str
    facility_id: str
    produced_on: str
    quality: LotQuality  # for the CLI's trace; the API does not publish it


class TraceAmendment(TypedDict):
    """A change proposed to a delivered item's contract line (issue 15 item 4)."""

    amendment_id: str
    position: Annotated[int, Doc("its place among the contract's changes")]
    kind: Annotated[str, Doc("modification (in force at once) | amendment (once accepted)")]
    rationale: str
    description: str
    state: Annotated[str, Doc("proposed | in_force | rejected")]
    proposed_on: str
    effective_on: str | None
    old_quantity: int
    new_quantity: int
    old_unit_price: Annotated[str, Doc("the first change's is the price signed")]
    new_unit_price: str


class TraceContractRef(TypedDict):
    id: str
    line_no: int
    unit_price: Annotated[str, Doc("the price the item was sent at")]
    amendments: Annotated[list[TraceAmendment], Doc("every change to the line's terms, oldest first")]


class PaidBy(TypedDict):
    pledge_id: str
    funder: str
    amount: str
    currency: str
    pledge_amount: str
    pledge_currency: str


class TracePayment(TypedDict):
    """A payment of a delivered line's money (issue 15): into the account, to the seller, to the supplier."""

    stage: Annotated[
        str, Doc("paid_in (funder -> the account), transferred (-> the seller), expended (-> the supplier)")
    ]
    pledge_id: Annotated[str, Doc("null for another funder's pledge")]
    position: Annotated[int, Doc("its place among the pledge's money flows; null for another funder's pledge")]
    funder: str
    reference: Annotated[str, Doc("the payment's reference (the invoice, for a payment to the supplier)")]
    on: str
    amount: Annotated[str, Doc("in the pledge's currency")]
    currency: str
    seller_amount: Annotated[str | None, Doc("what reached the seller or supplier, in its currency")]
    seller_currency: str | None


class TraceSerials(TypedDict):
    manifest: Annotated[str, Doc("the shipment line's serial manifest: SHIPMENT.LINE")]
    root: Annotated[str, Doc("its serials' Merkle root, as in the signed log (serial prove walks from it)")]


class Delivered(TypedDict):
    shipment_id: str
    shipped_on: str
    received_on: str
    item: str
    shipped: int
    received: int
    discrepancy: int
    note: str | None
    value: str
    currency: str
    lots: list[TraceLot]
    contract: TraceContractRef
    package_line: TraceLine
    paid_by: list[PaidBy]
    payments: Annotated[
        list[TracePayment],
        Doc("the payments that paid for it: its pledges' pay-ins, transfers, the supplier's payments"),
    ]
    serials: Annotated[TraceSerials | None, Doc("null unless the items are serial-numbered (issue 16)")]


class OpenFindings(TypedDict):
    record: Annotated[str, Doc("KIND:ID of a record of the chain")]
    open: Annotated[int, Doc("audit findings on it not yet closed")]


class TraceApproval(TypedDict):
    """A step of the package's approval (issue 17 item 2): who did what, when."""

    step: Annotated[str, Doc("validation | concurrence | decision")]
    party: str
    verdict: Annotated[str, Doc("validated | returned | concur | object | approve | reject")]
    on: str


class Trace(TypedDict):
    package: TracePackage
    lines: list[TraceLine]
    approvals: Annotated[list[TraceApproval], Doc("its approval checklist and decisions, in the order taken")]
    contracts: list[TraceContractLine]
    delivered: list[Delivered]
    open_findings: NotRequired[list[OpenFindings]]


# ---- the evidence (issue 18): documents, audit findings and their report ----


class DocumentRecord(TypedDict):
    """A document attached to a record: its hash is in the public log whatever else is withheld."""

    id: str
    record: Annotated[str, Doc("KIND:ID of the record it is attached to")]
    type: Annotated[str, Doc("loa | amendment | invoice | acceptance | inspection | other")]
    language: str
    title: str | None
    sha256: str
    size: int
    media_type: Annotated[str, Doc("judged from the bytes when attached, never from the file's name")]
    attached_on: str
    version: int


class FindingRecord(TypedDict):
    id: str
    record: str
    state: str
    severity: str
    criteria: str
    condition: str
    answer_due: str
    opened_on: str
    response: str | None
    responded_on: str | None
    resolution: str | None
    closed_on: str | None
    public: bool
    evidence: list[str]
    age_days: Annotated[int, Doc("days from opening to closing, or to today while open")]
    overdue: Annotated[bool, Doc("still open past the day its answer was due")]
    version: int


class AgingBand(TypedDict):  # open findings in one age band, by severity (domain.finding.SEVERITIES)
    age: str
    open: int
    low: int
    medium: int
    high: int
    critical: int


class FindingsReport(TypedDict):
    findings: list[FindingRecord]
    aging: list[AgingBand]


# ---- end use (issue 16): sites, a serial's history and its proof ----


class SiteRecord(TypedDict):
    id: str
    party: str
    code: str
    name: str
    version: int


class SerialEvent(TypedDict):
    on: str
    what: str
    record: str
    site_id: str | None
    manifest: str | None
    position: int | None


class SerialHistory(TypedDict):
    serial: str
    shipment_id: str
    contract_line_no: int
    package_id: str
    package_line_no: int
    requirement_id: str
    category: str
    recipient: str
    seller: str
    state: str
    received_on: str | None
    site_id: str | None
    inventoried_on: str | None
    disposed_on: str | None
    history: list[SerialEvent]


class SerialProof(TypedDict):
    serial: str
    manifest: str
    record: str
    event_seq: int | None
    index: int
    size: int
    root: str
    path: list[str]


class EndUseFigures(TypedDict):
    """Items and their value by status (due, done, overdue, disposed) and the shares overdue."""

    items: dict[str, int]
    total: int
    value: Annotated[dict[str, dict[str, str]], Doc("per currency: the items' value by status")]
    delinquent_pct: str | None
    compliant_pct: str | None
    delinquent_value_pct: NotRequired[Annotated[str | None, Doc("when every item is valued in one currency")]]


class EndUseCategoryFigures(EndUseFigures):
    category: str


class EndUseSiteFigures(EndUseFigures):
    site: str


class EndUsePackageFigures(EndUseFigures):
    package: str


class EndUseFunderFigures(EndUseFigures):
    funder: str


class EndUseRules(TypedDict):
    initial_days: int
    interval_days: int


class OverdueSerial(TypedDict):
    serial: str
    package_id: str
    category: str
    site_id: str | None
    received_on: Annotated[str, Doc("an item counts, and falls overdue, once received")]
    inventoried_on: str | None


class PublicCompliance(TypedDict):
    month: str
    category: str
    compliant_pct: str | None


class EndUseReport(TypedDict):
    """End-use compliance as the caller may see it: the public, percentages per category and
    month; the others, figures overall and by the breakdowns their role reads."""

    as_of: str
    public: NotRequired[list[PublicCompliance]]
    overall: NotRequired[EndUseFigures]
    rules: NotRequired[EndUseRules]
    by_category: NotRequired[list[EndUseCategoryFigures]]
    by_site: NotRequired[list[EndUseSiteFigures]]
    by_package: NotRequired[list[EndUsePackageFigures]]
    by_funder: NotRequired[list[EndUseFunderFigures]]
    overdue_serials: NotRequired[list[OverdueSerial]]


# ---- money along its stages (issue 15) and what is late (issue 17) ----


class MoneyReport(TypedDict):
    """Every stage side by side: per pledge (its currency, and converted), per package, per funder."""

    on: str
    pledges: list[dict[str, Any]]
    packages: list[dict[str, Any]]
    undisclosed: int
    # in a reporting currency only
    currency: NotRequired[str]
    funders: NotRequired[list[dict[str, str]]]
    total: NotRequired[dict[str, str]]
    rates_used: NotRequired[list[dict[str, Any]]]
    unconverted: NotRequired[list[str]]


# ---- the transparency log: public events, proofs, revealed values (docs/transparency.md) ----


class RevealedValue(TypedDict):
    value: Any
    salt: str


class PublicEvent(EventRecord):
    revealed: NotRequired[
        Annotated[
            dict[str, RevealedValue] | None,
            Doc("withheld fields whose embargo has passed: value and salt opening the commitment"),
        ]
    ]
    redacted: NotRequired[
        Annotated[
            list[str] | None,
            Doc(
                "fields recorded in clear that repeat a value another event withholds: shown as "
                '{"$repeats": that event\'s marker}; this view does not rehash to its hash (docs/transparency.md)'
            ),
        ]
    ]


class InclusionProof(TypedDict):
    leafIdx: int
    treeSize: int
    root: str
    leafHash: str
    proof: list[str]
    event: PublicEvent


class ConsistencyProof(TypedDict):
    size1: int
    size2: int
    root1: str
    root2: str
    proof: list[str]


class Revealed(TypedDict):
    field: str
    value: Any
    salt: str


class Reveal(InclusionProof):
    reveal: Revealed

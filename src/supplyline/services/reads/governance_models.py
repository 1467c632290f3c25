"""Read models of who agrees to what and how a deal changed (issues 15 and 17): the list's
versions and their difference, the approval steps each mechanism requires, subscriptions, and
the variance of each contract line. The API's response models derive from these
(``api/derive.py``); the queries return them."""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict


class ListApproval(TypedDict):
    party: str
    approved_on: str


class ListedLineRow(TypedDict):
    """A line as a version lists it (a diff's lines carry no item or quantity of their own)."""

    requirement_id: str
    priority: int
    rank: int
    item: NotRequired[str | None]
    quantity: NotRequired[int | None]


class ListVersion(TypedDict):
    id: str
    recipient: str
    month: str
    state: str
    approvers: list[str]
    approvals: list[ListApproval]
    proposed_on: str
    approved_on: str | None
    version: int


class ListVersionDetail(ListVersion):
    lines: list[ListedLineRow]


class ListVersionSummary(TypedDict):
    id: str
    recipient: str
    month: str
    state: str
    approved_on: str | None


#: a line ranked differently, ``from`` the older version ``to`` the newer
RerankedLine = TypedDict(
    "RerankedLine", {"requirement_id": str, "item": str, "from": ListedLineRow, "to": ListedLineRow}
)
#: ``report list-diff``: what changed ``from`` one version ``to`` another
ListDiff = TypedDict(
    "ListDiff",
    {
        "from": ListVersionSummary,
        "to": ListVersionSummary,
        "added": list[ListedLineRow],
        "removed": list[ListedLineRow],
        "reranked": list[RerankedLine],
    },
)


class ApprovalSteps(TypedDict):
    mechanism: str
    steps: list[str]
    configured_on: str
    version: int


class Subscription(TypedDict):
    id: str
    party: str
    role: str
    url: str
    events: list[str]
    created_at: str
    state: str
    fed_seq: int


class VarianceChange(TypedDict):
    amendment_id: str
    kind: str
    rationale: str
    description: str
    state: str
    proposed_on: str
    effective_on: str | None
    old_quantity: int
    new_quantity: int
    old_unit_price: str
    new_unit_price: str


class VarianceLine(TypedDict):
    contract_id: str
    line_no: int
    package_id: str
    package_line_no: int
    requirement_id: str
    item: str
    currency: str
    signed_quantity: int
    quantity: int
    delivered_quantity: int
    estimate: str
    package: str
    original: str
    current: str
    delivered: str
    changes: list[VarianceChange]
    reasons: str


class VarianceReport(TypedDict):
    lines: list[VarianceLine]
    #: lines left out because some of their figures are withheld from the caller
    withheld: int

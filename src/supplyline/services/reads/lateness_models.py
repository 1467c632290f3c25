"""What ``report late`` answers, as typed records: each late row with how late it is and who
must act. The one declaration of each: the API's response models derive from these
(``api/derive.py``).
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class MustAct(TypedDict):
    """Who must act on a late row: a role, and the parties in it (none: the role's, whoever holds it)."""

    role: str
    parties: list[str]


class Lateness(TypedDict):
    days_late: int
    months_late: int


class LateScheduleEntry(Lateness):
    contract_id: str
    entry: int
    line_no: int
    item: str
    due: str
    quantity: int
    received: int
    short: int
    must_act: MustAct


class LateOrder(Lateness):
    order_id: str
    facility_id: str
    contract_id: str
    item: str
    state: str
    due: str
    quantity: int
    accepted: int
    short: int
    must_act: MustAct


class LateRequirement(Lateness):
    requirement_id: str
    recipient: str
    item: str
    state: str
    needed_by: str
    quantity: int
    funded: int
    delivered: int
    short: int
    must_act: MustAct


class LateShipment(Lateness):
    shipment_id: str
    contract_id: str
    shipped_on: str
    expected_arrival: str
    must_act: MustAct


class WaitingPackage(TypedDict):
    package_id: str
    title: str
    state: str
    waiting_since: str
    days_waiting: int
    months_waiting: int
    must_act: MustAct


class LateReport(TypedDict):
    """What is late on ``as_of`` and who must act (``report late``): rows as the caller may read them."""

    as_of: str
    schedule_entries: list[LateScheduleEntry]
    orders: list[LateOrder]
    requirements: list[LateRequirement]
    shipments: list[LateShipment]
    packages: list[WaitingPackage]


# ---- what waits on a party (``todo``, issue 17) ----


class TodoItem(TypedDict):
    """One thing waiting on the caller: what to do (``action``) on which record, since when."""

    action: str
    kind: str
    id: str
    since: str
    days: int
    detail: dict[str, Any]


class Todo(TypedDict):
    """What waits on the caller's party on ``as_of`` (``todo``), oldest first."""

    party: str | None
    role: str
    as_of: str
    counts: dict[str, int]
    items: list[TodoItem]
    #: what the party will act on once others have (``detail.waiting_on``: who must act first)
    waiting: list[TodoItem]

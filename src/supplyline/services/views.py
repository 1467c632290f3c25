"""What a party sees of a record it may read: the one place that trims a record's fields.

Authorisation decides whether a caller sees a record at all; this decides which parts of
it. Today it removes references to records the caller may not read (another funder's
pledge inside a co-funded package's trace, packages of other parties that hold the same
requirement). Field-level disclosure for the public plugs in here as one more presenter
keyed on the viewer's role, without touching the endpoints.
"""

from __future__ import annotations

from typing import Callable, Iterable

from ..domain import access
from ..domain.access import Principal
from .ownership import Ownership


class Viewer:
    """A principal, and what it may read, answered from one request's ownership cache."""

    def __init__(self, principal: Principal, ownership: Ownership):
        self.principal = principal
        self.ownership = ownership

    def readable(self, kind: str, record_ids: Iterable[str | None]) -> set[str]:
        """Which of these records the viewer may read (resolved together)."""
        wanted = {i for i in record_ids if i is not None}
        found = self.ownership.of_many(kind, wanted)
        return {i for i in wanted if i in found and access.can_read(self.principal, kind, found[i])}


def _requirement(viewer: Viewer, record: dict) -> dict:
    if "packages" not in record:
        return record
    shown = viewer.readable("package", (p["package_id"] for p in record["packages"]))
    return {**record, "packages": [p for p in record["packages"] if p["package_id"] in shown]}


def _package(viewer: Viewer, record: dict) -> dict:
    if "contracts" not in record:
        return record
    shown = viewer.readable("contract", (c["id"] for c in record["contracts"]))
    return {**record, "contracts": [c for c in record["contracts"] if c["id"] in shown]}


_FOREIGN_ALLOCATION = dict.fromkeys(("allocation_id", "pledge_id", "amount", "currency", "fx_rate", "fx_date"))
_FOREIGN_SHARE = dict.fromkeys(("pledge_id", "pledge_amount", "pledge_currency"))


def _trace(viewer: Viewer, record: dict) -> dict:
    """A co-funded package's trace names every funder and what it paid for each line (that
    is shared package data), but not another funder's pledge: its id, currency and rate."""

    own = viewer.readable("pledge", (a["pledge_id"] for line in record["lines"] for a in line["funded_by"]))

    def allocation(entry: dict) -> dict:
        return entry if entry["pledge_id"] in own else {**entry, **_FOREIGN_ALLOCATION}

    def share(entry: dict) -> dict:
        return entry if entry["pledge_id"] in own else {**entry, **_FOREIGN_SHARE}

    def line(entry: dict) -> dict:
        return {**entry, "funded_by": [allocation(a) for a in entry["funded_by"]]}

    return {
        **record,
        "lines": [line(entry) for entry in record["lines"]],
        "delivered": [
            {**d, "package_line": line(d["package_line"]), "paid_by": [share(s) for s in d["paid_by"]]}
            for d in record["delivered"]
        ],
    }


#: record kind → how to trim it for a viewer (kinds not listed are shown whole)
PRESENTERS: dict[str, Callable[[Viewer, dict], dict]] = {
    "requirement": _requirement,
    "package": _package,
    "trace": _trace,
}


def present(viewer: Viewer, kind: str, record: dict) -> dict:
    presenter = PRESENTERS.get(kind)
    return presenter(viewer, record) if presenter else record

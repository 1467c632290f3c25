"""Events of end-use monitoring: which lines carry serial numbers, the serial manifests of
shipments, the recipient's sites, end-use checks and final dispositions.

A manifest event carries the number of serials and the Merkle root over them, never the
serials: the serials themselves are kept beside the log (store/serials.py), each one's
membership provable against the root in the signed log. Site codes are the recipient's
own labels (never coordinates) and are withheld from the log by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .base import Event


@dataclass(frozen=True, kw_only=True)
class SerialsRequired(Event):
    """Units of a category, or of one requirement line, must carry serial numbers."""

    scope: str  # category | requirement
    key: str  # the category, or the requirement id
    required: bool


@dataclass(frozen=True, kw_only=True)
class InventoryRulesSet(Event):
    initial_days: int  # an initial inventory within this many days of receipt
    interval_days: int  # then at most this many days between inventories


@dataclass(frozen=True, kw_only=True)
class SerialsListed(Event):
    """The serial numbers of one shipment line: how many, and the root of their manifest."""

    contract_line_no: int
    count: int
    manifest_root: str  # hex SHA-256, RFC 6962 tree over the serials in file order


@dataclass(frozen=True, kw_only=True)
class LotSerialsListed(Event):
    """The serial numbers of a Drone Deal lot as produced: how many, and their manifest's
    root. The lot's shipments carry these serials on (issue 16 item 1)."""

    lot_id: str
    count: int
    manifest_root: str


@dataclass(frozen=True, kw_only=True)
class SerialsReceived(Event):
    """Of a serialised shipment line, which serials arrived (a receipt's per-serial account)."""

    contract_line_no: int
    received: int
    missing: int
    damaged: int
    missing_root: str  # manifest root of the missing serials ("" when none)
    damaged_root: str
    site_id: str  # where they were taken into the recipient's custody ("" when not said)


@dataclass(frozen=True, kw_only=True)
class SiteRegistered(Event):
    id: str
    party: str
    code: str  # the recipient's own label of a depot or unit store: never coordinates
    name: str


@dataclass(frozen=True, kw_only=True)
class EndUseCheckRecorded(Event):
    id: str
    kind: str  # initial | annual | physical_security
    checked_on: date
    inspector: str  # the party whose staff checked
    site_id: str
    sighted: int
    manifest_root: str


@dataclass(frozen=True, kw_only=True)
class DispositionRecorded(Event):
    id: str
    kind: str  # expended | destroyed | lost | stolen | transferred
    disposed_on: date
    count: int
    manifest_root: str
    authorisation: str  # the authorisation reference (required for a transfer)
    evidence_sha256: str  # the evidence document's SHA-256
    note: str


@dataclass(frozen=True, kw_only=True)
class CustodyHandedOver(Event):
    """One leg of custody (a depot to a unit's store …), stated by the giving party; sites are
    the parties' own codes, named here by their opaque ids."""

    id: str
    from_party: str
    to_party: str
    from_site_id: str
    to_site_id: str
    handed_on: date
    count: int
    manifest_root: str


@dataclass(frozen=True, kw_only=True)
class CustodyConfirmed(Event):
    """The receiving party's confirmation of a handover, with its discrepancies per serial."""

    confirmed_on: date
    received: int
    missing: int
    damaged: int
    extra: int
    missing_root: str
    damaged_root: str
    extra_root: str

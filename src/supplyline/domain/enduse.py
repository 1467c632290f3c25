"""End-use monitoring: which lines carry serial numbers, the deadlines for inventories,
the recipient's sites, end-use checks and final dispositions (issue 16).

This records accountability — an item inventoried, disposed of, lost — never where a unit
is or what it does: a site is the recipient's own code for a depot or store (withheld from
the public), never coordinates, and nothing here plans or reports operations.

The per-serial state (``ItemFacts``) is kept in an index table rather than folded from
the streams (a programme has millions of serials); the decisions below read the facts of
the serials a command names and refuse before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput, RuleViolation
from .events import (
    DispositionRecorded,
    EndUseCheckRecorded,
    InventoryRulesSet,
    SerialsRequired,
    SiteRegistered,
)
from .lifecycle import SERIAL_ITEM
from .serials import SerialRow, distinct, manifest_root
from .values import CATEGORIES, parse_choice, parse_date, parse_id, parse_int, parse_text

RULES_ID = "EEUM"
CHECK_KINDS = ("initial", "annual", "physical_security")
#: the checks that count as an inventory (a physical-security check looks at the storage)
INVENTORIES = ("initial", "annual")
DISPOSITIONS = SERIAL_ITEM.group("disposed")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class EndUseRules(Entity):
    """The deployment's end-use rules: lines that carry serials, and inventory deadlines."""

    KIND = "end_use_rules"
    LABEL = "end-use rules"

    categories: set[str] = field(default_factory=set)
    requirements: set[str] = field(default_factory=set)
    initial_days: int = 90
    interval_days: int = 365

    def _on_SerialsRequired(self, e: SerialsRequired) -> None:
        target = self.categories if e.scope == "category" else self.requirements
        (target.add if e.required else target.discard)(e.key)

    def _on_InventoryRulesSet(self, e: InventoryRulesSet) -> None:
        self.initial_days, self.interval_days = e.initial_days, e.interval_days

    def requires_serials(self, category: str, requirement_id: str) -> bool:
        return category in self.categories or requirement_id in self.requirements


def require_serials(
    rules: EndUseRules, *, category: str | None, requirement_id: str | None, required: bool
) -> list[Event]:
    if (category is None) == (requirement_id is None):
        raise InvalidInput("scope", None, "name either a category or a requirement line")
    if category is not None:
        return [
            SerialsRequired(scope="category", key=parse_choice("category", category, CATEGORIES), required=required)
        ]
    return [SerialsRequired(scope="requirement", key=parse_id("requirement", requirement_id), required=required)]


#: the longest wait before a first inventory check, or between two (ten years)
MAX_INVENTORY_DAYS = 3650


def set_inventory_rules(rules: EndUseRules, *, initial_days: object, interval_days: object) -> list[Event]:
    return [
        InventoryRulesSet(
            initial_days=parse_int("initial_days", initial_days, minimum=1, maximum=MAX_INVENTORY_DAYS),
            interval_days=parse_int("interval_days", interval_days, minimum=1, maximum=MAX_INVENTORY_DAYS),
        )
    ]


@dataclass(frozen=True)
class Deadlines:
    """When an item's inventory is overdue: compared as dates, so reports run from indexes."""

    initial_days: int = 90
    interval_days: int = 365

    def cutoffs(self, as_of: date) -> tuple[date, date]:
        """(received before this and never inventoried, inventoried last before this): overdue."""
        return as_of - timedelta(days=self.initial_days), as_of - timedelta(days=self.interval_days)

    def next_due(self, received_on: date, inventoried_on: date | None) -> date:
        if inventoried_on is None:
            return received_on + timedelta(days=self.initial_days)
        return inventoried_on + timedelta(days=self.interval_days)

    def status(self, as_of: date, received_on: date, inventoried_on: date | None, disposed_on: date | None) -> str:
        """disposed | overdue | due (never inventoried, still in time) | done (inventoried in time)."""
        if disposed_on is not None and disposed_on <= as_of:
            return "disposed"
        if as_of > self.next_due(received_on, inventoried_on):
            return "overdue"
        return "due" if inventoried_on is None else "done"


@dataclass
class Site(Entity):
    """A place the recipient holds items: its own code, never coordinates."""

    KIND = "site"
    LABEL = "site"

    party: str = ""
    code: str = ""
    name: str = ""

    def _on_SiteRegistered(self, e: SiteRegistered) -> None:
        self.party, self.code, self.name = e.party, e.code, e.name


_SITE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
#: a code that looks like a position (decimal degrees, MGRS) is refused: sites are labels
_POSITION = re.compile(r"\d{1,3}\.\d{3,}|\b\d{1,2}[C-X][A-Z]{2}\d{4,}")


def register_site(site: Site, *, party: str, code: object, name: object, taken: Sequence[str]) -> list[Event]:
    require_new(site)
    text = str(code).strip() if isinstance(code, str) else code
    if not isinstance(text, str) or not _SITE_CODE.match(text) or _POSITION.search(text):
        raise InvalidInput(
            "code", code, "must be the recipient's own site code (1-32 letters, digits, . _ -), never coordinates"
        )
    if text in taken:
        raise RuleViolation(f"{party} already has a site '{text}'", field="code", value=text)
    label = parse_text("name", name, max_length=200)
    if _POSITION.search(label):
        raise InvalidInput("name", name, "must not hold coordinates: a site is a label, not a position")
    return [SiteRegistered(id=site.id, party=party, code=text, name=label)]


@dataclass(frozen=True)
class ItemFacts:
    """What the index holds of one serial that a decision needs."""

    serial: str
    state: str
    package_id: str
    recipient: str
    seller: str
    received_on: date | None
    disposed_on: date | None = None
    site_id: str | None = None
    shipped_on: date | None = None


@dataclass
class EndUseCheck(Entity):
    KIND = "check"
    LABEL = "end-use check"

    kind: str = ""
    checked_on: date | None = None
    inspector: str = ""
    site_id: str = ""
    sighted: int = 0
    manifest_root: str = ""

    def _on_EndUseCheckRecorded(self, e: EndUseCheckRecorded) -> None:
        self.kind, self.checked_on, self.inspector = e.kind, e.checked_on, e.inspector
        self.site_id, self.sighted, self.manifest_root = e.site_id, e.sighted, e.manifest_root


def _facts(rows: Sequence[SerialRow], items: Mapping[str, ItemFacts]) -> list[tuple[SerialRow, ItemFacts]]:
    out = []
    for r in rows:
        item = items.get(r.serial)
        if item is None:
            raise InvalidInput(f"row {r.row}", r.serial, f"serial {r.serial} is not in the ledger")
        out.append((r, item))
    return out


def _may_account(r: SerialRow, item: ItemFacts, party: str, action: str) -> None:
    if party not in (item.recipient, item.seller):
        raise RuleViolation(
            f"row {r.row}: {party} may not {action} serial {r.serial} (package {item.package_id}: "
            f"only its recipient {item.recipient} or seller {item.seller})",
            field=f"row {r.row}",
            value=r.serial,
        )


def record_check(
    check: EndUseCheck,
    *,
    kind: object,
    checked_on: object,
    inspector: str,
    site: Site,
    rows: Sequence[SerialRow],
    items: Mapping[str, ItemFacts],
) -> list[Event]:
    """A check sighting ``rows``; each must be held (or missing: found again) by the site's party."""
    require_new(check)
    what = parse_choice("kind", kind, CHECK_KINDS)
    day = parse_date("checked_on", checked_on)
    require_exists(site)
    if not rows:
        raise InvalidInput("serials", 0, "a check sights at least one serial")
    distinct(rows)
    for r, item in _facts(rows, items):
        _may_account(r, item, inspector, "check")
        if item.recipient != site.party:
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} is {item.recipient}'s, not held at a site of {site.party}",
                field=f"row {r.row}",
                value=r.serial,
            )
        if item.received_on is None or day < item.received_on:
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} was not received by {day.isoformat()}",
                field=f"row {r.row}",
                value=r.serial,
            )
        if item.state not in SERIAL_ITEM.group("accountable"):
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} is {item.state} and cannot be sighted",
                field=f"row {r.row}",
                value=r.serial,
            )
    return [
        EndUseCheckRecorded(
            id=check.id,
            kind=what,
            checked_on=day,
            inspector=inspector,
            site_id=site.id,
            sighted=len(rows),
            manifest_root=manifest_root([r.serial for r in rows]),
        )
    ]


@dataclass
class Disposition(Entity):
    KIND = "disposition"
    LABEL = "disposition"

    kind: str = ""
    disposed_on: date | None = None
    count: int = 0
    manifest_root: str = ""
    authorisation: str = ""
    evidence_sha256: str = ""
    note: str = ""

    def _on_DispositionRecorded(self, e: DispositionRecorded) -> None:
        self.kind, self.disposed_on, self.count, self.manifest_root = e.kind, e.disposed_on, e.count, e.manifest_root
        self.authorisation, self.evidence_sha256, self.note = e.authorisation, e.evidence_sha256, e.note


def record_disposition(
    disposition: Disposition,
    *,
    kind: object,
    disposed_on: object,
    party: str,
    evidence_sha256: object,
    authorisation: object = "",
    note: object = "",
    rows: Sequence[SerialRow],
    items: Mapping[str, ItemFacts],
) -> list[Event]:
    """The final disposition of ``rows``, with its evidence (and authorisation, for a transfer)."""
    require_new(disposition)
    what = parse_choice("kind", kind, DISPOSITIONS)
    day = parse_date("disposed_on", disposed_on)
    evidence = str(evidence_sha256).strip().lower() if isinstance(evidence_sha256, str) else ""
    if not _SHA256.match(evidence):
        raise InvalidInput("evidence", evidence_sha256, "must be the evidence document's SHA-256 (64 hex digits)")
    reference = parse_text("authorisation", authorisation, max_length=200, allow_empty=what != "transferred")
    if not rows:
        raise InvalidInput("serials", 0, "a disposition names at least one serial")
    distinct(rows)
    for r, item in _facts(rows, items):
        _may_account(r, item, party, "dispose of")
        if not SERIAL_ITEM.allows(item.state, what):
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} is {item.state.replace('_', ' ')} and cannot be recorded {what}",
                field=f"row {r.row}",
                value=r.serial,
            )
        if item.received_on is not None and day < item.received_on:
            raise RuleViolation(
                f"row {r.row}: serial {r.serial} was received on {item.received_on.isoformat()}, after {day.isoformat()}",
                field=f"row {r.row}",
                value=r.serial,
            )
    return [
        DispositionRecorded(
            id=disposition.id,
            kind=what,
            disposed_on=day,
            count=len(rows),
            manifest_root=manifest_root([r.serial for r in rows]),
            authorisation=reference,
            evidence_sha256=evidence,
            note=parse_text("note", note, allow_empty=True),
        )
    ]

"""Custody legs: items handed from one site to another (a depot to a unit's store …), stated
by the giving party and confirmed by the receiving one, with discrepancies per serial
(missing, damaged, extra). Sites are the parties' own codes, never positions: the ledger
says who answers for an item, not where a unit is.

Legs before receipt (seller → a logistics hub → the recipient's depot): the seller hands
its shipment's serials, still in transit and at no site, to a site the recipient
registered; from there they may be handed on. They stay in transit until the shipment's
receipt, which is the handover into the recipient's custody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .enduse import ItemFacts, Site
from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput, RuleViolation
from .events import CustodyConfirmed, CustodyHandedOver
from .lifecycle import HANDOVER
from .serials import SerialRow, distinct, manifest_root
from .values import parse_date


@dataclass
class Handover(Entity):
    KIND = "handover"
    LABEL = "handover"

    state: str = HANDOVER.initial
    from_party: str = ""
    to_party: str = ""
    from_site_id: str = ""
    to_site_id: str = ""
    handed_on: date | None = None
    count: int = 0
    manifest_root: str = ""
    confirmed_on: date | None = None
    missing: int = 0
    damaged: int = 0
    extra: int = 0

    def _on_CustodyHandedOver(self, e: CustodyHandedOver) -> None:
        self.from_party, self.to_party, self.from_site_id, self.to_site_id = (
            e.from_party,
            e.to_party,
            e.from_site_id,
            e.to_site_id,
        )
        self.handed_on, self.count, self.manifest_root = e.handed_on, e.count, e.manifest_root

    def _on_CustodyConfirmed(self, e: CustodyConfirmed) -> None:
        self.state, self.confirmed_on = "confirmed", e.confirmed_on
        self.missing, self.damaged, self.extra = e.missing, e.damaged, e.extra


def _refuse(r: SerialRow, why: str) -> RuleViolation:
    return RuleViolation(f"row {r.row}: serial {r.serial} {why}", field=f"row {r.row}", value=r.serial)


#: where a leg starts when the serials leave the seller's dispatch (in transit, at no site)
DISPATCH = ""


def _at_giving_side(item: ItemFacts, from_site_id: str) -> bool:
    """Held at the giving site, or in transit there (or, from the dispatch, at no site yet)."""
    if from_site_id == DISPATCH:
        return item.state == "in_transit" and item.site_id is None
    return item.state in ("held", "in_transit") and item.site_id == from_site_id


def _check_leg(r: SerialRow, item: ItemFacts | None, party: str, from_site_id: str, day: date) -> None:
    if item is None:
        raise InvalidInput(f"row {r.row}", r.serial, f"serial {r.serial} is not in the ledger")
    if not _at_giving_side(item, from_site_id):
        where = f"site {from_site_id}" if from_site_id else "the seller's dispatch (in transit, at no site)"
        raise _refuse(r, f"is not held at {where}")
    if from_site_id == DISPATCH and party != item.seller:
        raise _refuse(r, f"is shipped by {item.seller}: only its seller hands it over from the dispatch, not {party}")
    started = item.received_on if item.state == "held" else item.shipped_on
    if started is None or day < started:
        raise _refuse(r, f"was not {'received' if item.state == 'held' else 'shipped'} by {day.isoformat()}")


def hand_over(
    handover: Handover,
    *,
    party: str,
    from_site: Site | None,
    to_site: Site,
    handed_on: object,
    rows: Sequence[SerialRow],
    items: Mapping[str, ItemFacts],
) -> list[Event]:
    """``party`` hands the serials held at its ``from_site`` (or, as their seller, those of
    its dispatch still in transit: ``from_site`` None) over to ``to_site``."""
    require_new(handover)
    if from_site is not None:
        require_exists(from_site)
    require_exists(to_site)
    day = parse_date("handed_on", handed_on)
    from_id = from_site.id if from_site is not None else DISPATCH
    if from_site is not None and from_site.party != party:
        raise RuleViolation(f"site {from_site.id} is {from_site.party}'s, not {party}'s", field="from_site")
    if from_id == to_site.id:
        raise InvalidInput("to_site", to_site.id, "is the site the items are at")
    if not rows:
        raise InvalidInput("serials", 0, "a handover lists at least one serial")
    distinct(rows)
    for r in rows:
        _check_leg(r, items.get(r.serial), party, from_id, day)
    return [
        CustodyHandedOver(
            id=handover.id,
            from_party=party,
            to_party=to_site.party,
            from_site_id=from_id,
            to_site_id=to_site.id,
            handed_on=day,
            count=len(rows),
            manifest_root=manifest_root([r.serial for r in rows]),
        )
    ]


def confirm(
    handover: Handover,
    *,
    party: str,
    confirmed_on: object,
    listed: set[str],
    missing: Sequence[SerialRow],
    damaged: Sequence[SerialRow],
    extra: Sequence[SerialRow],
    items: Mapping[str, ItemFacts],
) -> list[Event]:
    """The receiving party confirms: ``missing`` and ``damaged`` are of the listed serials,
    ``extra`` arrived without being listed (known serials, held by the giving party's site)."""
    require_exists(handover)
    HANDOVER.check(handover.id, handover.state, "confirmed", "confirm it")
    if party != handover.to_party:
        raise RuleViolation(
            f"handover {handover.id} is confirmed by {handover.to_party}, the receiving party, not {party}",
            field="party",
            value=party,
        )
    day = parse_date("confirmed_on", confirmed_on)
    assert handover.handed_on is not None
    if day < handover.handed_on:
        raise InvalidInput(
            "confirmed_on", day.isoformat(), f"is before the handover ({handover.handed_on.isoformat()})"
        )
    distinct([*missing, *damaged, *extra])
    for r in (*missing, *damaged):
        if r.serial not in listed:
            raise _refuse(r, f"is not listed in handover {handover.id}")
    for r in extra:
        if r.serial in listed:
            raise _refuse(r, f"is listed in handover {handover.id}: not extra")
        item = items.get(r.serial)
        if item is None or not _at_giving_side(item, handover.from_site_id):
            raise _refuse(r, f"is not held at the giving site {handover.from_site_id or '(the dispatch)'}")
    return [
        CustodyConfirmed(
            confirmed_on=day,
            received=handover.count - len(missing) + len(extra),
            missing=len(missing),
            damaged=len(damaged),
            extra=len(extra),
            missing_root=manifest_root([r.serial for r in missing]),
            damaged_root=manifest_root([r.serial for r in damaged]),
            extra_root=manifest_root([r.serial for r in extra]),
        )
    ]

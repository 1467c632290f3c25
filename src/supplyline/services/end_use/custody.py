"""Custody legs (issue 16 item 2): hand serials over from one site to another, and the
receiving party's confirmation with its discrepancies per serial. Each side's manifest
(listed, missing, damaged, extra) is kept beside the log like every other (store/serials.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from sqlalchemy.engine import Connection

from ...domain import custody as domain
from ...domain.custody import Handover
from ...domain.enduse import Site
from ...domain.serials import SerialRow
from ...store import serials as index
from ...store.eventstore import UnitOfWork
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import Day
from .enduse import find_site


class HandOver(Command):
    """The giving party states which serials left its site for another (no ``from_site``: the
    seller hands over its dispatch's serials, still in transit, e.g. to a logistics hub)."""

    ACTION: ClassVar[str] = "handover.record"

    from_site: str | None = None  # code or id
    to_site: str
    handed_on: Day
    serials: tuple[SerialRow, ...]
    id: str | None = None


@handles(HandOver)
def hand_over(uow: UnitOfWork, actor: Actor, cmd: HandOver, expected: int | None) -> Outcome:
    handover = uow.get(Handover, cmd.id or uow.next_id(Handover, "HO"))
    from_site = uow.get(Site, find_site(uow.conn, cmd.from_site, field="from_site")) if cmd.from_site else None
    to_site = uow.get(Site, find_site(uow.conn, cmd.to_site, field="to_site"))
    serials = [r.serial for r in cmd.serials]
    events = domain.hand_over(
        handover,
        party=actor.party,
        from_site=from_site,
        to_site=to_site,
        handed_on=cmd.handed_on,
        rows=cmd.serials,
        items=index.facts(uow.conn, serials),
    )
    stored = uow.record(handover, events)
    assert handover.handed_on is not None
    index.write_manifest(
        uow.conn,
        handover.id,
        kind="handed_over",
        stream_id=handover.stream,
        on=handover.handed_on,
        site_id=handover.from_site_id or None,
        count_root=(handover.count, handover.manifest_root),
        serials=serials,
    )
    return Outcome(handover.id, stored)


class ConfirmHandover(Command):
    """The receiving party confirms what arrived: the missing, damaged and extra serials."""

    ACTION: ClassVar[str] = "handover.confirm"

    handover_id: str
    confirmed_on: Day
    missing: tuple[SerialRow, ...] = ()
    damaged: tuple[SerialRow, ...] = ()
    extra: tuple[SerialRow, ...] = ()


@handles(ConfirmHandover)
def confirm_handover(uow: UnitOfWork, actor: Actor, cmd: ConfirmHandover, expected: int | None) -> Outcome:
    handover = uow.load(Handover, cmd.handover_id, field="handover")
    listed = index.manifest_serials(uow.conn, handover.id)
    events = domain.confirm(
        handover,
        party=actor.party,
        confirmed_on=cmd.confirmed_on,
        listed=set(listed),
        missing=cmd.missing,
        damaged=cmd.damaged,
        extra=cmd.extra,
        items=index.facts(uow.conn, [r.serial for r in cmd.extra]),
    )
    stored = uow.record(handover, events, expected_version=expected)
    assert handover.confirmed_on is not None
    lost = {r.serial for r in cmd.missing}
    for kind, rows in (("missing", cmd.missing), ("damaged", cmd.damaged), ("extra", cmd.extra)):
        if rows:
            index.write_manifest(
                uow.conn,
                f"{handover.id}.{kind}",
                kind=kind,
                stream_id=handover.stream,
                on=handover.confirmed_on,
                site_id=handover.to_site_id,
                count_root=(len(rows), events[0].data[f"{kind}_root"]),
                serials=[r.serial for r in rows],
            )
    apply_confirmation(uow.conn, listed, lost, [r.serial for r in cmd.extra], handover.to_site_id)
    return Outcome(handover.id, stored)


def apply_confirmation(
    conn: Connection, listed: Sequence[str], lost: set[str], extra: Sequence[str], to_site_id: str
) -> None:
    """What arrived (listed but not missing, and the extra) is at the receiving site; the
    missing are missing."""
    index.move(conn, [s for s in listed if s not in lost] + list(extra), site_id=to_site_id)
    index.mark_missing(conn, sorted(lost))

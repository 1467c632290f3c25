"""Audit findings (issue 18): opened by an auditor on a record, answered by the record's
owners, closed or reopened by the auditor; the findings report with their ages; the flags
that mark a record with a finding still open.

Who sees a finding follows the record it is about (services/access/ownership.py); a closed
finding its auditor marked public is listed for everyone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Annotated, ClassVar, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain import access
from ...domain import finding as domain
from ...domain.access import Principal
from ...domain.errors import NotFound
from ...domain.finding import Finding
from ...domain.lifecycle import FINDING
from ...ledger.canonical import parse
from ...store import schema as t
from ...store.eventstore import UnitOfWork
from ..access.ownership import Ownership
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, TODAY, BusinessDay, Day, Disclosure, Flag, parsed
from ..reads.report_models import AgingBand, FindingRecord
from .documents import Record, record_exists

Ids = Annotated[tuple[str, ...], parsed(lambda field, value: tuple(value or ()))]


def _attached(conn: Connection, kind: str, record_id: str) -> list[str]:
    d = t.documents
    query = select(d.c.id).where(d.c.record_kind == kind, d.c.record_id == record_id)
    return list(conn.execute(query).scalars())


class OpenFinding(Command):
    ACTION: ClassVar[str] = "finding.open"
    WITHHOLDS: ClassVar[str | None] = "FindingOpened"

    record: Record
    severity: str
    criteria: str
    condition: str
    due: Day
    on: BusinessDay = TODAY
    evidence: Ids = ()
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(OpenFinding)
def open_finding(uow: UnitOfWork, actor: Actor, cmd: OpenFinding, expected: int | None) -> Outcome:
    record_exists(uow.conn, cmd.record)
    finding = uow.get(Finding, cmd.id or uow.next_id(Finding, "FND"))
    events = domain.open_finding(
        finding,
        record=cmd.record,
        severity=cmd.severity,
        criteria=cmd.criteria,
        condition=cmd.condition,
        answer_due=cmd.due,
        on=cmd.on,
        evidence=cmd.evidence,
        attached=_attached(uow.conn, *cmd.record),
    )
    return Outcome(finding.id, uow.record(finding, events, withhold=cmd.disclosure))


class RespondToFinding(Command):
    ACTION: ClassVar[str] = "finding.respond"
    WITHHOLDS: ClassVar[str | None] = "FindingResponded"

    finding_id: str
    response: str
    on: BusinessDay = TODAY
    evidence: Ids = ()
    disclosure: Disclosure = DEFAULT_DISCLOSURE


def _step(uow: UnitOfWork, cmd, decide, expected: int | None) -> Outcome:
    """One step of a finding's life: load it, let the domain decide, record what the command withholds."""
    f = uow.load(Finding, cmd.finding_id, field="finding")
    return Outcome(f.id, uow.record(f, decide(f), expected_version=expected, withhold=cmd.disclosure))


@handles(RespondToFinding)
def respond(uow: UnitOfWork, actor: Actor, cmd: RespondToFinding, expected: int | None) -> Outcome:
    def decide(f: Finding) -> list:
        attached = _attached(uow.conn, f.record_kind, f.record_id)
        return domain.respond(f, response=cmd.response, on=cmd.on, evidence=cmd.evidence, attached=attached)

    return _step(uow, cmd, decide, expected)


class CloseFinding(Command):
    ACTION: ClassVar[str] = "finding.close"
    WITHHOLDS: ClassVar[str | None] = "FindingClosed"

    finding_id: str
    resolution: str
    on: BusinessDay = TODAY
    public: Flag = False
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(CloseFinding)
def close(uow: UnitOfWork, actor: Actor, cmd: CloseFinding, expected: int | None) -> Outcome:
    return _step(uow, cmd, lambda f: domain.close(f, resolution=cmd.resolution, on=cmd.on, public=cmd.public), expected)


class ReopenFinding(Command):
    ACTION: ClassVar[str] = "finding.reopen"
    WITHHOLDS: ClassVar[str | None] = "FindingReopened"

    finding_id: str
    reason: str
    due: Day
    on: BusinessDay = TODAY
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(ReopenFinding)
def reopen(uow: UnitOfWork, actor: Actor, cmd: ReopenFinding, expected: int | None) -> Outcome:
    return _step(uow, cmd, lambda f: domain.reopen(f, reason=cmd.reason, answer_due=cmd.due, on=cmd.on), expected)


# --- reading -----------------------------------------------------------------------------------


def _row(row, on: date) -> FindingRecord:
    end = row.closed_on or on
    return {
        "id": row.id,
        "record": f"{row.record_kind}:{row.record_id}",
        "state": row.state,
        "severity": row.severity,
        "criteria": row.criteria,
        "condition": row.condition,
        "answer_due": row.answer_due.isoformat(),
        "opened_on": row.opened_on.isoformat(),
        "response": row.response or None,
        "responded_on": row.responded_on.isoformat() if row.responded_on else None,
        "resolution": row.resolution or None,
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "public": row.public,
        "evidence": parse(row.evidence),
        "age_days": (end - row.opened_on).days,
        "overdue": row.state == "open" and row.answer_due < on,
        "version": row.version,
    }


def finding(conn: Connection, finding_id: str, *, on: date) -> FindingRecord:
    row = conn.execute(select(t.findings).where(t.findings.c.id == finding_id)).one_or_none()
    if row is None:
        raise NotFound("finding", finding_id)
    return _row(row, on)


def visible(principal: Principal, own: Ownership, rows: Iterable) -> list:
    """The findings rows ``principal`` may see: those whose record it may read, and the
    closed ones their auditor made public."""
    rows = list(rows)
    out = []
    for row in rows:
        parties = own.of(row.record_kind, row.record_id)
        if (row.state == "closed" and row.public) or (
            parties is not None and access.can_read(principal, "finding", replace(parties, about=row.record_kind))
        ):
            out.append(row)
    return out


def findings(
    conn: Connection, principal: Principal, *, on: date, open_only: bool = False, record: tuple[str, str] | None = None
) -> list[FindingRecord]:
    f = t.findings
    query = select(f).order_by(f.c.opened_on, f.c.id)
    if open_only:
        query = query.where(f.c.state.in_(FINDING.group("open")))
    if record is not None:
        query = query.where(f.c.record_kind == record[0], f.c.record_id == record[1])
    return [_row(r, on) for r in visible(principal, Ownership(conn), conn.execute(query))]


#: the age bands of ``report findings --aging`` (days open), after the DoD IG's aging of
#: open recommendations
AGING = ((0, 30, "0-30"), (31, 90, "31-90"), (91, 365, "91-365"), (366, None, "over 365"))


def aging(rows: list[FindingRecord]) -> list[AgingBand]:
    """Open findings counted by age band and severity."""
    bands = []
    for low, high, label in AGING:
        inside = [
            r
            for r in rows
            if r["state"] != "closed" and r["age_days"] >= low and (high is None or r["age_days"] <= high)
        ]
        by = Counter(r["severity"] for r in inside)
        bands.append(
            cast(AgingBand, {"age": label, "open": len(inside), **{s: by.get(s, 0) for s in domain.SEVERITIES}})
        )
    return bands


def open_on(conn: Connection, kind: str, record_ids: Iterable[str] | None = None) -> dict[str, int]:
    """How many findings are still open on each record of ``kind`` (the flag on its page)."""
    f = t.findings
    query = select(f.c.record_id).where(f.c.record_kind == kind, f.c.state.in_(FINDING.group("open")))
    if record_ids is not None:
        query = query.where(f.c.record_id.in_(list(record_ids)))
    return dict(Counter(conn.execute(query).scalars()))


def chain(conn: Connection, package_id: str) -> dict[str, list[str]]:
    """The records of a package's chain by kind: itself, its contracts, their orders (and the
    orders' lots) and shipments."""
    c, o, s, lot = t.contracts, t.production_orders, t.shipments, t.lots
    contract_ids = list(conn.execute(select(c.c.id).where(c.c.package_id == package_id).order_by(c.c.id)).scalars())
    order_ids = list(conn.execute(select(o.c.id).where(o.c.contract_id.in_(contract_ids)).order_by(o.c.id)).scalars())
    return {
        "package": [package_id],
        "contract": contract_ids,
        "order": order_ids,
        "lot": list(
            conn.execute(select(lot.c.lot_id).where(lot.c.order_id.in_(order_ids)).order_by(lot.c.lot_id)).scalars()
        ),
        "shipment": list(
            conn.execute(select(s.c.id).where(s.c.contract_id.in_(contract_ids)).order_by(s.c.id)).scalars()
        ),
    }


def flags(conn: Connection, package_id: str) -> list[dict]:
    """The records of a package's chain with findings still open: how the trace and the
    package's page flag them."""
    out = []
    for kind, ids in chain(conn, package_id).items():
        for record_id, count in sorted(open_on(conn, kind, ids).items()):
            out.append({"record": f"{kind}:{record_id}", "open": count})
    return out


def steps(conn: Connection, finding_id: str) -> list[dict]:
    """A finding's life, step by step: each event, its day and who took it (their texts are
    read from the finding as the viewer may see them, never from the events)."""
    e = t.events
    query = select(e.c.seq, e.c.type, e.c.actor, e.c.payload).where(e.c.stream_id == f"finding:{finding_id}")
    out = []
    for row in conn.execute(query.order_by(e.c.seq)):
        step = row.type.removeprefix("Finding").lower()
        day = parse(row.payload).get(f"{step}_on")
        out.append({"seq": row.seq, "step": step, "on": day, "actor": row.actor})
    return out

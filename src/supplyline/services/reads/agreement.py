"""A package's checklist and steps (issue 17, item 2), and each mechanism's approval steps,
read from the projections with the domain's own rule (``domain.agreement.checklist``)."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.agreement import Agreement, Step, checklist
from ...ledger.canonical import parse
from ...store import schema as t
from ..facts import funders_of_package
from .governance_models import ApprovalSteps
from .queries import row_json
from .read_models import CheckItemRecord, PackageStepRecord


def required_steps(conn: Connection, mechanism: str) -> list[str]:
    r = t.approval_steps
    found = conn.execute(select(r.c.steps).where(r.c.mechanism == mechanism)).scalar_one_or_none()
    return list(parse(found)) if found else []


def approval_steps(conn: Connection) -> list[ApprovalSteps]:
    r = t.approval_steps
    rows = [row_json(dict(row)) for row in conn.execute(select(r).order_by(r.c.mechanism)).mappings()]
    return [cast(ApprovalSteps, {**row, "steps": parse(row["steps"])}) for row in rows]


def package_steps(conn: Connection, package_id: str) -> list[PackageStepRecord]:
    s = t.package_steps
    query = select(s).where(s.c.package_id == package_id).order_by(s.c.position)
    return [cast(PackageStepRecord, row_json(dict(row))) for row in conn.execute(query).mappings()]


def package_checklist(
    conn: Connection, package_id: str, mechanism: str, steps: list[PackageStepRecord]
) -> list[CheckItemRecord]:
    history = Agreement(
        [Step(s["step"], s["party"], s["verdict"], s["reason"], date.fromisoformat(s["done_on"])) for s in steps]
    )
    items = checklist(required_steps(conn, mechanism), history.current(), funders_of_package(conn, package_id))
    return [
        CheckItemRecord(step=i.step, party=i.party, verdict=i.verdict, done_on=i.on.isoformat() if i.on else None)
        for i in items
    ]

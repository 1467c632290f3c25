"""The prioritised list's monthly versions (issue 17, item 1): each version with its lines and
approvals, the one in force for each recipient (the latest approved: the one allocation
uses), and the difference between two versions."""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.errors import NotFound
from ...domain.events import ListedLine
from ...domain.list_version import diff
from ...store import schema as t
from .governance_models import ListDiff, ListedLineRow, ListVersion, ListVersionDetail, ListVersionSummary
from .queries import row_json


def list_versions(conn: Connection, *, recipient: str | None = None) -> list[ListVersion]:
    v, a = t.list_versions, t.list_version_approvals
    query = select(v).order_by(v.c.recipient, v.c.month)
    if recipient is not None:
        query = query.where(v.c.recipient == recipient)
    rows = [row_json(dict(r)) for r in conn.execute(query).mappings()]
    approvals: dict[str, list[dict]] = {}
    for found in conn.execute(select(a).order_by(a.c.approved_on, a.c.party)).mappings():
        approval = {"party": found["party"], "approved_on": str(found["approved_on"])}
        approvals.setdefault(found["version_id"], []).append(approval)
    for row in rows:
        row["approvals"] = approvals.get(row["id"], [])
    return cast(list[ListVersion], rows)


def list_version(conn: Connection, version_id: str) -> ListVersionDetail:
    found = [row for row in list_versions(conn) if row["id"] == version_id]
    if not found:
        raise NotFound("list version", version_id)
    version = cast(ListVersionDetail, found[0])
    r, line = t.requirements, t.list_version_lines
    query = (
        select(line.c.requirement_id, line.c.priority, line.c.rank, r.c.item, r.c.quantity)
        .join(r, r.c.id == line.c.requirement_id)
        .where(line.c.version_id == version_id)
        .order_by(line.c.priority, line.c.rank, line.c.requirement_id)
    )
    version["lines"] = [cast(ListedLineRow, row_json(dict(row))) for row in conn.execute(query).mappings()]
    return version


def in_force(conn: Connection) -> dict[str, str]:
    """Each recipient's list version in force: its latest approved one."""
    v = t.list_versions
    rows = conn.execute(select(v.c.recipient, v.c.id).where(v.c.state == "approved").order_by(v.c.month))
    return {str(recipient): str(version_id) for recipient, version_id in rows}


def ranked_lines(conn: Connection, version_id: str) -> list[ListedLine]:
    line = t.list_version_lines
    rows = conn.execute(
        select(line.c.requirement_id, line.c.priority, line.c.rank).where(line.c.version_id == version_id)
    )
    return [ListedLine(rid, int(priority), int(rank)) for rid, priority, rank in rows]


def list_diff(conn: Connection, older: str, newer: str) -> ListDiff:
    """``report list-diff``: what changed from version ``older`` to ``newer`` of a list."""
    first, second = list_version(conn, older), list_version(conn, newer)
    items = {line["requirement_id"]: line["item"] for line in first["lines"] + second["lines"]}
    changes = diff(ranked_lines(conn, older), ranked_lines(conn, newer))
    for kind in ("added", "removed"):
        for entry in changes[kind]:
            entry["item"] = items[entry["requirement_id"]]
    for entry in changes["reranked"]:
        entry["item"] = items[entry["requirement_id"]]
    return cast(ListDiff, {"from": _summary(first), "to": _summary(second), **changes})


def _summary(version: ListVersion) -> ListVersionSummary:
    return ListVersionSummary(
        id=version["id"],
        recipient=version["recipient"],
        month=version["month"],
        state=version["state"],
        approved_on=version["approved_on"],
    )

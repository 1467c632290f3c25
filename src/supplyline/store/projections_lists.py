"""Projections of the prioritised list's monthly versions (issue 17, item 1)."""

from __future__ import annotations

from sqlalchemy import Table

from ..domain.list_version import ListVersion
from ..ledger.canonical import canonical
from . import schema as t
from .table_rows import same_named


def list_version_rows(v: ListVersion) -> dict[Table, list[dict]]:
    return {
        t.list_versions: [
            {
                **same_named(v, "id", "recipient", "month", "state", "proposed_on", "approved_on", "version"),
                "approvers": canonical(list(v.approvers)),
            }
        ],
        t.list_version_lines: [
            {"version_id": v.id, "requirement_id": line.requirement_id, "priority": line.priority, "rank": line.rank}
            for line in v.lines
        ],
        t.list_version_approvals: [
            {"version_id": v.id, "party": party, "approved_on": on} for party, on in v.approvals.items()
        ],
    }


#: entity kind and its rows, for ``projections.PROJECTIONS``
ROWS = ((ListVersion, list_version_rows),)
TABLES: tuple[Table, ...] = (t.list_versions, t.list_version_lines, t.list_version_approvals)

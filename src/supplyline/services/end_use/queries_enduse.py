"""Reads of end-use monitoring's small records, as JSON-ready dicts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...store import schema as t


def list_sites(conn: Connection) -> list[dict]:
    s = t.sites
    return [dict(row._mapping) for row in conn.execute(select(s).order_by(s.c.id))]

"""Reads of end-use monitoring's small records, as JSON-ready dicts."""

from __future__ import annotations

from typing import cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...store import schema as t
from ..reads.report_models import SiteRecord


def list_sites(conn: Connection) -> list[SiteRecord]:
    s = t.sites
    return [cast(SiteRecord, dict(row._mapping)) for row in conn.execute(select(s).order_by(s.c.id))]

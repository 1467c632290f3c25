"""A page of a list endpoint, read by the database: the access policy as the query's WHERE
clause (``services/access/visible.py``), keyset pagination after the cursor's key
(``services/reads/paging.py``), and the disclosure levels applied to the page's rows only.

The cursor is the sort key of the last item returned, as ``cursors.py`` encodes it. When a
row the caller may read has a sort key withheld from it (a shipment's day, say), its place
in the order would tell what is withheld: such a list is ordered, as before, by what the
caller sees (withheld values first), in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..services.access import views, visible
from ..services.access.ownership import Ownership
from ..services.reads.paging import Page
from .cursors import decode_cursor, encode_cursor, paginate

Fetch = Callable[[Connection, Page], list[dict]]


def page(gate, kind: str, fetch: Fetch, *, key: tuple[str, ...], cursor: str | None, limit: int) -> dict:
    """The caller's page of ``kind``: ``fetch`` reads the rows ``Page`` admits, in the order of
    the row fields ``key`` (the table's columns of those names)."""
    action = gate.action
    with gate.store.read() as conn:
        principal = gate.principal(conn, action)
        where = visible.readable(principal, kind)
        viewer = views.Viewer(principal, Ownership(conn))
        if _sort_withheld(conn, viewer, kind, key, where):
            rows = [views.present(viewer, kind, r) for r in fetch(conn, Page(None, None, where))]
            return paginate(rows, lambda r: tuple(r[name] for name in key), cursor, limit)
        after = decode_cursor(cursor) if cursor else None
        rows = fetch(conn, Page(limit, after, where))
        shown = rows[:limit]
        viewer.relations(kind, [row["id"] for row in shown])
        items = [views.present(viewer, kind, row) for row in shown]
    more = len(rows) > limit
    return {"items": items, "next_cursor": encode_cursor(tuple(shown[-1][name] for name in key)) if more else None}


def _sort_withheld(conn: Connection, viewer: views.Viewer, kind: str, key: tuple[str, ...], where) -> bool:
    """Whether some record the caller may read has a sort key withheld from it."""
    table = visible.KINDS[kind][0].table
    ids = viewer.withheld_ids(table.name, key)
    if not ids:
        return False
    id_column = table.c.id
    query = select(id_column).where(id_column.in_(sorted(ids))).limit(1)
    return conn.execute(query if where is None else query.where(where)).first() is not None

"""The serial index: manifests and each serial's current state, written in bulk.

Called by the end-use services inside the write transaction that appends the events
naming each manifest's root, so index and log commit or roll back together. Statements go
in chunks: a shipment of 100,000 serials is a few hundred statements, not 100,000.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

from sqlalchemy import ColumnElement, String, Table, any_, bindparam, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from ..domain.enduse import ItemFacts
from . import schema as t

_CHUNK = 500


def _among(
    conn: Connection, serials: Sequence[str], column: ColumnElement[str] = t.end_use_items.c.serial
) -> Iterator[ColumnElement[bool]]:
    """Conditions "the item's serial is one of ``serials``": one array parameter on PostgreSQL
    (one statement whatever the count), chunks of an IN list on SQLite (its bound-parameter
    limit)."""
    if conn.dialect.name == "postgresql":
        yield column == any_(literal(list(serials), type_=ARRAY(String)))
        return
    for i in range(0, len(serials), _CHUNK):
        yield column.in_(serials[i : i + _CHUNK])


def write_manifest(
    conn: Connection,
    manifest_id: str,
    *,
    kind: str,
    stream_id: str,
    on: date,
    site_id: str | None,
    count_root: tuple[int, str],
    serials: Sequence[str],
) -> None:
    count, root = count_root
    conn.execute(
        insert(t.serial_manifests),
        [
            {
                "id": manifest_id,
                "kind": kind,
                "stream_id": stream_id,
                "on": on,
                "site_id": site_id,
                "count": count,
                "root": root,
            }
        ],
    )
    rows = [{"manifest_id": manifest_id, "position": i, "serial": s} for i, s in enumerate(serials)]
    bulk_insert(conn, t.manifest_serials, rows)


def already_shipped(conn: Connection, serials: Sequence[str]) -> set[str]:
    """Those of ``serials`` the index already holds as items (a serial is shipped once, ever)."""
    found: set[str] = set()
    i = t.end_use_items
    for among in _among(conn, serials):
        found.update(conn.execute(select(i.c.serial).where(among)).scalars())
    return found


def already_known(conn: Connection, serials: Sequence[str]) -> set[str]:
    """Those of ``serials`` already in the ledger: shipped, or listed for a produced lot."""
    found = already_shipped(conn, serials)
    m, s = t.serial_manifests, t.manifest_serials
    if conn.execute(select(m.c.id).where(m.c.kind == "lot").limit(1)).first() is None:
        return found  # no lot lists serials (PURL only): one lookup per serial, not two
    for among in _among(conn, serials, s.c.serial):
        found.update(
            conn.execute(
                select(s.c.serial).join(m, m.c.id == s.c.manifest_id).where(among, m.c.kind == "lot")
            ).scalars()
        )
    return found


def add_items(conn: Connection, rows: list[dict]) -> None:
    bulk_insert(conn, t.end_use_items, rows)


def bulk_insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Many rows in the write transaction: PostgreSQL's COPY (a row per pipelined INSERT costs
    ten times as much there), SQLite's executemany in chunks."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # psycopg, in this transaction
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    for start in range(0, len(rows), 5000):
        conn.execute(insert(table), rows[start : start + 5000])


def facts(conn: Connection, serials: Sequence[str]) -> dict[str, ItemFacts]:
    i, m = t.end_use_items, t.serial_manifests
    cols = (
        i.c.serial,
        i.c.state,
        i.c.package_id,
        i.c.recipient,
        i.c.seller,
        i.c.received_on,
        i.c.disposed_on,
        i.c.site_id,
        m.c.on,  # the day its shipment left
    )
    out: dict[str, ItemFacts] = {}
    for among in _among(conn, serials):
        for row in conn.execute(select(*cols).join(m, m.c.id == i.c.manifest_id).where(among)):
            out[row.serial] = ItemFacts(*row)
    return out


def mark_received(
    conn: Connection, shipment_id: str, line_no: int, *, on: date, site_id: str | None, missing: Iterable[str]
) -> None:
    i = t.end_use_items
    where = (i.c.shipment_id == shipment_id, i.c.contract_line_no == line_no)
    conn.execute(update(i).where(*where).values(state="held", received_on=on, site_id=site_id))
    _set(conn, list(missing), state="missing")


def mark_sighted(conn: Connection, serials: Sequence[str], *, on: date, site_id: str, inventory: bool) -> None:
    """Sighted at ``site_id``: held there; an inventory moves the last-inventoried date on."""
    i = t.end_use_items
    _set(conn, serials, state="held", site_id=site_id)
    if inventory:
        for among in _among(conn, serials):
            conn.execute(
                update(i)
                .where(among, (i.c.inventoried_on.is_(None)) | (i.c.inventoried_on < on))
                .values(inventoried_on=on)
            )


def move(conn: Connection, serials: Sequence[str], *, site_id: str) -> None:
    """Handed over and confirmed: at the receiving site, held there (or still in transit,
    for a leg before the shipment's receipt)."""
    i = t.end_use_items
    for among in _among(conn, serials):
        conn.execute(update(i).where(among).values(site_id=site_id))
    _set(conn, serials, state="held", only=(i.c.state != "in_transit"))


def mark_missing(conn: Connection, serials: Sequence[str]) -> None:
    _set(conn, serials, state="missing")


def mark_lost(conn: Connection, serials: Sequence[str], *, on: date) -> None:
    """Lost with their shipment: those still on their way (in transit, or missing from a leg)."""
    i = t.end_use_items
    _set(conn, serials, only=i.c.state.in_(("in_transit", "missing")), state="lost", disposed_on=on)


def mark_disposed(conn: Connection, serials: Sequence[str], *, kind: str, on: date) -> None:
    _set(conn, serials, state=kind, disposed_on=on)


def _set(conn: Connection, serials: Sequence[str], only: ColumnElement[bool] | None = None, **values: object) -> None:
    i = t.end_use_items
    for among in _among(conn, serials):
        conn.execute(update(i).where(among, *([] if only is None else [only])).values(**values))


def manifest_serials(conn: Connection, manifest_id: str) -> list[str]:
    m = t.manifest_serials
    return list(conn.execute(select(m.c.serial).where(m.c.manifest_id == manifest_id).order_by(m.c.position)).scalars())


def positions(conn: Connection, serial: str) -> list[Mapping]:
    """Every manifest listing ``serial``, oldest first, with its position in it (one index lookup)."""
    m, s = t.serial_manifests, t.manifest_serials
    query = (
        select(m.c.id, m.c.kind, m.c.stream_id, m.c.on, m.c.site_id, m.c.count, m.c.root, s.c.position)
        .join(s, s.c.manifest_id == m.c.id)
        .where(s.c.serial == bindparam("serial"))
        .order_by(m.c.on, m.c.id)
    )
    return [row._mapping for row in conn.execute(query, {"serial": serial})]

"""The serial index: manifests and each serial's current state, written in bulk.

Called by the end-use services inside the write transaction that appends the events
naming each manifest's root, so index and log commit or roll back together. Statements go
in chunks: a shipment of 100,000 serials is a few hundred statements, not 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import partial
from operator import itemgetter

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
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


#: what an item's compliance status depends on, and what reports break figures down by
COHORT = (
    "package_id",
    "package_line_no",
    "category",
    "site_id",
    "value_currency",
    "received_on",
    "inventoried_on",
    "disposed_on",
)


def add_items(conn: Connection, rows: list[dict]) -> None:
    bulk_insert(conn, t.end_use_items, rows)
    counts: dict[tuple, list[int]] = {}
    cohort = itemgetter(*COHORT)
    for row in rows:
        entry = counts.setdefault(cohort(row), [0, 0])
        entry[0] += 1
        entry[1] += row["value_minor"]
    _add_cohorts(conn, counts)


def cohorts_of(conn: Connection, *where: ColumnElement[bool]) -> dict[tuple, list[int]]:
    """(cohort key) -> [items, value] of the items ``where`` selects, grouped as reports group."""
    i = t.end_use_items
    keys = [i.c[k] for k in COHORT]
    query = select(*keys, func.count(), func.sum(i.c.value_minor)).where(*where).group_by(*keys)
    return {tuple(row[:-2]): [row[-2], int(row[-1])] for row in conn.execute(query)}


def _add_cohorts(conn: Connection, counts: Mapping[tuple, Sequence[int]]) -> None:
    rows = [
        {**dict(zip(COHORT, key, strict=True)), "items": n, "value_minor": v} for key, (n, v) in counts.items() if n
    ]
    if rows:
        conn.execute(insert(t.end_use_cohorts), rows)


def _counted(conn: Connection, selections: Sequence[Sequence[ColumnElement[bool]]], change: Callable[[], None]) -> None:
    """Run ``change`` on the items ``selections`` pick, and add to the cohorts what it moved:
    the cohorts those items were in, less, and those they are in now, more."""
    before: dict[tuple, list[int]] = {}
    for where in selections:
        for key, (n, v) in cohorts_of(conn, *where).items():
            entry = before.setdefault(key, [0, 0])
            entry[0], entry[1] = entry[0] - n, entry[1] - v
    change()
    for where in selections:
        for key, (n, v) in cohorts_of(conn, *where).items():
            entry = before.setdefault(key, [0, 0])
            entry[0], entry[1] = entry[0] + n, entry[1] + v
    _add_cohorts(conn, {k: c for k, c in before.items() if c != [0, 0]})


def _by_serial(conn: Connection, serials: Sequence[str]) -> list[list[ColumnElement[bool]]]:
    return [[among] for among in _among(conn, serials)]


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
    # SQLite: the driver's executemany on plain tuples, in this transaction's connection (the
    # per-row parameter processing of SQLAlchemy's executemany was most of a 100,000-serial
    # shipment's time); dates as SQLAlchemy's Date stores them, ISO text.
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]  # sqlite3, in this transaction
    pick = itemgetter(*columns)
    dated = [k for k, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
    for start in range(0, len(rows), 5000):
        chunk = [pick(row) for row in rows[start : start + 5000]]
        if dated:
            chunk = [_iso(values, dated) for values in chunk]
        cursor.executemany(statement, chunk)
    cursor.close()


def _iso(values: tuple, dated: Sequence[int]) -> tuple:
    out = list(values)
    for k in dated:
        if out[k] is not None:
            out[k] = out[k].isoformat()
    return tuple(out)


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

    def change() -> None:
        conn.execute(update(i).where(*where).values(state="held", received_on=on, site_id=site_id))
        _set(conn, list(missing), state="missing")

    _counted(conn, [where], change)


def mark_sighted(conn: Connection, serials: Sequence[str], *, on: date, site_id: str, inventory: bool) -> None:
    """Sighted at ``site_id``: held there; an inventory moves the last-inventoried date on."""
    i = t.end_use_items

    def change() -> None:
        _set(conn, serials, state="held", site_id=site_id)
        if inventory:
            for among in _among(conn, serials):
                conn.execute(
                    update(i)
                    .where(among, (i.c.inventoried_on.is_(None)) | (i.c.inventoried_on < on))
                    .values(inventoried_on=on)
                )

    _counted(conn, _by_serial(conn, serials), change)


def move(conn: Connection, serials: Sequence[str], *, site_id: str) -> None:
    """Handed over and confirmed: at the receiving site, held there (or still in transit,
    for a leg before the shipment's receipt)."""
    i = t.end_use_items

    def change() -> None:
        for among in _among(conn, serials):
            conn.execute(update(i).where(among).values(site_id=site_id))
        _set(conn, serials, state="held", only=(i.c.state != "in_transit"))

    _counted(conn, _by_serial(conn, serials), change)


def mark_missing(conn: Connection, serials: Sequence[str]) -> None:
    _set(conn, serials, state="missing")


def mark_lost(conn: Connection, serials: Sequence[str], *, on: date) -> None:
    """Lost with their shipment: those still on their way (in transit, or missing from a leg)."""
    i = t.end_use_items
    change = partial(_set, conn, serials, only=i.c.state.in_(("in_transit", "missing")), state="lost", disposed_on=on)
    _counted(conn, _by_serial(conn, serials), change)


def mark_disposed(conn: Connection, serials: Sequence[str], *, kind: str, on: date) -> None:
    _counted(conn, _by_serial(conn, serials), partial(_set, conn, serials, state=kind, disposed_on=on))


def cohort_differences(conn: Connection) -> list[tuple[tuple, list[int], list[int]]]:
    """(cohort, what the cohort rows add up to, what the items give) wherever they differ."""
    c = t.end_use_cohorts
    keys = [c.c[k] for k in COHORT]
    query = select(*keys, func.sum(c.c["items"]), func.sum(c.c.value_minor)).group_by(*keys)
    summed = {tuple(r[:-2]): [int(r[-2]), int(r[-1])] for r in conn.execute(query)}
    summed = {k: v for k, v in summed.items() if v != [0, 0]}
    counted = cohorts_of(conn)
    return [
        (k, summed.get(k, [0, 0]), counted.get(k, [0, 0]))
        for k in sorted(summed.keys() | counted.keys(), key=repr)
        if summed.get(k, [0, 0]) != counted.get(k, [0, 0])
    ]


def recount_cohorts(conn: Connection) -> None:
    """The cohorts from the items, one row each (a rebuild's, or a compaction's)."""
    conn.execute(delete(t.end_use_cohorts))
    _add_cohorts(conn, cohorts_of(conn))


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

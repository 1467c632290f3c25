"""Open data: the ledger published as an OCDS release package.

The mapping itself is one pure function (``engines.interchange.ocds.release_package``); this
module reads the projections on one consistent snapshot, passes every row through the
public view, and adds what the projections do not keep (the last event concerning each
package, and the day a package was closed) from the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ..engines.interchange import ocds
from ..engines.interchange.ocds import OcdsRows, Publication
from ..ledger.canonical import parse
from ..store import schema as t
from ..store.eventstore import Store
from .public_view import PublicView, public_view_of

TABLES = (
    t.parties, t.requirements, t.pledges, t.allocations, t.packages, t.package_lines, t.package_decisions, t.contracts,
    t.contract_lines, t.delivery_schedule, t.shipments, t.shipment_lines,
)


def release_package(conn: Connection, publication: Publication, *, view: PublicView | None = None) -> dict:
    """The ledger as OCDS, as the public may see it (or through ``view``)."""
    view = view or public_view_of(conn)
    tables = {table.name: [view(table.name, dict(row)) for row in conn.execute(select(table)).mappings()] for table in TABLES}
    return ocds.release_package(OcdsRows(tables, process_facts(conn)), publication)


def process_facts(conn: Connection) -> dict[str, dict]:
    """Per package: the last event of any stream that concerns it, and its closing day."""
    e = t.events
    streams: dict[str, set[str]] = defaultdict(set)
    for package_id in conn.execute(select(t.packages.c.id)).scalars():
        streams[package_id].add(f"package:{package_id}")
    for contract_id, package_id in conn.execute(select(t.contracts.c.id, t.contracts.c.package_id)):
        streams[package_id].add(f"contract:{contract_id}")
    for shipment_id, package_id in conn.execute(
        select(t.shipments.c.id, t.contracts.c.package_id).select_from(
            t.shipments.join(t.contracts, t.contracts.c.id == t.shipments.c.contract_id))
    ):
        streams[package_id].add(f"shipment:{shipment_id}")
    for pledge_id, package_id in conn.execute(select(t.allocations.c.pledge_id, t.allocations.c.package_id).distinct()):
        streams[package_id].add(f"pledge:{pledge_id}")
    last = dict(conn.execute(select(e.c.stream_id, func.max(e.c.seq)).group_by(e.c.stream_id)).all())
    facts: dict[str, dict] = {}
    for package_id, ids in streams.items():
        seq = max((last[s] for s in ids if s in last), default=0)
        facts[package_id] = {"last_seq": seq}
    stamps = dict(conn.execute(select(e.c.seq, e.c.recorded_at).where(e.c.seq.in_([f["last_seq"] for f in facts.values()]))).all())
    for package_id, fact in facts.items():
        fact["last_recorded_at"] = _ocds_time(stamps.get(fact["last_seq"]))
    for stream_id, payload in conn.execute(select(e.c.stream_id, e.c.payload).where(e.c.type == "PackageClosed")):
        facts[stream_id.partition(":")[2]]["closed_on"] = date.fromisoformat(parse(payload)["on"])
    return facts


def _ocds_time(stamp: str | None) -> str | None:
    """The ledger's UTC stamp (microseconds) to the second, as OCDS examples write it."""
    return f"{stamp[:19]}Z" if stamp else None


def export_ocds(store: Store, path: Path | str, publication: Publication, *, view: PublicView | None = None) -> dict:
    """Write the release package to ``path``; returns it."""
    with store.read() as conn:
        package = release_package(conn, publication, view=view)
    Path(path).write_text(ocds.dumps(package), encoding="utf-8")
    return package

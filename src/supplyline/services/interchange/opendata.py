"""Open data: the ledger published as an OCDS release package.

The mapping itself is one pure function (``engines.interchange.ocds.release_package``); this
module reads the projections on one consistent snapshot, passes every row through the
public view, and adds what the projections do not keep (the last event concerning each
package, and the day a package was closed) from the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import String, func, literal, select
from sqlalchemy.engine import Connection

from ...domain.values import parse_date, today_utc
from ...engines.interchange import ocds
from ...engines.interchange.ocds import OcdsRows, Publication
from ...ledger.canonical import parse
from ...settings import Settings
from ...store import schema as t
from ...store.eventstore import Store
from ..access.public_view import PublicView, public_view_of
from ..end_use.enduse_report import deadlines
from ..reads import queries

TABLES = (
    t.parties,
    t.requirements,
    t.pledges,
    t.allocations,
    t.money_flows,
    t.packages,
    t.package_lines,
    t.package_decisions,
    t.package_steps,
    t.contracts,
    t.contract_lines,
    t.delivery_schedule,
    t.contract_amendments,
    t.shipments,
    t.shipment_lines,
    t.production_orders,
    t.lots,
    t.documents,
)


def release_package(conn: Connection, publication: Publication, *, view: PublicView | None = None) -> dict:
    """The ledger as OCDS, as the public may see it (or through ``view``)."""
    view = view or public_view_of(conn)
    tables = {
        table.name: [view(table.name, dict(row)) for row in conn.execute(select(table)).mappings()] for table in TABLES
    }
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
            t.shipments.join(t.contracts, t.contracts.c.id == t.shipments.c.contract_id)
        )
    ):
        streams[package_id].add(f"shipment:{shipment_id}")
    for pledge_id, package_id in conn.execute(select(t.allocations.c.pledge_id, t.allocations.c.package_id).distinct()):
        streams[package_id].add(f"pledge:{pledge_id}")
    last = dict(conn.execute(select(e.c.stream_id, func.max(e.c.seq)).group_by(e.c.stream_id)).all())
    facts: dict[str, dict] = {}
    for package_id, ids in streams.items():
        seq = max((last[s] for s in ids if s in last), default=0)
        facts[package_id] = {"last_seq": seq}
    stamps = dict(
        conn.execute(select(e.c.seq, e.c.recorded_at).where(e.c.seq.in_([f["last_seq"] for f in facts.values()]))).all()
    )
    for fact in facts.values():
        fact["last_recorded_at"] = _ocds_time(stamps.get(fact["last_seq"]))
    for stream_id, payload in conn.execute(select(e.c.stream_id, e.c.payload).where(e.c.type == "PackageClosed")):
        facts[stream_id.partition(":")[2]]["closed_on"] = date.fromisoformat(parse(payload)["on"])
    _end_use_facts(conn, facts)
    _amendment_facts(conn, streams, facts)
    return facts


def _amendment_facts(conn: Connection, streams: dict[str, set[str]], facts: dict[str, dict]) -> None:
    """Per package, per amendment in force: the release it amends (as of the last event
    concerning the package before it was proposed) and the one carrying it (as of the event
    that put it in force), and when that was."""
    e, c = t.events, t.contracts
    changed = conn.execute(
        select(e.c.seq, e.c.type, e.c.payload, e.c.recorded_at, c.c.package_id)
        .select_from(e.join(c, e.c.stream_id == literal("contract:", String) + c.c.id))
        .where(e.c.type.in_(("ContractAmendmentProposed", "ContractAmended")))
        .order_by(e.c.seq)
    ).all()
    proposed: dict[str, int] = {}
    for seq, kind, payload, recorded_at, package_id in changed:
        amendment_id = parse(payload)["amendment_id"]
        if kind == "ContractAmendmentProposed":
            proposed[amendment_id] = seq
            continue
        ids = list(streams[package_id])
        before = conn.execute(
            select(func.max(e.c.seq)).where(e.c.stream_id.in_(ids), e.c.seq < proposed[amendment_id])
        ).scalar()
        facts[package_id].setdefault("amendments", {})[amendment_id] = {
            "amendsReleaseID": f"{package_id}-{before or 0}",
            "releaseID": f"{package_id}-{seq}",
            "date": _ocds_time(recorded_at),
        }


def _end_use_facts(conn: Connection, facts: dict[str, dict]) -> None:
    """Per package, the (shipment, contract line) whose items carry serials, and the
    inventory rules: which lines OCDS names as under end-use monitoring."""
    m, s, c = t.serial_manifests, t.shipments, t.contracts
    rules = deadlines(conn)
    # a shipment line's manifest (few rows), not its items (millions)
    shipment_of = func.substr(m.c.stream_id, len("shipment:") + 1)
    monitored = conn.execute(
        select(c.c.package_id, s.c.id, m.c.id)
        .select_from(m.join(s, s.c.id == shipment_of).join(c, c.c.id == s.c.contract_id))
        .where(m.c.kind == "shipped")
    )
    for package_id, shipment_id, manifest_id in monitored:
        line_no = int(manifest_id.rpartition(".")[2])
        entry = facts.setdefault(package_id, {"last_seq": 0}).setdefault(
            "end_use", {"lines": [], "initial_days": rules.initial_days, "interval_days": rules.interval_days}
        )
        entry["lines"].append((shipment_id, line_no))


def _ocds_time(stamp: str | None) -> str | None:
    """The ledger's UTC stamp (microseconds) to the second, as OCDS examples write it."""
    return f"{stamp[:19]}Z" if stamp else None


@dataclass(frozen=True)
class OcdsRequest:
    """How to publish: each left out takes its default (see ``publication``)."""

    ocid_prefix: str | None = None
    uri: str | None = None
    publisher: str | None = None
    license: str | None = None
    publication_policy: str | None = None
    as_of: object = None


@dataclass(frozen=True)
class OcdsExport:
    publication: Publication
    package: dict
    text: str  # the package as JSON, Decimals written as the exact numbers they are

    @property
    def ocids(self) -> list[str]:
        return [r["ocid"] for r in self.package["releases"]]


def publication(conn: Connection, publisher_party: str, request: OcdsRequest, settings: Settings) -> Publication:
    """The publication details, defaulting to: the configured ocid prefix, a URI naming the
    ledger's head, the acting party's name (or the log's) as publisher, and today (UTC) as the day
    milestones are judged on."""
    names = {p["id"]: p["name"] for p in queries.list_parties(conn)}
    head = queries.ledger_summary(conn)
    return Publication(
        ocid_prefix=request.ocid_prefix or settings.ocid_prefix,
        uri=request.uri or f"urn:supplyline:ledger:{head['events']}:{head['head'][:16]}",
        # the public's download has no acting party: the ledger's log name publishes it
        publisher=request.publisher or names.get(publisher_party, publisher_party) or settings.log_name,
        published=datetime.now(UTC),
        as_of=parse_date("as_of", request.as_of) if request.as_of not in (None, "") else today_utc(),
        license=request.license,
        publication_policy=request.publication_policy,
    )


def export_ocds(
    store: Store, publisher_party: str, request: OcdsRequest, settings: Settings, *, view: PublicView | None = None
) -> OcdsExport:
    """The ledger as an OCDS release package, read on one snapshot (the CLI writes it to a
    file, the API answers with it)."""
    with store.read() as conn:
        published = publication(conn, publisher_party, request, settings)
        package = release_package(conn, published, view=view)
    return OcdsExport(published, package, ocds.dumps(package))

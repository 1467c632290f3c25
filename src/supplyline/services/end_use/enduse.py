"""End-use monitoring commands: which lines carry serials, inventory deadlines, sites,
serial manifests at dispatch and receipt, end-use checks and final dispositions (issue 16).

Each command decides on the serials' facts read from the serial index inside the write
transaction, appends its events (a manifest's count and Merkle root, never the serials) and
writes the index in the same transaction: a refusal anywhere leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Annotated, ClassVar

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from ...domain import enduse as domain
from ...domain.contract import Contract
from ...domain.enduse import RULES_ID, Disposition, EndUseCheck, EndUseRules, Site
from ...domain.entity import Event
from ...domain.errors import InvalidInput, RuleViolation
from ...domain.events import LotSerialsListed, SerialsListed, SerialsReceived
from ...domain.package import Package
from ...domain.serials import SerialRow, by_line, distinct, exactly, manifest_root, never_seen
from ...domain.shipment import Shipment
from ...domain.values import parse_int
from ...store import schema as t
from ...store import serials as index
from ...store.eventstore import UnitOfWork
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import DEFAULT_DISCLOSURE, Day, Disclosure, parsed


class RequireSerials(Command):
    """Units of a category, or of one requirement line, carry serial numbers (or no longer)."""

    ACTION: ClassVar[str] = "end_use_rules.require"

    category: str | None = None
    requirement: str | None = None
    required: bool = True


@handles(RequireSerials)
def require_serials(uow: UnitOfWork, actor: Actor, cmd: RequireSerials, expected: int | None) -> Outcome:
    rules = uow.get(EndUseRules, RULES_ID)
    events = domain.require_serials(rules, category=cmd.category, requirement_id=cmd.requirement, required=cmd.required)
    return Outcome(rules.id, uow.record(rules, events, expected_version=expected))


#: whole days, at least one and at most ten years
InventoryDays = Annotated[int, parsed(parse_int, minimum=1, maximum=domain.MAX_INVENTORY_DAYS)]


class SetInventoryRules(Command):
    ACTION: ClassVar[str] = "end_use_rules.require"

    initial_days: InventoryDays = 90
    interval_days: InventoryDays = 365


@handles(SetInventoryRules)
def set_inventory_rules(uow: UnitOfWork, actor: Actor, cmd: SetInventoryRules, expected: int | None) -> Outcome:
    rules = uow.get(EndUseRules, RULES_ID)
    events = domain.set_inventory_rules(rules, initial_days=cmd.initial_days, interval_days=cmd.interval_days)
    return Outcome(rules.id, uow.record(rules, events, expected_version=expected))


class RegisterSite(Command):
    ACTION: ClassVar[str] = "site.register"
    WITHHOLDS: ClassVar[str | None] = "SiteRegistered"

    code: str
    name: str
    party: str | None = None  # default: the acting party
    id: str | None = None
    #: code and name are confidential unless the command says otherwise (disclosure table)
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(RegisterSite)
def register_site(uow: UnitOfWork, actor: Actor, cmd: RegisterSite, expected: int | None) -> Outcome:
    party = cmd.party or actor.party
    site = uow.get(Site, cmd.id or uow.next_id(Site, "ST"))
    s = t.sites
    taken = list(uow.conn.execute(select(s.c.code).where(s.c.party == party)).scalars())
    events = domain.register_site(site, party=party, code=cmd.code, name=cmd.name, taken=taken)
    return Outcome(site.id, uow.record(site, events, withhold=cmd.disclosure))


def find_site(conn: Connection, given: str, *, field: str = "site") -> str:
    """A site by its id or its code; a code two parties use must be given by id."""
    s = t.sites
    found = list(conn.execute(select(s.c.id).where(or_(s.c.id == given, s.c.code == given))).scalars())
    if not found:
        raise InvalidInput(field, given, "is not a registered site (register it with `site register`)")
    if len(found) > 1:
        raise InvalidInput(field, given, f"names several sites ({', '.join(sorted(found))}): give the site's id")
    return found[0]


# --- serials at dispatch and receipt ----------------------------------------------------------


def _index_shipped(
    uow: UnitOfWork,
    shipment_id: str,
    contract: Contract,
    package: Package,
    events: list[Event],
    per_line: Mapping[int, Sequence[SerialRow]],
    on: date,
) -> None:
    """The serial index of a recorded dispatch: each line's manifest and its items, in transit."""
    for e in events:
        assert isinstance(e, SerialsListed)
        manifest_id = f"{shipment_id}.{e.contract_line_no}"
        serials = [r.serial for r in per_line[e.contract_line_no]]
        index.write_manifest(
            uow.conn,
            manifest_id,
            kind="shipped",
            stream_id=f"shipment:{shipment_id}",
            on=on,
            site_id=None,
            count_root=(e.count, e.manifest_root),
            serials=serials,
        )
        add_shipped_items(uow.conn, shipment_id, e.contract_line_no, contract, package, serials)


def add_shipped_items(
    conn: Connection, shipment_id: str, line_no: int, contract: Contract, package: Package, serials: Sequence[str]
) -> None:
    """The items of a shipment line's manifest, in transit: what the reports group them by."""
    line = contract.line(line_no)
    pline = package.line(line.package_line_no)
    base = {
        "manifest_id": f"{shipment_id}.{line_no}",
        "shipment_id": shipment_id,
        "contract_line_no": line_no,
        "package_id": package.id,
        "package_line_no": pline.line_no,
        "requirement_id": pline.requirement_id,
        "category": pline.category,
        # as signed: an amendment later (issue 15 item 4) does not re-weigh items already sent,
        # and a rebuild, which sees the contract's last terms, finds the same value
        "value_minor": line.original_unit_price.minor,
        "value_currency": line.original_unit_price.currency,
        "recipient": package.recipient,
        "seller": package.seller,
        "state": "in_transit",
        "received_on": None,
        "site_id": None,
        "inventoried_on": None,
        "disposed_on": None,
    }
    index.add_items(conn, [{**base, "serial": s} for s in serials])


def _index_received(
    uow: UnitOfWork,
    shipment: Shipment,
    site_id: str,
    events: list[Event],
    lost: Mapping[int, Sequence[SerialRow]],
    broken: Mapping[int, Sequence[SerialRow]],
    on: date,
) -> None:
    """The serial index of a recorded receipt: the missing and damaged manifests, the items received."""
    for e in events:
        assert isinstance(e, SerialsReceived)
        n = e.contract_line_no
        for kind, rows, root in (("missing", lost[n], e.missing_root), ("damaged", broken[n], e.damaged_root)):
            if rows:
                index.write_manifest(
                    uow.conn,
                    f"{shipment.id}.{n}.{kind}",
                    kind=kind,
                    stream_id=shipment.stream,
                    on=on,
                    site_id=site_id or None,
                    count_root=(len(rows), root),
                    serials=[r.serial for r in rows],
                )
        index.mark_received(
            uow.conn, shipment.id, n, on=on, site_id=site_id or None, missing=[r.serial for r in lost[n]]
        )


def list_lot_serials(
    uow: UnitOfWork, stream_id: str, lot_id: str, quantity: int, rows: Sequence[SerialRow]
) -> tuple[list[Event], Callable[[date], None]]:
    """A Drone Deal lot's serials as produced (none given: its shipments give them): exactly
    one new, distinct serial per unit; its shipments take them on."""
    if not rows:
        return [], lambda _on: None
    distinct(rows)
    exactly(rows, quantity, f"lot {lot_id}", verb="has")
    serials = [r.serial for r in rows]
    never_seen(rows, index.already_known(uow.conn, serials))
    root = manifest_root(serials)

    def write(on: date) -> None:
        index.write_manifest(
            uow.conn,
            lot_id,
            kind="lot",
            stream_id=stream_id,
            on=on,
            site_id=None,
            count_root=(quantity, root),
            serials=serials,
        )

    return [LotSerialsListed(lot_id=lot_id, count=quantity, manifest_root=root)], write


def _from_lots(uow: UnitOfWork, lots: Sequence[tuple[str, int]], line_no: int) -> list[SerialRow]:
    """The serials a line ships from its lots: of each lot whose serials were given, the first
    of them (in the lot's order) not shipped yet, as many as the units taken from it."""
    out: list[SerialRow] = []
    for lot_id, quantity in lots:
        listed = index.manifest_serials(uow.conn, lot_id)
        if not listed:
            continue  # a lot produced without serials: the shipment's file gives them
        gone = index.already_shipped(uow.conn, listed)
        left = [s for s in listed if s not in gone]
        if len(left) < quantity:
            raise RuleViolation(
                f"lot {lot_id} has {len(left)} serial numbers not yet shipped, fewer than the {quantity} units "
                "shipped from it",
                field="lots",
                value=lot_id,
            )
        out += [SerialRow(listed.index(s) + 1, s, line_no) for s in left[:quantity]]
    return out


def list_serials(
    uow: UnitOfWork,
    shipment_id: str,
    contract: Contract,
    package: Package,
    shipped: Mapping[int, int],
    rows: Sequence[SerialRow],
    lots: Mapping[int, Sequence[tuple[str, int]]] | None = None,
) -> tuple[list[Event], Callable[[date], None]]:
    """The manifest events of a dispatch, and the index writes to run once they are recorded.

    ``shipped``: units per contract line; ``lots``: the (lot, units) each line ships from. A
    line whose requirement or category requires serials must list exactly as many distinct
    serials as units, none seen before: its lots' serials (where they were given when
    produced), then the file's."""
    rules = uow.get(EndUseRules, RULES_ID)
    serialised = [
        n
        for n in sorted(shipped)
        if rules.requires_serials(
            package.line(contract.line(n).package_line_no).category,
            package.line(contract.line(n).package_line_no).requirement_id,
        )
    ]
    if not serialised:
        if rows:
            raise RuleViolation("no line of this shipment carries serial numbers", field="serials", value=len(rows))
        return [], lambda _on: None
    from_lots = {n: _from_lots(uow, (lots or {}).get(n, ()), n) for n in serialised}
    wanting = [n for n in serialised if len(from_lots[n]) < shipped[n]]
    if not rows and wanting:
        raise RuleViolation(
            f"contract line {wanting[0]} requires serial numbers: give them with --serials (one per unit)",
            field="serials",
            value=0,
        )
    distinct(rows)
    never_seen(rows, index.already_known(uow.conn, [r.serial for r in rows]))
    given = by_line(rows, wanting) if rows else {}
    per_line = {n: [*from_lots[n], *given.get(n, [])] for n in serialised}
    events: list[Event] = []
    for n in serialised:
        exactly(per_line[n], shipped[n], f"contract line {n}")
        events.append(
            SerialsListed(
                contract_line_no=n, count=shipped[n], manifest_root=manifest_root([r.serial for r in per_line[n]])
            )
        )

    def write(on: date) -> None:
        _index_shipped(uow, shipment_id, contract, package, events, per_line, on)

    return events, write


def account_receipt(
    uow: UnitOfWork,
    shipment: Shipment,
    *,
    received: Mapping[int, int],
    missing: Sequence[SerialRow],
    damaged: Sequence[SerialRow],
    site: str | None,
    recipient: str,
) -> tuple[list[Event], Callable[[date], None]]:
    """Per serialised line, which serials arrived: those not named missing. The missing
    serials must number exactly the units that did not arrive, and belong to the line."""
    serialised = sorted(n for n, line in shipment.lines.items() if line.serials)
    if not serialised:
        if missing or damaged or site:
            raise RuleViolation("this shipment carries no serial numbers", field="serials", value=shipment.id)
        return [], lambda _on: None
    site_id = find_site(uow.conn, site) if site else ""
    if site_id and uow.get(Site, site_id).party != recipient:
        raise RuleViolation(f"site {site} is not one of {recipient}'s sites", field="site", value=site)
    distinct([*missing, *damaged])
    lost, broken = by_line(missing, serialised), by_line(damaged, serialised)
    events: list[Event] = []
    for n in serialised:
        shipped_serials = set(index.manifest_serials(uow.conn, f"{shipment.id}.{n}"))
        for r in (*lost[n], *broken[n]):
            if r.serial not in shipped_serials:
                raise RuleViolation(
                    f"row {r.row}: serial {r.serial} was not shipped on line {n} of shipment {shipment.id}",
                    field=f"row {r.row}",
                    value=r.serial,
                )
        short = shipment.lines[n].quantity - received[n]
        if len(lost[n]) != short:
            raise RuleViolation(
                f"contract line {n}: {short} units did not arrive, but {len(lost[n])} serials are named missing",
                field="missing",
                value=len(lost[n]),
            )
        events.append(
            SerialsReceived(
                contract_line_no=n,
                received=received[n],
                missing=len(lost[n]),
                damaged=len(broken[n]),
                missing_root=manifest_root([r.serial for r in lost[n]]),
                damaged_root=manifest_root([r.serial for r in broken[n]]),
                site_id=site_id,
            )
        )

    def write(on: date) -> None:
        _index_received(uow, shipment, site_id, events, lost, broken, on)

    return events, write


def index_lost(conn: Connection, shipment: Shipment) -> None:
    """The serials of a lost shipment: each serialised line's are lost with it, as of the day
    it was reported (a manifest per line, the same serials and root as its dispatch's). Those
    already received elsewhere cannot be: a shipment is lost only while on its way."""
    assert shipment.lost_on is not None
    for n, line in sorted(shipment.lines.items()):
        if not line.serials:
            continue
        serials = index.manifest_serials(conn, f"{shipment.id}.{n}")
        index.write_manifest(
            conn,
            f"{shipment.id}.{n}.lost",
            kind="lost",
            stream_id=shipment.stream,
            on=shipment.lost_on,
            site_id=None,
            count_root=(line.serials, line.manifest_root),
            serials=serials,
        )
        index.mark_lost(conn, serials, on=shipment.lost_on)


# --- checks and dispositions ------------------------------------------------------------------


class RecordCheck(Command):
    """An end-use check: the serials sighted, at which site, on what date, by the actor."""

    ACTION: ClassVar[str] = "check.record"

    kind: str
    checked_on: Day
    site: str  # the site's code or id
    serials: tuple[SerialRow, ...]
    id: str | None = None


@handles(RecordCheck)
def record_check(uow: UnitOfWork, actor: Actor, cmd: RecordCheck, expected: int | None) -> Outcome:
    check = uow.get(EndUseCheck, cmd.id or uow.next_id(EndUseCheck, "EUC"))
    site = uow.get(Site, find_site(uow.conn, cmd.site))
    serials = [r.serial for r in cmd.serials]
    events = domain.record_check(
        check,
        kind=cmd.kind,
        checked_on=cmd.checked_on,
        inspector=actor.party,
        site=site,
        rows=cmd.serials,
        items=index.facts(uow.conn, serials),
    )
    stored = uow.record(check, events)
    assert check.checked_on is not None
    index.write_manifest(
        uow.conn,
        check.id,
        kind=check.kind,
        stream_id=check.stream,
        on=check.checked_on,
        site_id=site.id,
        count_root=(check.sighted, check.manifest_root),
        serials=serials,
    )
    index.mark_sighted(
        uow.conn, serials, on=check.checked_on, site_id=site.id, inventory=check.kind in domain.INVENTORIES
    )
    return Outcome(check.id, stored)


class RecordDisposition(Command):
    """The final disposition of serials, with its evidence's SHA-256 (and, for a transfer,
    the authorisation reference)."""

    ACTION: ClassVar[str] = "disposition.record"
    WITHHOLDS: ClassVar[str | None] = "DispositionRecorded"

    kind: str
    disposed_on: Day
    serials: tuple[SerialRow, ...]
    evidence_sha256: str
    authorisation: str = ""
    note: str = ""
    id: str | None = None
    disclosure: Disclosure = DEFAULT_DISCLOSURE


@handles(RecordDisposition)
def record_disposition(uow: UnitOfWork, actor: Actor, cmd: RecordDisposition, expected: int | None) -> Outcome:
    disposition = uow.get(Disposition, cmd.id or uow.next_id(Disposition, "DSP"))
    serials = [r.serial for r in cmd.serials]
    events = domain.record_disposition(
        disposition,
        kind=cmd.kind,
        disposed_on=cmd.disposed_on,
        party=actor.party,
        evidence_sha256=cmd.evidence_sha256,
        authorisation=cmd.authorisation,
        note=cmd.note,
        rows=cmd.serials,
        items=index.facts(uow.conn, serials),
    )
    stored = uow.record(disposition, events, withhold=cmd.disclosure)
    assert disposition.disposed_on is not None
    index.write_manifest(
        uow.conn,
        disposition.id,
        kind=disposition.kind,
        stream_id=disposition.stream,
        on=disposition.disposed_on,
        site_id=None,
        count_root=(disposition.count, disposition.manifest_root),
        serials=serials,
    )
    index.mark_disposed(uow.conn, serials, kind=disposition.kind, on=disposition.disposed_on)
    return Outcome(disposition.id, stored)

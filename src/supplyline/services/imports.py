"""Imports of users' files: pledges and requirements from spreadsheets, FX rates from the ECB.

An import is one unit of work: every row is parsed and decided by the same code as the
single command (``announce_pledge_in``, ``draft_requirement_in``, ``record_rate_days_in``),
and unless every row is valid the transaction is rolled back and nothing is written; all
problems are reported at once. With ``skip_invalid`` the valid rows are written and the
invalid ones go to a reject file in the file's own format, to be fixed and imported again.

Importing the same file twice writes nothing the second time. A row is matched with what
the ledger holds by its **natural key**: its ``id`` when the file has an id column, else

- pledge: funder, date, amount, currency and mechanism;
- requirement: recipient, list month, item, category, quantity, unit price and currency.

A row that matches a recorded entity exactly is counted as unchanged; one that matches but
differs in another field is refused (the ledger never changes a record in place). Two rows
of one file with the same natural key and no id are refused as a repeat: give them ids to
import both. Each import's events carry the file's name and SHA-256 in their meta.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from ..domain.entity import Entity, Event
from ..domain.errors import Refused, RuleViolation
from ..domain.money import Money
from ..domain.pledge import Pledge
from ..domain.requirement import Requirement
from ..engines.interchange.ecb import read_ecb
from ..engines.interchange.spreadsheet import (
    Field,
    FileRefused,
    Mapping,
    Problem,
    Reading,
    TypedRow,
    load_mapping,
    read_rows,
    read_sheet,
    write_rejects,
)
from ..store import schema as t
from ..store.eventstore import Store, UnitOfWork
from .context import Actor, Outcome
from .funding import AnnouncePledge, announce_pledge_in, announcement
from .parties import RecordRates, record_rate_days_in
from .requirements import DraftRequirement, draft_requirement_in, drafting

_PROBE_ID = "IMPORT-ROW"

PLEDGE_FIELDS = [
    Field("id"),
    Field("funder", required=True),
    Field("amount", "money", required=True, currency_field="currency"),
    Field("currency", "code", required=True),
    Field("pledged_on", "date", required=True),
    Field("mechanism", "code", required=True),
    Field("categories", "list"),
    Field("origins", "list"),
    Field("valid_from", "date"),
    Field("valid_until", "date"),
    Field("note"),
]

REQUIREMENT_FIELDS = [
    Field("id"),
    Field("recipient", required=True),
    Field("list_month", "month", required=True),
    Field("priority", "int", required=True),
    Field("rank", "int", required=True),
    Field("item", required=True),
    Field("category", "code", required=True),
    Field("quantity", "int", required=True),
    Field("unit", required=True),
    Field("unit_price", "money", required=True, currency_field="currency"),
    Field("currency", "code", required=True),
    Field("origin", "code"),
    Field("min_lot", "int"),
    Field("whole_only", "bool"),
    Field("needed_by", "date"),
    Field("note"),
]


@dataclass
class ImportResult:
    source: str
    sheet: str | None
    rows: int
    recorded: list[str] = field(default_factory=list)  # ids newly recorded
    unchanged: list[str] = field(default_factory=list)  # ids the ledger already held exactly so
    rejected: list[Problem] = field(default_factory=list)
    reject_file: str | None = None
    events: int = 0

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "rows": self.rows,
            "recorded": self.recorded,
            "unchanged": self.unchanged,
            "rejected": [p.to_json() for p in self.rejected],
            "reject_file": self.reject_file,
            "events": self.events,
        }


@dataclass(frozen=True)
class RowKind:
    """What one kind of row becomes, and how it is recognised in the ledger."""

    label: str
    fields: list[Field]
    entity: type[Entity]
    command: Callable[[dict[str, Any], dict[str, Any]], Any]  # (row values, options) -> service command
    decide: Callable[[Any, Any], list[Event]]  # decided, not recorded: for keys and comparison
    record_in: Callable[[UnitOfWork, Any], Outcome]
    terms: Callable[[Any], dict[str, Any]]  # a recorded entity, in the shape of its first event
    natural_key: Callable[[dict[str, Any]], tuple]  # from the first event's data
    recorded_keys: Callable[[Connection], dict[tuple, str]]  # natural key -> id, from the projections
    key_fields: str


# --- pledges -----------------------------------------------------------------------------------


def _pledge_command(v: dict[str, Any], options: dict[str, Any]) -> AnnouncePledge:
    return AnnouncePledge(
        funder=v["funder"],
        amount=v["amount"],
        currency=v["currency"],
        pledged_on=v["pledged_on"],
        mechanism=v["mechanism"],
        categories=tuple(v["categories"] or ()),
        origins=tuple(v["origins"] or ()),
        valid_from=v["valid_from"],
        valid_until=v["valid_until"],
        note=v["note"] or "",
        id=v["id"],
        commit=bool(options.get("commit")),
    )


def _pledge_terms(p: Pledge) -> dict[str, Any]:
    assert p.amount is not None
    return {
        "funder": p.funder,
        "amount": p.amount.to_json(),
        "pledged_on": _iso(p.pledged_on),
        "mechanism": p.mechanism,
        "categories": list(p.categories),
        "origins": list(p.origins),
        "valid_from": _iso(p.valid_from),
        "valid_until": _iso(p.valid_until),
        "note": p.note,
    }


def _pledge_key(d: dict[str, Any]) -> tuple:
    return (d["funder"], d["pledged_on"], d["amount"]["amount"], d["amount"]["currency"], d["mechanism"])


def _recorded_pledges(conn: Connection) -> dict[tuple, str]:
    p = t.pledges
    rows = conn.execute(
        select(p.c.id, p.c.funder, p.c.pledged_on, p.c.amount_minor, p.c.amount_currency, p.c.mechanism)
    )
    return {
        (
            r.funder,
            r.pledged_on.isoformat(),
            str(Money.from_minor(r.amount_minor, r.amount_currency).amount),
            r.amount_currency,
            r.mechanism,
        ): r.id
        for r in rows
    }


PLEDGES = RowKind(
    "pledge",
    PLEDGE_FIELDS,
    Pledge,
    _pledge_command,
    announcement,
    announce_pledge_in,
    _pledge_terms,
    _pledge_key,
    _recorded_pledges,
    "funder, date, amount, currency and mechanism",
)


# --- requirements ------------------------------------------------------------------------------


def _requirement_command(v: dict[str, Any], options: dict[str, Any]) -> DraftRequirement:
    optional = {k: v[k] for k in ("origin", "min_lot", "whole_only") if v[k] is not None}
    return DraftRequirement(
        recipient=v["recipient"],
        list_month=v["list_month"],
        priority=v["priority"],
        rank=v["rank"],
        item=v["item"],
        category=v["category"],
        quantity=v["quantity"],
        unit=v["unit"],
        unit_price=v["unit_price"],
        currency=v["currency"],
        needed_by=v["needed_by"],
        note=v["note"] or "",
        id=v["id"],
        **optional,
    )


def _requirement_terms(r: Requirement) -> dict[str, Any]:
    assert r.unit_price is not None
    first = r.rankings[0]
    return {
        "recipient": r.recipient,
        "list_month": first.list_month,
        "priority": first.priority,
        "rank": first.rank,
        "item": r.item,
        "category": r.category,
        "quantity": r.quantity,
        "unit": r.unit,
        "unit_price": r.unit_price.to_json(),
        "origin": r.origin,
        "min_lot": r.min_lot,
        "whole_only": r.whole_only,
        "needed_by": _iso(r.needed_by),
        "note": r.note,
    }


def _requirement_key(d: dict[str, Any]) -> tuple:
    return (
        d["recipient"],
        d["list_month"],
        d["item"],
        d["category"],
        d["quantity"],
        d["unit_price"]["amount"],
        d["unit_price"]["currency"],
    )


def _recorded_requirements(conn: Connection) -> dict[tuple, str]:
    r, rk = t.requirements, t.requirement_rankings
    rows = conn.execute(
        select(
            r.c.id,
            r.c.recipient,
            rk.c.list_month,
            r.c.item,
            r.c.category,
            r.c.quantity,
            r.c.unit_price_minor,
            r.c.unit_price_currency,
        ).select_from(r.join(rk, and_(rk.c.requirement_id == r.c.id, rk.c.position == 1)))
    )
    return {
        (
            x.recipient,
            x.list_month,
            x.item,
            x.category,
            x.quantity,
            str(Money.from_minor(x.unit_price_minor, x.unit_price_currency).amount),
            x.unit_price_currency,
        ): x.id
        for x in rows
    }


REQUIREMENTS = RowKind(
    "requirement",
    REQUIREMENT_FIELDS,
    Requirement,
    _requirement_command,
    drafting,
    draft_requirement_in,
    _requirement_terms,
    _requirement_key,
    _recorded_requirements,
    "recipient, list month, item, category, quantity, unit price and currency",
)


# --- the import --------------------------------------------------------------------------------


#: Called with the import's connection and the rows read, before any is decided; raises to
#: refuse the whole file (the API checks that every row is the caller's own to import).
Admit = Callable[[Connection, list[TypedRow]], None]


def import_pledges(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    commit: bool = False,
    admit: Admit | None = None,
) -> ImportResult:
    return import_rows(
        store,
        actor,
        PLEDGES,
        path,
        mapping=mapping,
        skip_invalid=skip_invalid,
        rejects=rejects,
        options={"commit": commit},
        admit=admit,
    )


def import_requirements(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    admit: Admit | None = None,
) -> ImportResult:
    return import_rows(
        store, actor, REQUIREMENTS, path, mapping=mapping, skip_invalid=skip_invalid, rejects=rejects, admit=admit
    )


def default_rejects_path(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects{path.suffix}")


def import_rows(
    store: Store,
    actor: Actor,
    kind: RowKind,
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    options: dict[str, Any] | None = None,
    admit: Admit | None = None,
) -> ImportResult:
    path = Path(path)
    read_as = load_mapping(mapping, kind.fields) if mapping else Mapping()
    sheet = read_sheet(path, read_as)
    reading = read_rows(sheet, kind.fields, read_as)
    if 0 in reading.problems:  # the file's columns are wrong: no row can be read
        raise FileRefused(sheet.source, reading.problems[0])
    result = ImportResult(sheet.source, sheet.name, len(sheet.rows))
    problems = dict(reading.problems)
    meta = {**actor.meta(), "import": {"file": sheet.source, "sheet": sheet.name, "sha256": _sha256(path)}}
    with store.write(actor.party, meta) as uow:
        if admit is not None:
            admit(uow.conn, reading.rows)
        known = kind.recorded_keys(uow.conn)
        names = {f.name for f in kind.fields}
        seen: dict[tuple, int] = {}
        for row in reading.rows:
            try:
                outcome, fresh = _import_row(uow, kind, row, options or {}, known, seen)
            except Refused as exc:
                problems.setdefault(row.number, []).append(_row_problem(reading, row, exc, names))
                continue
            (result.recorded if fresh else result.unchanged).append(outcome.id)
            result.events += len(outcome.events)
        result.rejected = [p for number in sorted(problems) for p in problems[number]]
        if result.rejected and not skip_invalid:
            raise FileRefused(sheet.source, result.rejected)  # rolls the whole file back
    if result.rejected:
        by_number = {raw.number: raw for raw in sheet.rows}
        target = Path(rejects) if rejects else default_rejects_path(path)
        write_rejects(sheet, [(by_number[n], problems[n]) for n in sorted(problems)], target)
        result.reject_file = str(target)
    return result


def _import_row(
    uow: UnitOfWork,
    kind: RowKind,
    row: TypedRow,
    options: dict[str, Any],
    known: dict[tuple, str],
    seen: dict[tuple, int],
) -> tuple[Outcome, bool]:
    given_id = row.values.get("id")
    cmd = kind.command(row.values, options)
    data = kind.decide(kind.entity(id=given_id or _PROBE_ID), cmd)[0].data  # every field checked here
    key = kind.natural_key(data)
    if given_id is None:
        if key in seen:
            raise RuleViolation(
                f"repeats row {seen[key]} (same {kind.key_fields}); give both an id to import both",
                field="id",
                value=None,
            )
        seen[key] = row.number
        existing = known.get(key)
    else:
        existing = given_id if uow.get(kind.entity, given_id).exists else None
    if existing is not None:
        entity = uow.load(kind.entity, existing)
        recorded = kind.terms(entity)
        changed = [
            f"{name}: ledger {_plain(recorded[name])}, file {_plain(data[name])}"
            for name in recorded
            if recorded[name] != data.get(name)
        ]
        if changed:
            raise RuleViolation(
                f"{kind.label} {existing} is already recorded with other values ({'; '.join(changed)}); "
                "a recorded entry is never changed by an import",
                field="id",
                value=existing,
            )
        return Outcome(existing, []), False
    outcome = kind.record_in(uow, cmd)
    known[key] = outcome.id
    return outcome, True


def _row_problem(reading: Reading, row: TypedRow, exc: Refused, names: set[str]) -> Problem:
    """The refusal of a row, placed in the column of the field it names ('categories[1]' -> categories)."""
    name = (exc.field or "").split("[")[0].split(".")[0]
    name = name if name in names else None
    column = reading.column_of(name) if name else None
    index = reading.sheet.headers.index(column) if column else None
    value = row.raw.cells[index] if index is not None and index < len(row.raw.cells) else exc.value
    return reading.problem(row.number, name, getattr(exc, "reason", None) or exc.message, value)


def _plain(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['currency']} {value['amount']}"
    return "—" if value in (None, "", [], ()) else str(value)


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- FX rates --------------------------------------------------------------------------------


@dataclass
class FxImportResult:
    source: str
    days: int
    recorded: list[str]
    unchanged: int
    ignored_columns: list[str]
    events: int
    first: str | None
    last: str | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


def import_fx(store: Store, actor: Actor, path: Path | str, *, source: str = "ECB") -> FxImportResult:
    """Record every business day of an ECB reference-rate file (one transaction)."""
    path = Path(path)
    rates = read_ecb(path)
    meta = {**actor.meta(), "import": {"file": rates.source, "sha256": _sha256(path)}}
    with store.write(actor.party, meta) as uow:
        outcomes = record_rate_days_in(uow, [RecordRates(d.day, d.rates, source) for d in rates.days])
    recorded = [o.id for o in outcomes if o.events]
    return FxImportResult(
        rates.source,
        len(rates.days),
        recorded,
        len(outcomes) - len(recorded),
        rates.ignored_columns,
        sum(len(o.events) for o in outcomes),
        rates.days[0].day.isoformat() if rates.days else None,
        rates.days[-1].day.isoformat() if rates.days else None,
    )

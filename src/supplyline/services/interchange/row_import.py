"""One spreadsheet of records into the ledger: every problem of every row at once, or nothing.

An import is one unit of work: every row is parsed and decided by the same code as the
single command, and unless every row is valid the transaction is rolled back and nothing is
written. A row reports every rule it breaks, not only the first: after a refusal the field it
names is set aside (a neutral value, or the list element dropped) and the row decided again,
so a row with a bad category, mechanism and funder names all three in one pass.

The mapping's rules (``engines/interchange/rules.py``) skip rows that are not records at all
(counted apart from errors), round amounts to the currency's minor unit (the file's figure
kept in the event's meta), and build ids from columns. Party names are matched with the
ledger's parties (``party_matching``), and with ``create_parties`` the missing ones are
registered. ``dry_run`` decides everything and writes nothing.

Importing the same file twice writes nothing the second time: a row is matched with the
ledger by its id (given, or built from columns), else by its kind's natural key; an exact
match is counted as unchanged, a match with other values is refused (a record is never
changed in place), and two rows of one file with the same key are refused as a repeat.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy.engine import Connection

from ...domain.entity import Entity, Event
from ...domain.errors import NotFound, Refused, RuleViolation
from ...engines.interchange.spreadsheet import (
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
from ...ledger.canonical import canonical
from ...store.eventstore import Store, UnitOfWork
from .. import bus
from ..bus import Command
from ..context import Actor, Outcome
from .interchange_models import FileProblem, ImportedFile, PartyCreated, Rounded
from .party_matching import PartyIndex, register_planned

_PROBE_ID = "IMPORT-ROW"
_ELEMENT = re.compile(r"^(\w+)\[(\d+)\]$")


@dataclass
class ImportResult:
    source: str
    sheet: str | None
    rows: int
    recorded: list[str] = field(default_factory=list)  # ids newly recorded (dry run: that would be)
    unchanged: list[str] = field(default_factory=list)  # ids the ledger already held exactly so
    rejected: list[Problem] = field(default_factory=list)
    reject_file: str | None = None
    events: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # why -> rows (the mapping's skip_when)
    rounded: list[dict] = field(default_factory=list)  # {row, field, from, to}
    parties_created: list[dict] = field(default_factory=list)
    refused_rows: int = 0
    dry_run: bool = False

    def to_json(self) -> ImportedFile:
        return {
            "source": self.source,
            "sheet": self.sheet,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "recorded": self.recorded,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rounded": cast(list[Rounded], self.rounded),
            "parties_created": cast(list[PartyCreated], self.parties_created),
            "refused_rows": self.refused_rows,
            "rejected": [cast(FileProblem, p.to_json()) for p in self.rejected],
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
    record_in: Callable[[UnitOfWork, Any], Outcome]  # ``record_command`` for a command the bus handles
    terms: Callable[[Any], dict[str, Any]]  # a recorded entity, in the shape of its first event
    natural_key: Callable[[dict[str, Any]], tuple]  # from the first event's data
    recorded_keys: Callable[[Connection], dict[tuple, str]]  # natural key -> id, from the projections
    key_fields: str
    party_field: str | None = None  # the column naming a party (matched by name, alias or country)
    neutral: dict[str, Any] = field(default_factory=dict)  # field -> a value that breaks no rule
    differs: Callable[[Any, Any], list[str]] | None = None  # (recorded entity, command) -> differences


#: Called with the import's connection and the rows read (parties resolved), before any is
#: decided; raises to refuse the whole file (the API checks that every row is the caller's own).
Admit = Callable[[Connection, list[TypedRow]], None]


@dataclass(frozen=True)
class Options:
    skip_invalid: bool = False
    rejects: Path | str | None = None
    dry_run: bool = False
    create_parties: bool = False
    command: dict[str, Any] = field(default_factory=dict)  # the kind's own options (commit…)


def record_command(uow: UnitOfWork, cmd: Command) -> Outcome:
    """Record a row's command with its handler, in the import's unit of work."""
    return bus.handle_in(uow, Actor(uow.actor, via="import"), cmd)


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
    options: Options = Options(),
    admit: Admit | None = None,
) -> ImportResult:
    path = Path(path)
    read_as = load_mapping(mapping, kind.fields) if mapping else Mapping()
    sheet = read_sheet(path, read_as)
    reading = read_rows(sheet, kind.fields, read_as)
    if 0 in reading.problems:  # the file's columns are wrong: no row can be read
        raise FileRefused(sheet.source, reading.problems[0])
    result = ImportResult(sheet.source, sheet.name, len(sheet.rows), dry_run=options.dry_run)
    result.skipped = dict(sorted(Counter(reason for _, reason in reading.skipped).items()))
    problems = dict(reading.problems)
    about = {"file": sheet.source, "sheet": sheet.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    with store.write(actor.party, {**actor.meta(), "import": about}) as uow:
        run = _Run(uow, kind, reading, options, result, problems, {**actor.meta(), "import": about})
        run.resolve_parties()
        if admit is not None:
            admit(uow.conn, reading.rows)
        run.rows()
        result.rejected = [p for number in sorted(problems) for p in problems[number]]
        result.refused_rows = len(problems)
        if result.rejected and not options.skip_invalid and not options.dry_run:
            raise FileRefused(sheet.source, result.rejected)  # rolls the whole file back
    if result.rejected and not options.dry_run:
        by_number = {raw.number: raw for raw in sheet.rows}
        target = Path(options.rejects) if options.rejects else default_rejects_path(path)
        write_rejects(sheet, [(by_number[n], problems[n]) for n in sorted(problems)], target)
        result.reject_file = str(target)
    return result


class _Run:
    """One import's pass over the rows inside its unit of work."""

    def __init__(
        self,
        uow: UnitOfWork,
        kind: RowKind,
        reading: Reading,
        options: Options,
        result: ImportResult,
        problems: dict[int, list[Problem]],
        meta: dict,
    ):
        self.uow, self.kind, self.reading, self.options = uow, kind, reading, options
        self.result, self.problems, self.meta = result, problems, meta
        self.names = {f.name for f in kind.fields}
        self.index: PartyIndex | None = None
        self.registered: set[str] = set()

    def refuse(self, row: TypedRow, exc: Refused) -> None:
        self.problems.setdefault(row.number, []).append(_row_problem(self.reading, row, exc, self.names))

    def resolve_parties(self) -> None:
        """Each row's party word becomes a party id (or a planned party with ``create_parties``)."""
        name = self.kind.party_field
        if name is None:
            return
        self.index = PartyIndex.load(self.uow)
        for row in self.reading.rows:
            word = row.values.get(name)
            if not isinstance(word, str):
                continue
            try:
                row.values[name] = self.index.resolve(word, field=name)
            except NotFound:
                if self.options.create_parties:
                    row.values[name] = self.index.plan(word).id
                else:
                    self.refuse(
                        row,
                        RuleViolation(
                            f"party '{word}' does not exist (by id, name, alias or country); "
                            "--create-parties registers it",
                            field=name,
                            value=word,
                        ),
                    )
            except Refused as exc:
                self.refuse(row, exc)

    def rows(self) -> None:
        kind = self.kind
        known = kind.recorded_keys(self.uow.conn)
        self.uow.preload(kind.entity, [r.values["id"] for r in self.reading.rows if r.values.get("id")])
        seen: dict[tuple, int] = {}
        seen_ids: dict[str, int] = {}
        for row in self.reading.rows:
            cmd, events, refusals = _decide_all(kind, row.values, self.options.command)
            for exc in refusals:
                self.refuse(row, exc)
            if cmd is None or row.number in self.problems:
                continue
            try:
                existing = self._existing(row, events[0].data, known, seen, seen_ids)
                if existing is not None:
                    self._same_as_recorded(existing, events[0].data, cmd)
                    self.result.unchanged.append(existing)
                else:
                    self._record(row, cmd, events, known)
            except Refused as exc:
                self.refuse(row, exc)

    def _existing(
        self, row: TypedRow, data: dict, known: dict[tuple, str], seen: dict[tuple, int], seen_ids: dict[str, int]
    ) -> str | None:
        given_id = row.values.get("id")
        if given_id is None:
            key = self.kind.natural_key(data)
            if key in seen:
                raise RuleViolation(
                    f"repeats row {seen[key]} (same {self.kind.key_fields}); give both an id to import both "
                    "(id_from in a mapping builds one from columns)",
                    field="id",
                    value=None,
                )
            seen[key] = row.number
            return known.get(key)
        if given_id in seen_ids:
            raise RuleViolation(f"repeats row {seen_ids[given_id]} (same id)", field="id", value=given_id)
        seen_ids[given_id] = row.number
        return given_id if self.uow.get(self.kind.entity, given_id).exists else None

    def _same_as_recorded(self, existing: str, data: dict, cmd: Any) -> None:
        entity = self.uow.load(self.kind.entity, existing)
        recorded = self.kind.terms(entity)
        changed = [
            f"{name}: ledger {_plain(recorded[name])}, file {_plain(data[name])}"
            for name in recorded
            if recorded[name] != data.get(name)
        ]
        changed += self.kind.differs(entity, cmd) if self.kind.differs else []
        if changed:
            raise RuleViolation(
                f"{self.kind.label} {existing} is already recorded with other values ({'; '.join(changed)}); "
                "a recorded entry is never changed by an import",
                field="id",
                value=existing,
            )

    def _record(self, row: TypedRow, cmd: Any, events: list[Event], known: dict[tuple, str]) -> None:
        rounded = [
            {"row": row.number, "field": name, "from": original, "to": row.values[name]}
            for name, original in row.rounded.items()
        ]
        self.result.rounded += rounded
        party = row.values.get(self.kind.party_field or "")
        planned = self.index.planned.get(party) if self.index is not None and party else None
        fresh_party = planned is not None and planned.id not in self.registered
        if planned is not None and fresh_party:
            self.registered.add(planned.id)
            self.result.parties_created.append(planned.to_json())
        if self.options.dry_run:
            self.result.recorded.append(row.values.get("id") or f"(row {row.number})")
            self.result.events += len(events) + int(bool(getattr(cmd, "commit", False)))
            self.result.events += 1 + bool(planned.aliases) if planned is not None and fresh_party else 0
            return
        rounding = self.reading.mapping.rules.rounding
        about = {**self.meta["import"], "row": row.number}
        if rounded:
            about["rounded"] = {r["field"]: {"from": r["from"], "to": r["to"], "rounding": rounding} for r in rounded}
        self.uow.meta = canonical({**self.meta, "import": about})  # this row's events say where they came from
        if planned is not None and fresh_party:
            self.result.events += register_planned(self.uow, planned)
        outcome = self.kind.record_in(self.uow, cmd)
        known[self.kind.natural_key(events[0].data)] = outcome.id
        self.result.recorded.append(outcome.id)
        self.result.events += len(outcome.events)


def _decide_all(kind: RowKind, values: dict[str, Any], options: dict[str, Any]) -> tuple[Any, list[Event], list]:
    """Decide a row, and after each refusal set the field it names aside and decide again, so
    every rule the row breaks is reported. (command, events, []) when the row is valid."""
    trial = dict(values)
    refusals: list[Refused] = []
    for _ in range(len(trial) + 16):  # bounded: each pass sets one field aside for good
        try:
            # built inside: a command parses its fields when built, and a bad one is this row's refusal
            cmd = kind.command(trial, options)
            events = kind.decide(kind.entity(id=trial.get("id") or _PROBE_ID), cmd)
        except Refused as exc:
            refusals.append(exc)
            if not _set_aside(kind, trial, exc.field or ""):
                break
            continue
        return (None, [], refusals) if refusals else (cmd, events, [])
    return None, [], refusals


def _set_aside(kind: RowKind, trial: dict[str, Any], name: str) -> bool:
    element = _ELEMENT.match(name)
    if element and isinstance(trial.get(element.group(1)), tuple):
        items, at = trial[element.group(1)], int(element.group(2))
        if at < len(items):
            trial[element.group(1)] = items[:at] + items[at + 1 :]
            return True
        return False
    name = name.split(".")[0]
    if name in kind.neutral and trial.get(name) != kind.neutral[name]:
        trial[name] = kind.neutral[name]
        return True
    return False


def _row_problem(reading: Reading, row: TypedRow, exc: Refused, names: set[str]) -> Problem:
    """The refusal of a row, placed in the column of the field it names ('categories[1]' -> categories)."""
    element = (exc.field or "") != (exc.field or "").split("[")[0]
    named = (exc.field or "").split("[")[0].split(".")[0]
    name = named if named in names else None
    column = reading.column_of(name) if name else None
    index = reading.sheet.headers.index(column) if column else None
    value = exc.value if element or index is None or index >= len(row.raw.cells) else row.raw.cells[index]
    return reading.problem(row.number, name, getattr(exc, "reason", None) or exc.message, value)


def _plain(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return f"{value['currency']} {value['amount']}"
    return "—" if value in (None, "", [], ()) else str(value)

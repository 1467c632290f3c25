"""Which values in the projections a reader may not see, because the event that recorded
them withheld them (``domain/disclosure.py``, ``ledger/disclosure.py``).

Projections hold the real values (the operator's view). Every surface that shows them to
someone else asks this index first: the OCDS export and the public dashboard (the public),
the API and the dashboard for a signed-in party (its relation to the record). The rule for
a withheld field, as the transparency design states it:

- ``parties``: the parties to the record (its owners and those it is shared with);
- ``confidential``: the party that recorded it;
- coordinators and auditors see everything; anyone sees it once its embargo has passed.

A value derived from a withheld one (a package line's funded amount, a delivery's value at
a withheld contract price) is withheld with it: see ``derived_hidden``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.values import today_utc
from ..ledger import disclosure
from ..ledger.canonical import parse
from ..store import schema as t

#: roles that see every withheld value (they run and audit the ledger)
SEE_ALL_ROLES = frozenset({"coordinator", "auditor"})

Key = tuple


@dataclass(frozen=True)
class Target:
    """Projected columns of some rows that one withheld event field feeds."""

    table: str
    key: Key  # a primary key, or a prefix of one (every row that starts with it)
    columns: tuple[str, ...]


def _money(name: str) -> tuple[str, ...]:
    return (name, f"{name}_minor", f"{name}_currency")


def _targets(event_type: str, record: str, payload: dict, name: str) -> list[Target]:
    """Where a withheld field of an event shows in the projections (and what follows from it)."""
    if event_type == "PledgeAnnounced":
        columns = {"amount": (*_money("amount"), "allocated", "allocated_minor", "remaining")}.get(name, (name,))
        return [Target("pledges", (record,), columns)]
    if event_type == "PledgeAllocated":
        columns = {"amount": _money("amount"), "line_amount": _money("line_amount"), "fx": ("fx_rate", "fx_date")}[name]
        return [Target("allocations", (payload["allocation_id"],), columns)]
    if event_type == "PackageDrafted":
        return [Target("packages", (record,), (name,))]
    if event_type == "PackageDecisionRecorded":
        return [Target("package_decisions", (record,), ("reason",))]
    if event_type == "PackageLineAdded":
        columns = {"unit_price": (*_money("unit_price"), "value"), "quantity": ("quantity", "value")}.get(name, (name,))
        return [Target("package_lines", (record, payload["line_no"]), columns)]
    if event_type == "ContractSigned":
        if name == "lines":
            return [Target("contract_lines", (record,), ("item", "quantity", *_money("unit_price")))]
        if name == "schedule":
            return [Target("delivery_schedule", (record,), ("line_no", "due", "quantity"))]
        return [Target("contracts", (record,), (name,))]
    if event_type == "ShipmentDispatched":
        if name == "lines":
            return [
                Target("shipment_lines", (record,), ("quantity",)),
                Target("shipment_lots", (record,), ("lot_id", "quantity")),
            ]
        return [Target("shipments", (record,), (name,))]
    if event_type == "ShipmentReceived":
        if name == "lines":
            return [Target("shipment_lines", (record,), ("received",))]
        return [Target("shipments", (record,), (name,))]
    return []


@dataclass(frozen=True)
class Withheld:
    """One withheld field of one event, and where it shows."""

    seq: int
    event_type: str
    stream_id: str
    field: str
    level: str
    embargo: str | None
    commitment: str
    recorder: str
    targets: tuple[Target, ...]

    def lifted(self, on: date) -> bool:
        return self.embargo is not None and date.fromisoformat(self.embargo) <= on

    def to_json(self) -> dict:
        return {
            "event": self.seq,
            "field": self.field,
            "level": self.level,
            "embargo": self.embargo,
            "commitment": self.commitment,
        }


@dataclass(frozen=True)
class Reader:
    """Who is reading, as the withholding rule needs to know it."""

    party: str | None
    role: str
    #: (kind, record id) -> "owner" | "shared": the reader's relation to records it may read
    relation: Callable[[str, str], str | None] = field(default=lambda kind, record_id: None)

    @property
    def sees_all(self) -> bool:
        return self.role in SEE_ALL_ROLES


PUBLIC_READER = Reader(None, "public")
OPERATOR = Reader(None, "coordinator")


class Index:
    """Every withheld field of the ledger, resolved to projection rows, read once."""

    def __init__(self, conn: Connection, *, on: date | None = None):
        self.on = on or today_utc()
        self.fields: list[Withheld] = []
        e, w = t.events, t.withheld_values
        seqs = list(conn.execute(select(w.c.seq).distinct()).scalars())
        for start in range(0, len(seqs), 500):
            rows = conn.execute(
                select(e.c.seq, e.c.stream_id, e.c.type, e.c.actor, e.c.payload).where(
                    e.c.seq.in_(seqs[start : start + 500])
                )
            )
            for row in rows:
                payload = parse(row.payload)
                record = row.stream_id.partition(":")[2]
                for name, marker in disclosure.markers(payload).items():
                    self.fields.append(
                        Withheld(
                            row.seq,
                            row.type,
                            row.stream_id,
                            name,
                            marker["level"],
                            marker["embargo"],
                            marker["commitment"],
                            row.actor,
                            tuple(_targets(row.type, record, payload, name)),
                        )
                    )
        self._by_table: dict[str, list[Withheld]] = {}
        for item in self.fields:
            for target in item.targets:
                self._by_table.setdefault(target.table, []).append(item)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def hidden_from(self, item: Withheld, reader: Reader) -> bool:
        if reader.sees_all or item.lifted(self.on):
            return False
        kind, _, record_id = item.stream_id.partition(":")
        relation = reader.relation(kind, record_id) if reader.party else None
        if item.level == "parties":
            return relation is None
        return reader.party != item.recorder  # confidential

    def hidden(self, table: str, key: Key, reader: Reader) -> dict[str, Withheld]:
        """Columns of the row ``key`` of ``table`` that ``reader`` may not see -> why."""
        out: dict[str, Withheld] = {}
        for item in self._by_table.get(table, ()):
            for target in item.targets:
                if target.table == table and key[: len(target.key)] == target.key and self.hidden_from(item, reader):
                    for column in target.columns:
                        out.setdefault(column, item)
        return out

    def view(self, table: str, key: Key, row: dict[str, Any], reader: Reader) -> dict[str, Any]:
        """The row without what the reader may not see; each withheld column is replaced by
        its commitment, so the reader can check a later reveal against the signed log."""
        hidden = self.hidden(table, key, reader)
        if not hidden:
            return row
        out = dict(row)
        for column, item in hidden.items():
            if column in out:
                out[column] = {"withheld": item.to_json()}
        return out

    def any_hidden(self, table: str, keys: Iterable[Key], reader: Reader, columns: Iterable[str]) -> Withheld | None:
        """The first withheld field among ``columns`` of the rows ``keys`` (for derived values)."""
        wanted = set(columns)
        for key in keys:
            for column, item in self.hidden(table, key, reader).items():
                if column in wanted:
                    return item
        return None


def reader_of(principal, ownership) -> Reader:
    """The withholding reader for an access principal, its relation to records read from
    the same ownership the policy uses (``services/ownership.py``)."""
    if principal.party is None:
        return PUBLIC_READER

    def relation(kind: str, record_id: str) -> str | None:
        try:
            parties = ownership.of(kind, record_id)
        except KeyError:  # a kind of record nobody owns (FX days, parties)
            return None
        if parties is None:
            return None
        if principal.party in parties.owners:
            return "owner"
        return "shared" if principal.party in parties.shared_with else None

    return Reader(principal.party, principal.role, relation)

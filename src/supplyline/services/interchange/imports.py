"""Imports of users' files: pledges and requirements from spreadsheets, FX rates from the ECB.

What a row of each kind becomes and how it is recognised in the ledger (its natural key); the
import itself (every problem at once, the mapping's rules, party matching, dry runs, reject
files) is ``row_import``. The natural keys, used when a row has no id:

- pledge: funder, date, amount, currency and mechanism;
- requirement: recipient, list month, item, category, quantity, unit price and currency.

A pledge row may say its initial status (``status``: announced or committed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from ...domain.money import Money
from ...domain.pledge import Pledge
from ...domain.requirement import Requirement
from ...domain.values import parse_choice
from ...engines.interchange.ecb import read_ecb
from ...engines.interchange.spreadsheet import Field
from ...store import schema as t
from ...store.eventstore import Store
from ..context import Actor
from ..records.funding import AnnouncePledge, announcement
from ..records.parties import RecordRates, record_rate_days_in
from ..records.requirements import DraftRequirement, drafting
from .interchange_models import FxImported
from .row_import import Admit, ImportResult, Options, RowKind, default_rejects_path, import_rows, record_command

__all__ = ["Admit", "ImportResult", "default_rejects_path", "import_fx", "import_pledges", "import_requirements"]

#: The initial statuses a pledge row may ask for.
PLEDGE_STATUSES = ("announced", "committed")

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
    Field("status", "code"),
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


# --- pledges -----------------------------------------------------------------------------------


class ImportedPledge(AnnouncePledge):
    status: str | None = None  # as the file says it; committed records the commitment too


def _pledge_command(v: dict[str, Any], options: dict[str, Any]) -> ImportedPledge:
    status = v.get("status")
    return ImportedPledge(
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
        commit=bool(options.get("commit")) or (isinstance(status, str) and status.casefold() == "committed"),
        status=status,
    )


def _decide_pledge(pledge: Pledge, cmd: ImportedPledge) -> list:
    if cmd.status is not None:
        parse_choice("status", cmd.status, PLEDGE_STATUSES)
    return announcement(pledge, cmd)


def _pledge_differs(pledge: Pledge, cmd: ImportedPledge) -> list[str]:
    return ["status: ledger announced, file committed"] if cmd.commit and pledge.state == "announced" else []


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
    _decide_pledge,
    record_command,
    _pledge_terms,
    _pledge_key,
    _recorded_pledges,
    "funder, date, amount, currency and mechanism",
    party_field="funder",
    neutral={
        "id": None,
        "amount": "1",
        "currency": "EUR",
        "pledged_on": "2020-01-01",
        "mechanism": "purl",
        "valid_from": None,
        "valid_until": None,
        "note": "",
        "status": None,
    },
    differs=_pledge_differs,
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
    record_command,
    _requirement_terms,
    _requirement_key,
    _recorded_requirements,
    "recipient, list month, item, category, quantity, unit price and currency",
    party_field="recipient",
    neutral={
        "id": None,
        "list_month": "2020-01",
        "priority": 1,
        "rank": 1,
        "item": "item",
        "category": "sustainment",
        "quantity": 1_000_000,
        "unit": "unit",
        "unit_price": "1",
        "currency": "EUR",
        "origin": None,
        "min_lot": None,
        "needed_by": None,
        "note": "",
    },
)


# --- the imports --------------------------------------------------------------------------------


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
    dry_run: bool = False,
    create_parties: bool = False,
) -> ImportResult:
    options = Options(skip_invalid, rejects, dry_run, create_parties, {"commit": commit})
    return import_rows(store, actor, PLEDGES, path, mapping=mapping, options=options, admit=admit)


def import_requirements(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    mapping: Path | str | None = None,
    skip_invalid: bool = False,
    rejects: Path | str | None = None,
    admit: Admit | None = None,
    dry_run: bool = False,
    create_parties: bool = False,
) -> ImportResult:
    options = Options(skip_invalid, rejects, dry_run, create_parties)
    return import_rows(store, actor, REQUIREMENTS, path, mapping=mapping, options=options, admit=admit)


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

    def to_json(self) -> FxImported:
        return cast(FxImported, dict(self.__dict__))


def import_fx(store: Store, actor: Actor, path: Path | str, *, source: str = "ECB") -> FxImportResult:
    """Record every business day of an ECB reference-rate file (one transaction)."""
    path = Path(path)
    rates = read_ecb(path)
    meta = {**actor.meta(), "import": {"file": rates.source, "sha256": _sha256(path)}}
    with store.write(actor.party, meta) as uow:
        days = [RecordRates(day=d.day, rates=d.rates, source=source) for d in rates.days]
        outcomes = record_rate_days_in(uow, actor, days)
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

"""The OCDS export's building blocks: projection rows by table, one release's parties and
withheld fields, and the values every part of a release writes (money, dates).

Internal to the export (``ocds.py``, ``ocds_tender.py``); the names keep their underscore.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pycountry

from ...domain.money import Money

#: The key under which the public view lists the fields it took out of a row.
WITHHELD = "_withheld"


class _Index:
    def __init__(self, tables: dict[str, list[dict]]):
        self.tables = tables
        self.parties = {p["id"]: p for p in tables.get("parties", [])}
        self.funders = {p["id"]: p.get("funder") for p in tables.get("pledges", [])}
        self.units = {r["id"]: r.get("unit") for r in tables.get("requirements", [])}

    def table(self, name: str) -> list[dict]:
        return self.tables.get(name, [])

    def where(self, name: str, **match: Any) -> list[dict]:
        return [r for r in self.tables.get(name, []) if all(r.get(k) == v for k, v in match.items())]


class _Release:
    """Collects parties' roles and withheld fields while one release is built."""

    def __init__(self, by: _Index):
        self.by = by
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.withheld: dict[tuple[str, str], int] = defaultdict(int)

    def seen(self, table: str, row: dict) -> dict:
        for name in row.get(WITHHELD, ()):
            self.withheld[(table, name)] += 1
        return row

    def party(self, party_id: str | None, *roles: str) -> dict | None:
        if not party_id:
            return None
        self.roles[party_id].update(roles)
        ref = {"id": party_id}
        name = self.by.parties.get(party_id, {}).get("name")
        if name:
            ref["name"] = name
        return ref

    def parties(self) -> list[dict]:
        out = []
        for party_id in sorted(self.roles):
            row = self.seen("parties", self.by.parties.get(party_id, {"id": party_id}))
            entry: dict[str, Any] = {"id": party_id}
            if row.get("name"):
                entry["name"] = row["name"]
            country = pycountry.countries.get(alpha_2=row["country"]) if row.get("country") else None
            if country is not None:
                entry["address"] = {"countryName": country.name}
            entry["roles"] = sorted(self.roles[party_id])
            out.append(entry)
        return out


def _money(row: dict | None, prefix: str) -> Money | None:
    if row is None or row.get(f"{prefix}_minor") is None or not row.get(f"{prefix}_currency"):
        return None
    return Money.from_minor(row[f"{prefix}_minor"], row[f"{prefix}_currency"])


def _line_value(line: dict) -> Money | None:
    price = _money(line, "unit_price")
    return price.times(line["quantity"]) if price is not None and line.get("quantity") is not None else None


def _total(amounts: list[Money | None], currency: str | None = None) -> Money | None:
    """The sum, or None when any amount is unknown (withheld or absent) or there is none and
    no ``currency`` to give a zero in."""
    known = [m for m in amounts if m is not None]
    if len(known) < len(amounts) or not (known or currency):
        return None
    start = Money.zero(currency) if currency else known.pop(0)
    return sum(known, start)


def _value(money: Money) -> dict[str, Any]:
    return {"amount": money.amount, "currency": money.currency}


def _json_list(text: Any) -> list:
    if isinstance(text, list):
        return text
    return json.loads(text) if text else []


def _datetime(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    return str(value)

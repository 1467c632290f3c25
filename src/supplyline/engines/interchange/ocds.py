"""Open Contracting Data Standard 1.1.5: the ledger's packages as an OCDS release package.

One pure function, ``release_package``, maps projection rows (already passed through the
publisher's public view) to the JSON the open-contracting world reads. How supplyline's
words map to OCDS:

- one contracting process (ocid ``<prefix>-<package id>``) per package, one release each,
  whose id ends in the sequence number of the last ledger event that concerns it;
- ``buyer``: the recipient whose requirements the package meets (its user; as in aid-funded
  procurement, funders pay); ``tender.procuringEntity``: the seller, who procures from
  industry or draws stock; ``parties`` with roles ``funder`` and ``sourceParty`` for funders;
- ``planning.budget``: what the pledges allocated to the package, with the budget breakdown
  extension listing each allocation and its source party; an allocation converted between
  currencies states its amount in the currency it was given in and the rate the ledger used
  (exchange rate extension): amount × rate, rounded to the cent, is the converted amount
  the ledger recorded. (The extension's ``amount_<CUR>`` fields are not written: the
  standard's validator counts them as additional fields.)
- ``tender``: the package, its lines as items, the approvers' decisions as approval
  milestones; ``awards``/``contracts``: one per contract with its supplier;
- ``contracts[].implementation.milestones``: the delivery schedule (one per due entry, or
  one per line without a schedule), ``met``/``partiallyMet``/``notMet``/``scheduled`` from the
  confirmed receipts, counted first-due first; ``transactions``: the value of each confirmed
  receipt attributed, to the cent, to the pledges that funded the line (payer: the funder,
  payee: the supplier), dated at receipt; when the package is closed, the contract completion
  extension's ``endDate`` and ``finalValue``.

A field the public view withheld is absent (never empty) and named, with how many records it
was withheld from, in a document of the release (``tender.documents``).
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pycountry

from ...domain.attribution import Funding, attribute, merge_fundings
from ...domain.money import Money

OCDS_VERSION = "1.1"
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_exchangeRate_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_contract_completion_extension/master/extension.json",
)
#: The key under which the public view lists the fields it took out of a row.
WITHHELD = "_withheld"

TENDER_STATUS = {
    "draft": "planning",
    "proposed": "active",
    "approved": "active",
    "rejected": "unsuccessful",
    "contracted": "complete",
    "delivering": "complete",
    "delivered": "complete",
    "closed": "complete",
}
CONTRACT_KINDS = {
    "purchase": "Purchase from industry",
    "stock_draw": "Draw from the seller's stock",
    "purchase_agreement": "Purchase agreement",
}

READING_NOTE = (
    "planning.budget.budgetBreakdown lists each allocation of a pledge to this package; an amount converted between "
    "currencies is stated in the currency it was given in, with the rate the ledger used: amount x rate, rounded to "
    "the cent, is the converted amount it recorded. "
    "contracts[].implementation.transactions are the value of confirmed receipts attributed pro rata, to the cent, "
    "to the pledges that funded each package line, dated at receipt (payer: the funder; payee: the supplier). "
    "Delivery milestones count confirmed receipts against the delivery schedule, earliest due first."
)


@dataclass(frozen=True)
class Publication:
    """Who publishes, where, and as of when."""

    ocid_prefix: str
    uri: str
    publisher: str
    published: datetime
    as_of: date
    license: str | None = None
    publication_policy: str | None = None


@dataclass(frozen=True)
class OcdsRows:
    """The projection rows an export needs, by table name, each already through the public view.

    ``processes`` adds, per package id, what the projections do not keep: the sequence and
    time of the last event concerning it (``last_seq``, ``last_recorded_at``) and the day it
    was closed (``closed_on``)."""

    tables: dict[str, list[dict[str, Any]]]
    processes: dict[str, dict[str, Any]]


def release_package(rows: OcdsRows, publication: Publication) -> dict:
    """The OCDS release package of every package in ``rows``."""
    by = _Index(rows.tables)
    releases = [
        _release(package, by, rows.processes.get(package["id"], {}), publication)
        for package in sorted(by.table("packages"), key=lambda p: p["id"])
    ]
    out: dict[str, Any] = {
        "uri": publication.uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": _datetime(publication.published),
        "publisher": {"name": publication.publisher},
    }
    if publication.license:
        out["license"] = publication.license
    if publication.publication_policy:
        out["publicationPolicy"] = publication.publication_policy
    out["releases"] = releases
    return out


# --- one release --------------------------------------------------------------------------------


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


def _release(package: dict, by: _Index, process: dict, pub: Publication) -> dict:
    rel = _Release(by)
    pid = package["id"]
    rel.seen("packages", package)
    currency = package.get("currency")
    lines = [
        rel.seen("package_lines", r)
        for r in sorted(by.where("package_lines", package_id=pid), key=lambda r: r["line_no"])
    ]
    allocations = [
        rel.seen("allocations", a) for a in sorted(by.where("allocations", package_id=pid), key=lambda a: a["id"])
    ]
    contracts = [rel.seen("contracts", c) for c in sorted(by.where("contracts", package_id=pid), key=lambda c: c["id"])]

    release: dict[str, Any] = {
        "ocid": f"{pub.ocid_prefix}-{pid}",
        "id": f"{pid}-{process.get('last_seq', 0)}",
        "date": process.get("last_recorded_at") or _datetime(pub.published),
        "tag": ["planning", "tender"],
        "initiationType": "tender",
        "language": "en",
    }
    buyer = rel.party(package.get("recipient"), "buyer")
    planning = {"budget": _budget(pid, currency, allocations, rel)}
    tender = _tender(package, lines, by, rel)
    fundings = _fundings(allocations, by)
    receipts = {c["id"]: _receipts(c["id"], by, rel) for c in contracts}
    awards, ocds_contracts = [], []
    for contract in contracts:
        award, ocds_contract = _contract(contract, package, fundings, receipts[contract["id"]], process, by, rel, pub)
        awards.append(award)
        ocds_contracts.append(ocds_contract)
    if contracts:
        release["tag"] += ["award", "contract"]
    if any(receipts.values()):
        release["tag"].append("implementation")
    documents = [
        {
            "id": "reading-this-release",
            "title": "How supplyline's records map to this release",
            "description": READING_NOTE,
        }
    ]
    if rel.withheld:
        listed = "; ".join(
            f"{table}.{name} ({count} record{'s' if count != 1 else ''})"
            for (table, name), count in sorted(rel.withheld.items())
        )
        documents.append(
            {
                "id": "withheld-information",
                "title": "Information withheld from this release",
                "description": "Under the publisher's disclosure policy these fields of supplyline's records are left out "
                f"of this release (absent, not empty): {listed}. Each value a record withheld is committed "
                "(salted SHA-256) in the ledger's signed public log, so a later reveal can be checked against "
                "it; a later release includes a field once it is disclosed.",
            }
        )
    tender["documents"] = documents
    release["parties"] = rel.parties()
    if buyer:
        release["buyer"] = buyer
    release["planning"] = planning
    release["tender"] = tender
    if awards:
        release["awards"] = awards
        release["contracts"] = ocds_contracts
    return release


def _total(amounts: list[Money | None], currency: str | None = None) -> Money | None:
    """The sum, or None when any amount is unknown (withheld or absent) or there is none and
    no ``currency`` to give a zero in."""
    known = [m for m in amounts if m is not None]
    if len(known) < len(amounts) or not (known or currency):
        return None
    start = Money.zero(currency) if currency else known.pop(0)
    return sum(known, start)


def _budget(pid: str, currency: str | None, allocations: list[dict], rel: _Release) -> dict:
    budget: dict[str, Any] = {"id": f"{pid}-funding", "description": "Pledges allocated to this package"}
    in_package = [_money(a, "line_amount") for a in allocations]
    total = _total(in_package, currency) if currency else None
    if total is not None:
        budget["amount"] = _value(total)
    breakdown = []
    for a in allocations:
        pledge_id = a.get("pledge_id")
        entry: dict[str, Any] = {"id": a["id"]}
        if pledge_id:
            entry["description"] = f"Allocation {a['id']} of pledge {pledge_id} to package line {a.get('line_no')}"
        amount = _allocation_value(a)
        if amount:
            entry["amount"] = amount
        if a.get("allocated_on"):
            entry["period"] = {"startDate": _datetime(a["allocated_on"])}
        source = rel.party(rel.by.funders.get(pledge_id), "funder", "sourceParty") if pledge_id else None
        if source:
            entry["sourceParty"] = source
        breakdown.append(entry)
    if breakdown:
        budget["budgetBreakdown"] = breakdown
    return budget


def _allocation_value(a: dict) -> dict | None:
    """The allocation in the currency it was given in, with the rate and the converted amount."""
    pledge_side, line_side = _money(a, "amount"), _money(a, "line_amount")
    if pledge_side is None or line_side is None:
        known = line_side or pledge_side
        return _value(known) if known is not None else None
    rate = a.get("fx_rate")
    if pledge_side.currency == line_side.currency or rate is None:
        return _value(line_side)
    rate = Decimal(rate)
    if Money.rounded(pledge_side.amount * rate, line_side.currency) == line_side:
        given, converted = pledge_side, line_side
    else:
        given, converted = line_side, pledge_side
    value = _value(given)
    exchange: dict[str, Any] = {"rate": rate, "currency": converted.currency, "source": "market"}
    if a.get("fx_date"):
        exchange["date"] = _datetime(a["fx_date"])
    value["exchangeRates"] = [exchange]
    return value


def _tender(package: dict, lines: list[dict], by: _Index, rel: _Release) -> dict:
    pid = package["id"]
    tender: dict[str, Any] = {"id": pid}
    if package.get("title"):
        tender["title"] = package["title"]
    tender["status"] = TENDER_STATUS[package.get("state", "draft")]
    seller = rel.party(package.get("seller"), "procuringEntity")
    if seller:
        tender["procuringEntity"] = seller
    tender["mainProcurementCategory"] = "goods"
    items = [_item(line, by.units.get(line.get("requirement_id"))) for line in lines]
    if items:
        tender["items"] = items
    total = _total([_line_value(line) for line in lines])
    if total is not None:
        tender["value"] = _value(total)
    milestones = []
    decisions = [
        rel.seen("package_decisions", d)
        for d in sorted(by.where("package_decisions", package_id=pid), key=lambda d: d["position"])
    ]
    decided = {d.get("party") for d in decisions}
    for d in decisions:
        m: dict[str, Any] = {"id": f"decision-{d['position']}", "type": "approval"}
        if d.get("party"):
            m["title"] = f"Decision of {d['party']}: {d.get('decision', 'recorded')}"
        m["status"] = "met" if d.get("decision") == "approve" else "notMet"
        if d.get("decided_on"):
            m["dateModified"] = _datetime(d["decided_on"])
            if d.get("decision") == "approve":
                m["dateMet"] = _datetime(d["decided_on"])
        if d.get("reason"):
            m["description"] = d["reason"]
        milestones.append(m)
    if package.get("state") in ("draft", "proposed"):
        for n, approver in enumerate(_json_list(package.get("approvers")), start=1):
            if approver not in decided:
                milestones.append(
                    {
                        "id": f"approval-{n}",
                        "title": f"Decision of {approver}",
                        "type": "approval",
                        "status": "scheduled",
                    }
                )
    if milestones:
        tender["milestones"] = milestones
    return tender


def _item(line: dict, unit: str | None, number_key: str = "line_no") -> dict:
    item: dict[str, Any] = {"id": str(line[number_key])}
    if line.get("item"):
        item["description"] = line["item"]
    if line.get("quantity") is not None:
        item["quantity"] = line["quantity"]
    unit_json: dict[str, Any] = {}
    if unit:
        unit_json["name"] = unit
    price = _money(line, "unit_price")
    if price is not None:
        unit_json["value"] = _value(price)
    if unit_json:
        item["unit"] = unit_json
    return item


def _fundings(allocations: list[dict], by: _Index) -> dict[int, list[Funding]]:
    raw: dict[int, list[Funding]] = defaultdict(list)
    for a in allocations:
        pledge_side, line_side = _money(a, "amount"), _money(a, "line_amount")
        funder = by.funders.get(a.get("pledge_id"))
        if pledge_side is None or line_side is None or funder is None:
            continue
        raw[a["line_no"]].append(Funding(a["pledge_id"], funder, pledge_side, line_side))
    return {line_no: merge_fundings(rows) for line_no, rows in raw.items()}


def _contract(
    contract: dict,
    package: dict,
    fundings: dict[int, list[Funding]],
    receipts: list[_Receipt],
    process: dict,
    by: _Index,
    rel: _Release,
    pub: Publication,
) -> tuple[dict, dict]:
    cid = contract["id"]
    lines = [
        rel.seen("contract_lines", r)
        for r in sorted(by.where("contract_lines", contract_id=cid), key=lambda r: r["line_no"])
    ]
    schedule = [
        rel.seen("delivery_schedule", r)
        for r in sorted(by.where("delivery_schedule", contract_id=cid), key=lambda r: r["position"])
    ]
    units = {
        pl["line_no"]: by.units.get(pl.get("requirement_id"))
        for pl in by.where("package_lines", package_id=package["id"])
    }
    items = [_item(line, units.get(line.get("package_line_no"))) for line in lines]
    total = _total([_line_value(line) for line in lines])
    value = _value(total) if total is not None else None
    supplier = rel.party(contract.get("supplier"), "supplier")
    title = f"{CONTRACT_KINDS.get(contract.get('kind', ''), 'Contract')} {cid}"

    award: dict[str, Any] = {"id": cid, "title": title, "status": "active"}
    if contract.get("signed_on"):
        award["date"] = _datetime(contract["signed_on"])
    if value:
        award["value"] = value
    if supplier:
        award["suppliers"] = [supplier]
    if items:
        award["items"] = items

    closed = package.get("state") == "closed"
    out: dict[str, Any] = {"id": cid, "awardID": cid, "title": title, "status": "terminated" if closed else "active"}
    if contract.get("signed_on"):
        out["dateSigned"] = _datetime(contract["signed_on"])
        period = {"startDate": _datetime(contract["signed_on"])}
        dues = [s["due"] for s in schedule if s.get("due")]
        if dues:
            period["endDate"] = _datetime(max(dues))
        out["period"] = period
    if value:
        out["value"] = value
    if items:
        out["items"] = items

    implementation: dict[str, Any] = {}
    transactions = _transactions(contract, lines, receipts, fundings, rel)
    if transactions:
        implementation["transactions"] = transactions
    milestones = _delivery_milestones(cid, lines, schedule, receipts, pub.as_of)
    if milestones:
        implementation["milestones"] = milestones
    if closed:
        if process.get("closed_on"):
            implementation["endDate"] = _datetime(process["closed_on"])
        if transactions and all(line.get("unit_price_minor") is not None for line in lines):
            paid = sum((Decimal(str(tr["value"]["amount"])) for tr in transactions), Decimal(0))
            implementation["finalValue"] = {"amount": paid, "currency": transactions[0]["value"]["currency"]}
    if implementation:
        out["implementation"] = implementation
    return copy.deepcopy(award), out  # its own objects: a consumer that edits one never edits both


@dataclass(frozen=True)
class _Receipt:
    shipment_id: str
    line_no: int
    received: int
    shipped: int
    received_on: date
    note: str | None


def _receipts(cid: str, by: _Index, rel: _Release) -> list[_Receipt]:
    shipments = {s["id"]: rel.seen("shipments", s) for s in by.where("shipments", contract_id=cid)}
    out = []
    for line in by.table("shipment_lines"):
        shipment = shipments.get(line["shipment_id"])
        if shipment is None or shipment.get("state") != "received" or line.get("received") is None:
            continue
        rel.seen("shipment_lines", line)
        out.append(
            _Receipt(
                shipment["id"],
                line["contract_line_no"],
                line["received"],
                line["quantity"],
                shipment["received_on"],
                shipment.get("note"),
            )
        )
    return sorted(out, key=lambda r: (r.received_on, r.shipment_id, r.line_no))


def _transactions(
    contract: dict, lines: list[dict], receipts: list[_Receipt], fundings: dict[int, list[Funding]], rel: _Release
) -> list[dict]:
    by_line = {line["line_no"]: line for line in lines}
    out = []
    for receipt in receipts:
        line = by_line.get(receipt.line_no)
        price = _money(line, "unit_price") if line else None
        if price is None or receipt.received == 0 or line is None:
            continue
        for share in attribute(price.times(receipt.received), fundings.get(line["package_line_no"], [])):
            tx: dict[str, Any] = {
                "id": f"{receipt.shipment_id}-{receipt.line_no}-{share.funding.pledge_id}",
                "date": _datetime(receipt.received_on),
                "value": _value(share.line_amount),
            }
            payer = rel.party(share.funding.funder, "funder", "payer")
            payee = rel.party(contract.get("supplier"), "payee")
            if payer:
                tx["payer"] = payer
            if payee:
                tx["payee"] = payee
            out.append(tx)
    return out


def _delivery_milestones(
    cid: str, lines: list[dict], schedule: list[dict], receipts: list[_Receipt], as_of: date
) -> list[dict]:
    out = []
    for line in lines:
        n = line["line_no"]
        entries = sorted((s for s in schedule if s.get("line_no") == n), key=lambda s: (s["due"], s["position"]))
        plan = [(s.get("due"), s["quantity"]) for s in entries] or [(None, line.get("quantity"))]
        mine = [r for r in receipts if r.line_no == n]
        before = 0
        for k, (due, quantity) in enumerate(plan, start=1):
            if quantity is None:
                continue
            m: dict[str, Any] = {
                "id": f"{cid}-line-{n}-delivery-{k}",
                "type": "delivery",
                "title": f"Delivery of {quantity} units of contract line {n}"
                + (f" ({line['item']})" if line.get("item") else ""),
            }
            if due:
                m["dueDate"] = _datetime(due)
            done_on, cumulative = None, 0
            for r in mine:
                cumulative += r.received
                if done_on is None and cumulative >= before + quantity:
                    done_on = r.received_on
            covered = max(0, min(quantity, cumulative - before))
            if covered >= quantity:
                m["status"], m["dateMet"] = "met", _datetime(done_on)
            elif covered > 0:
                m["status"] = "partiallyMet"
            else:
                m["status"] = "notMet" if due and due < as_of else "scheduled"
            if covered:
                m["description"] = f"{covered} of {quantity} units received" + "".join(
                    f"; shipment {r.shipment_id}: {r.received} of {r.shipped} shipped arrived"
                    + (f" ({r.note})" if r.note else "")
                    for r in mine
                    if r.received < r.shipped
                )
            m["dateModified"] = _datetime(as_of)
            out.append(m)
            before += quantity
    return out


# --- values --------------------------------------------------------------------------------------


def _money(row: dict | None, prefix: str) -> Money | None:
    if row is None or row.get(f"{prefix}_minor") is None or not row.get(f"{prefix}_currency"):
        return None
    return Money.from_minor(row[f"{prefix}_minor"], row[f"{prefix}_currency"])


def _line_value(line: dict) -> Money | None:
    price = _money(line, "unit_price")
    return price.times(line["quantity"]) if price is not None and line.get("quantity") is not None else None


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


# --- JSON with exact numbers -----------------------------------------------------------------------


def dumps(data: Any, indent: int = 2) -> str:
    """JSON text in which Decimals are written as the exact numbers they are (never via float)."""
    return _encode(data, indent, 0) + "\n"


def _encode(value: Any, indent: int, level: int) -> str:
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, indent, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_encode(v, indent, level + 1)}" for v in value) + "\n" + pad + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("floats are not written: money and rates are Decimals")
    return json.dumps(value, ensure_ascii=False)

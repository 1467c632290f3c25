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
- ``tender``: the package, its lines as items, its approval checklist and the approvers'
  decisions as ``approval`` milestones (who did what when: a validation, each funder's
  concurrence or objection, then each decision; OCDS has no field for a step of agreement
  before award, and a milestone of type approval is what the standard names for one); ``awards``/``contracts``: one per contract with its supplier;
- ``contracts[].implementation.milestones``: the delivery schedule (one per due entry, or
  one per line without a schedule), ``met``/``partiallyMet``/``notMet``/``scheduled`` from the
  confirmed receipts, counted first-due first; ``transactions``: the payments to the supplier
  (the money stage ``expended``, ``ocds_payments.py``), one per pledge whose money paid (payer:
  the funder, payee: the supplier), in the pledge's currency; when the package is closed, the
  contract completion extension's ``endDate`` and ``finalValue`` (what was paid);
- ``contracts[].amendments``: each change to the contract in force, with its rationale and
  the releases it amends and is carried by (``ocds_amendments.py``);
- ``contracts[].implementation.milestones`` of type ``assessment``: a contract line whose
  received items carry serial numbers is under end-use monitoring (issue 16), its initial
  inventory due within the deployment's days of the first receipt. No status: whether a
  package's items are inventoried is for its parties, funders and auditors; the public sees
  the compliance share per category and month (docs/end-use.md).

A field the public view withheld is absent (never empty) and named, with how many records it
was withheld from, in a document of the release (``tender.documents``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .ocds_amendments import add_amendments
from .ocds_documents import add_documents, documents_of
from .ocds_json import dumps
from .ocds_parts import WITHHELD, _datetime, _Index, _line_value, _Release, _total, _value
from .ocds_payments import _payments
from .ocds_tender import _budget, _item, _tender

__all__ = ["WITHHELD", "OcdsRows", "Publication", "dumps", "release_package"]

OCDS_VERSION = "1.1"
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_budget_breakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_exchangeRate_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_contract_completion_extension/master/extension.json",
)

CONTRACT_KINDS = {
    "purchase": "Purchase from industry",
    "stock_draw": "Draw from the seller's stock",
    "purchase_agreement": "Purchase agreement",
}

READING_NOTE = (
    "planning.budget.budgetBreakdown lists each allocation of a pledge to this package; an amount converted between "
    "currencies is stated in the currency it was given in, with the rate the ledger used: amount x rate, rounded to "
    "the cent, is the converted amount it recorded. "
    "contracts[].implementation.transactions are the seller's payments to the supplier on the contract's lines, one "
    "per pledge whose money paid, in the pledge's currency (payer: the funder; payee: the supplier); a payment in "
    "another currency than the contract's states the rate to it. "
    "Delivery milestones count confirmed receipts against the delivery schedule, earliest due first. "
    "Assessment milestones name the contract lines whose items are under end-use monitoring (serial numbers, "
    "inventories); their compliance is published per category and month, not per contract."
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
    receipts = {c["id"]: _receipts(c["id"], by, rel) for c in contracts}
    awards, ocds_contracts = [], []
    for contract in contracts:
        award, ocds_contract = _contract(contract, package, receipts[contract["id"]], process, by, rel, pub)
        awards.append(award)
        ocds_contracts.append(ocds_contract)
    if contracts:
        release["tag"] += ["award", "contract"]
    if any(receipts.values()) or any(by.where("money_flows", package_id=pid, stage="expended")):
        release["tag"].append("implementation")
    tender["documents"] = _documents(rel) + documents_of(by, rel, "package", pid)
    release["parties"] = rel.parties()
    if buyer:
        release["buyer"] = buyer
    release["planning"] = planning
    release["tender"] = tender
    if awards:
        release["awards"] = awards
        release["contracts"] = ocds_contracts
    return release


def _documents(rel: _Release) -> list[dict]:
    """How to read the release, and which fields the public view withheld from it."""
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
    return documents


def _contract(
    contract: dict,
    package: dict,
    receipts: list[_Receipt],
    process: dict,
    by: _Index,
    rel: _Release,
    pub: Publication,
) -> tuple[dict, dict]:
    """Long because it builds the award and the contract side by side, from the same rows."""
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

    implementation = _implementation(
        contract, lines, schedule, receipts, process if closed else None, rel, pub, process.get("end_use", {})
    )
    add_amendments(out, by, rel, process.get("amendments", {}))
    add_documents(out, implementation, by, rel)
    if implementation:
        out["implementation"] = implementation
    return copy.deepcopy(award), out  # its own objects: a consumer that edits one never edits both


def _implementation(
    contract: dict,
    lines: list[dict],
    schedule: list[dict],
    receipts: list[_Receipt],
    process: dict | None,
    rel: _Release,
    pub: Publication,
    end_use: dict,
) -> dict[str, Any]:
    """What was delivered and paid under a contract; with ``process`` (the package closed) its
    end date and final value too."""
    implementation: dict[str, Any] = {}
    transactions, paid = _payments(contract["id"], rel.by, rel)
    if transactions:
        implementation["transactions"] = transactions
    milestones = _delivery_milestones(contract["id"], lines, schedule, receipts, pub.as_of)
    milestones += _end_use_milestones(contract["id"], receipts, end_use, pub.as_of)
    if milestones:
        implementation["milestones"] = milestones
    if process is not None:
        if process.get("closed_on"):
            implementation["endDate"] = _datetime(process["closed_on"])
        if paid is not None:
            implementation["finalValue"] = _value(paid)
    return implementation


def _end_use_milestones(cid: str, receipts: list[_Receipt], end_use: dict, as_of: date) -> list[dict]:
    """One assessment milestone per contract line whose received items carry serials: due the
    deployment's initial days after its first receipt (when the receipt's day is public)."""
    monitored = {tuple(k) for k in end_use.get("lines", ())}
    first: dict[int, date | None] = {}
    for r in receipts:
        if (r.shipment_id, r.line_no) in monitored:
            known = [d for d in (first.get(r.line_no), r.received_on) if d is not None]
            first[r.line_no] = min(known) if known else None
    out = []
    for n, received_on in sorted(first.items()):
        m: dict[str, Any] = {
            "id": f"{cid}-line-{n}-end-use",
            "type": "assessment",
            "title": f"End-use monitoring of the serial-numbered items of contract line {n}",
            "description": (
                f"Each item carries a serial number. The recipient inventories them within {end_use['initial_days']} "
                f"days of receipt, then at most every {end_use['interval_days']} days, until each item's final "
                "disposition."
            ),
        }
        if received_on is not None:
            m["dueDate"] = _datetime(received_on + timedelta(days=end_use["initial_days"]))
        m["dateModified"] = _datetime(as_of)
        out.append(m)
    return out


@dataclass(frozen=True)
class _Receipt:
    shipment_id: str
    line_no: int
    received: int
    shipped: int | None  # None: the shipped quantity is withheld
    received_on: date | None  # None: the day is withheld
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
                line.get("quantity"),
                shipment.get("received_on"),
                shipment.get("note"),
            )
        )
    return sorted(out, key=lambda r: (r.received_on or date.min, r.shipment_id, r.line_no))


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
                m["status"] = "met"
                if done_on is not None:
                    m["dateMet"] = _datetime(done_on)
            elif covered > 0:
                m["status"] = "partiallyMet"
            else:
                m["status"] = "notMet" if due and due < as_of else "scheduled"
            if covered:
                m["description"] = f"{covered} of {quantity} units received" + "".join(
                    f"; shipment {r.shipment_id}: {r.received} of {r.shipped} shipped arrived"
                    + (f" ({r.note})" if r.note else "")
                    for r in mine
                    if r.shipped is not None and r.received < r.shipped
                )
            m["dateModified"] = _datetime(as_of)
            out.append(m)
            before += quantity
    return out

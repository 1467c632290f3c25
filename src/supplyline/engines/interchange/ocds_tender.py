"""A release's planning and tender: the pledges allocated to the package as its budget, the
package's lines as items, its approval checklist (validations, funders' concurrences) and the
approvers' decisions as approval milestones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain.money import Money
from .ocds_parts import _datetime, _Index, _json_list, _line_value, _money, _Release, _total, _value

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
        return _value(known) if known else None
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
    milestones = _step_milestones(pid, by, rel)
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


#: a step's title, by what was done (issue 17 item 2)
STEP_TITLES = {
    "validated": "Validated by {party}",
    "returned": "Returned to draft by {party}",
    "concur": "Concurrence of {party}",
    "object": "Objection of {party}",
}


def _step_milestones(pid: str, by: _Index, rel: _Release) -> list[dict]:
    """The package's approval checklist as approval milestones, before the decisions: each
    validation and each funder's concurrence or objection, who and when (a return's or an
    objection's reasons only where the public view shows them)."""
    out = []
    for s in sorted(by.where("package_steps", package_id=pid), key=lambda s: s["position"]):
        s = rel.seen("package_steps", s)
        verdict = s.get("verdict") or ""
        done = verdict in ("validated", "concur")
        m: dict[str, Any] = {"id": f"step-{s['position']}", "type": "approval", "status": "met" if done else "notMet"}
        if s.get("party") and verdict in STEP_TITLES:
            m["title"] = STEP_TITLES[verdict].format(party=s["party"])
        if s.get("done_on"):
            m["dateModified"] = _datetime(s["done_on"])
            if done:
                m["dateMet"] = _datetime(s["done_on"])
        if s.get("reason"):
            m["description"] = s["reason"]
        out.append(m)
    return out


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

"""The OCDS export's payments (issue 15 item 5): ``contracts[].implementation.transactions``
are the money the seller paid its supplier on the contract's lines (the ``expended`` stage),
one transaction per pledge whose money paid, the funder as payer and the supplier as payee.

A transaction states the funder's money in the pledge's currency, what its pledge records
as expended; when the contract is in another currency the exchange rate extension gives the
rate from one to the other, the rate at which its transfer reached the seller (the
contract's ``finalValue`` is the suppliers' amounts summed to the cent). The invoice a payment settled is in the ledger's
money flows (OCDS 1.1.5 transactions have no field for it).

Internal to the export (``ocds.py``); the names keep their underscore.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

from ...domain.money import Money
from .ocds_parts import _datetime, _Index, _money, _Release, _value


def _payments(cid: str, by: _Index, rel: _Release) -> tuple[list[dict], Money | None]:
    """The contract's payments to its supplier as OCDS transactions, and their total in the
    contract's currency (None when a payment's amount is withheld or there is none)."""
    contract = next(iter(by.where("contracts", id=cid)), {})
    flows = sorted(
        (rel.seen("money_flows", f) for f in by.where("money_flows", contract_id=cid, stage="expended")),
        key=lambda f: (str(f.get("day")), f.get("contract_line_no") or 0, f["pledge_id"], f["position"]),
    )
    out: list[dict] = []
    paid: list[Money | None] = []
    for flow in flows:
        funders_money, suppliers_money = _money(flow, "amount"), _money(flow, "seller")
        paid.append(suppliers_money)
        tx: dict[str, Any] = {"id": f"{cid}-{flow['pledge_id']}-{flow['position']}"}
        if flow.get("day"):
            tx["date"] = _datetime(flow["day"])
        if funders_money is not None:
            tx["value"] = _value(funders_money)
            if suppliers_money is not None and suppliers_money.currency != funders_money.currency:
                tx["value"]["exchangeRates"] = [_rate(flow, funders_money, suppliers_money, by)]
        payer = rel.party(by.funders.get(flow["pledge_id"]), "funder", "payer")
        payee = rel.party(contract.get("supplier"), "payee")
        if payer:
            tx["payer"] = payer
        if payee:
            tx["payee"] = payee
        out.append(tx)
    known = [m for m in paid if m is not None]
    total = sum(known[1:], known[0]) if known and len(known) == len(paid) else None
    return out, total


def _rate(flow: dict, given: Money, converted: Money, by: _Index) -> dict[str, Any]:
    """The rate at which the pledge's money reached the seller: its transfers' for the package
    when they used one; otherwise the quotient of the two amounts."""
    transfers = by.where(
        "money_flows", pledge_id=flow["pledge_id"], package_id=flow.get("package_id"), stage="transferred"
    )
    used = {(t.get("fx_rate"), t.get("fx_date")) for t in transfers}
    (rate_text, day), *others = used or {(None, None)}
    if not others and rate_text is not None and day is not None:
        return {"rate": Decimal(rate_text), "currency": converted.currency, "date": _datetime(day), "source": "market"}
    with localcontext() as ctx:
        ctx.prec = 12
        rate = +(converted.amount / given.amount) if given.amount else Decimal(0)
    return {"rate": rate, "currency": converted.currency, "source": "market"}

"""`report variance` (issue 15 item 5): per contract line, how its money moved from the
requirement's estimate to what was delivered, with the reason recorded for each change.

For the units the line was signed for: the requirement's estimate (its unit price), the
package's price (the funded unit price) and the original contract; then the contract as it
stands now (its current quantity and price, after the amendments in force) and the value
delivered (units received at the current price). Each amendment touching the line is named
with its kind, rationale, description and state.

A line some of whose figures are withheld from the reader is left out whole and counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.money import Money
from ...ledger.canonical import parse
from ...store import schema as t
from ..access.withholding import OPERATOR, Index, Reader
from .governance_models import VarianceChange, VarianceLine

#: the projected columns a line's figures come from: any withheld leaves the line out
_SOURCES = (
    ("contract_lines", ("quantity", "unit_price", "unit_price_minor")),
    ("package_lines", ("unit_price", "unit_price_minor", "value")),
    ("requirements", ("unit_price", "unit_price_minor")),
    ("contract_amendments", ("changes", "description")),
)


def variance(
    conn: Connection,
    *,
    package_id: str | None = None,
    reader: Reader = OPERATOR,
    readable: Callable[[str], bool] | None = None,
) -> list[VarianceLine]:
    """One row per contract line (``readable``: the contracts the reader may see)."""
    rows, _ = variance_report(conn, package_id=package_id, reader=reader, readable=readable)
    return rows


def variance_report(
    conn: Connection,
    *,
    package_id: str | None = None,
    reader: Reader = OPERATOR,
    readable: Callable[[str], bool] | None = None,
) -> tuple[list[VarianceLine], int]:
    """The rows, and how many lines were left out as withheld from ``reader``."""
    c, cl, pl, r = t.contracts, t.contract_lines, t.package_lines, t.requirements
    query = (
        select(
            c.c.id.label("contract_id"),
            c.c.package_id,
            c.c.currency,
            cl.c.line_no,
            cl.c.package_line_no,
            cl.c.item,
            cl.c.quantity,
            cl.c.unit_price_minor,
            pl.c.unit_price_minor.label("package_price_minor"),
            pl.c.requirement_id,
            r.c.unit_price_minor.label("estimate_minor"),
            r.c.unit_price_currency.label("estimate_currency"),
        )
        .select_from(
            cl.join(c, c.c.id == cl.c.contract_id)
            .join(pl, (pl.c.package_id == c.c.package_id) & (pl.c.line_no == cl.c.package_line_no))
            .join(r, r.c.id == pl.c.requirement_id)
        )
        .order_by(c.c.package_id, c.c.id, cl.c.line_no)
    )
    if package_id:
        query = query.where(c.c.package_id == package_id)
    index = Index(conn)
    changes = _changes(conn)
    received = _received(conn)
    out, withheld = [], 0
    for row in conn.execute(query).mappings():
        if readable is not None and not readable(row["contract_id"]):
            continue
        if _hidden(index, reader, row):
            withheld += 1
            continue
        out.append(_line(row, changes.get((row["contract_id"], row["line_no"]), []), received))
    return out, withheld


def _hidden(index: Index, reader: Reader, row) -> bool:
    keys: dict[str, list[tuple]] = {
        "contract_lines": [(row["contract_id"], row["line_no"])],
        "package_lines": [(row["package_id"], row["package_line_no"])],
        "requirements": [(row["requirement_id"],)],
        "contract_amendments": [(row["contract_id"],)],
    }
    return any(index.any_hidden(table, keys[table], reader, columns) for table, columns in _SOURCES)


def _line(row, changes: list[VarianceChange], received: dict[tuple[str, int], int]) -> VarianceLine:
    currency = row["currency"]
    in_force = [ch for ch in changes if ch["state"] == "in_force"]
    signed_qty = in_force[0]["old_quantity"] if in_force else row["quantity"]
    signed_price = Money.parse(in_force[0]["old_unit_price"], currency) if in_force else None
    price = Money.from_minor(row["unit_price_minor"], currency)
    original_price = signed_price or price
    delivered_qty = received.get((row["contract_id"], row["line_no"]), 0)
    estimate = Money.from_minor(row["estimate_minor"], row["estimate_currency"]).times(signed_qty)
    return {
        "contract_id": row["contract_id"],
        "line_no": row["line_no"],
        "package_id": row["package_id"],
        "package_line_no": row["package_line_no"],
        "requirement_id": row["requirement_id"],
        "item": row["item"],
        "currency": currency,
        "signed_quantity": signed_qty,
        "quantity": row["quantity"],
        "delivered_quantity": delivered_qty,
        "estimate": str(estimate),
        "package": str(Money.from_minor(row["package_price_minor"], currency).times(signed_qty)),
        "original": str(original_price.times(signed_qty)),
        "current": str(price.times(row["quantity"])),
        "delivered": str(price.times(delivered_qty)),
        "changes": changes,
        "reasons": "; ".join(f"{ch['amendment_id']} {ch['rationale']} ({ch['state']})" for ch in changes),
    }


def _changes(conn: Connection) -> dict[tuple[str, int], list[VarianceChange]]:
    """(contract, line) -> the amendments that change it, in the order proposed."""
    a = t.contract_amendments
    out: dict[tuple[str, int], list[VarianceChange]] = defaultdict(list)
    for row in conn.execute(select(a).order_by(a.c.contract_id, a.c.position)).mappings():
        for line in parse(row["changes"])["lines"]:
            out[(row["contract_id"], line["line_no"])].append(
                {
                    "amendment_id": row["amendment_id"],
                    "kind": row["kind"],
                    "rationale": row["rationale"],
                    "description": row["description"],
                    "state": row["state"],
                    "proposed_on": row["proposed_on"].isoformat(),
                    "effective_on": row["effective_on"].isoformat() if row["effective_on"] else None,
                    "old_quantity": line["old_quantity"],
                    "new_quantity": line["new_quantity"],
                    "old_unit_price": line["old_unit_price"],
                    "new_unit_price": line["new_unit_price"],
                }
            )
    return out


def _received(conn: Connection) -> dict[tuple[str, int], int]:
    s, sl = t.shipments, t.shipment_lines
    rows = conn.execute(
        select(s.c.contract_id, sl.c.contract_line_no, func.sum(sl.c.received))
        .select_from(sl.join(s, s.c.id == sl.c.shipment_id))
        .where(s.c.state == "received")
        .group_by(s.c.contract_id, sl.c.contract_line_no)
    )
    return {(cid, int(n)): int(total or 0) for cid, n, total in rows}

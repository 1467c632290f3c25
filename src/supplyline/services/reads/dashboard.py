"""Read models for the dashboard: the pledge-to-delivery picture by month, coverage of the
prioritised list, the package board and Drone Deal production.

Everything here is derived from the same projections and the same funnel flows as the
CLI's reports, so a figure on a page equals the figure `supplyline report` prints.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.lifecycle import PACKAGE, PLEDGE
from ...domain.money import Money
from ...domain.pledge import Pledge, earmark_refusal
from ...domain.values import month_of, months_spanning, today_utc
from ...store import schema as t
from ..access.withholding import OPERATOR, Index, Reader
from . import queries
from .read_models import RequirementRecord
from .reports import STAGES, Converter, converted_sums, visible_flows


def money_by_month(conn: Connection, currency: str, reader: Reader = OPERATOR, index: Index | None = None) -> dict:
    """Per month: money reaching each stage, and the need falling due (requirement value by
    needed-by month), with running totals; and the gap between need and money allocated.
    Only what ``reader`` may see counts (see ``reports.visible_flows``)."""
    to = Converter(conn, currency)
    zero = Money.zero(to.target)
    monthly: dict[str, dict[str, Money]] = defaultdict(lambda: dict.fromkeys((*STAGES, "need"), zero))
    shown, *_ = visible_flows(conn, reader, index)
    sums, unconverted = converted_sums(shown, to, lambda flow: (month_of(flow.day), flow.stage))
    for (month, stage), amount in sums.items():
        monthly[month][stage] = amount
    r = t.requirements
    for row in conn.execute(
        select(r.c.quantity, r.c.unit_price_minor, r.c.unit_price_currency, r.c.needed_by, r.c.list_month).where(
            r.c.state != "withdrawn"
        )
    ):
        due = row.needed_by or date.fromisoformat(row.list_month + "-01")
        value = Money.from_minor(row.unit_price_minor * row.quantity, row.unit_price_currency)
        need = to(value, min(due, today_utc()))
        if need is None:
            unconverted.append(to.unconverted("need", value, min(due, today_utc())))
            continue
        monthly[month_of(due)]["need"] += need
    if not monthly:
        return {
            "currency": to.target,
            "months": [],
            "totals": dict.fromkeys((*STAGES, "need"), "0"),
            "gap": "0",
            "rates_used": [],
            "unconverted": unconverted,
        }
    months = months_spanning(monthly)
    running = dict.fromkeys((*STAGES, "need"), zero)
    rows = []
    for month in months:
        figures = monthly.get(month, dict.fromkeys(running, zero))
        for k in running:
            running[k] += figures[k]
        rows.append(
            {
                "month": month,
                **{k: str(figures[k].amount) for k in running},
                **{f"{k}_to_date": str(running[k].amount) for k in running},
            }
        )
    return {
        "currency": to.target,
        "months": rows,
        "totals": {k: str(v.amount) for k, v in running.items()},
        "gap": str((running["need"] - running["allocated"]).amount),
        "rates_used": to.rates(),
        "unconverted": unconverted,
    }


def _open_pledges(conn: Connection) -> list[Pledge]:
    """Pledges with money left, as domain entities (enough of them to ask about earmarks)."""
    out = []
    for row in queries.list_pledges(conn):
        if row["state"] not in PLEDGE.group("spendable"):
            continue
        p = Pledge(
            id=row["id"],
            funder=row["funder"],
            mechanism=row["mechanism"],
            categories=tuple(row["categories"]),
            origins=tuple(row["origins"]),
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        )
        p.amount = Money.parse(row["remaining"], row["amount_currency"])
        out.append(p)
    return out


def _why_unfunded(row: RequirementRecord, packaged: int, pledges: list[Pledge], on: date) -> str:
    """The reason, in users' words, that part of a line has no money yet."""
    if row["state"] in ("draft", "submitted"):
        return "awaiting validation by the coordinator"
    if row["state"] == "withdrawn":
        return "withdrawn"
    if packaged > row["funded_quantity"]:
        return f"in a package, awaiting funding for {packaged - row['funded_quantity']} {row['unit']}"
    origin = row["origin"] if len(row["origin"]) == 2 else "US"
    usable = [
        p
        for p in pledges
        if any(
            earmark_refusal(p, mechanism=m, category=row["category"], origin=origin, on=on) is None
            for m in ("purl", "drone_deal", "bilateral")
        )
    ]
    if not usable:
        return f"no pledge with money left may pay for {row['category'].replace('_', ' ')} made in {origin}"
    return f"{len(usable)} pledge(s) with money left may pay for it: not yet put in a package"


def requirement_coverage(
    conn: Connection, *, category: str | None = None, state: str | None = None, tier: int | None = None
) -> dict:
    """The prioritised list with coverage per line and per category, and why the rest is unfunded."""
    rows = queries.list_requirements(conn, category=category, state=state)
    if tier is not None:
        rows = [r for r in rows if r["priority"] == tier]
    pl = t.package_lines
    packaged: dict[str, int] = defaultdict(int)
    for req_id, qty, pkg_state in conn.execute(
        select(pl.c.requirement_id, pl.c.quantity, t.packages.c.state).select_from(
            pl.join(t.packages, t.packages.c.id == pl.c.package_id)
        )
    ):
        if pkg_state != "rejected":
            packaged[req_id] += qty
    pledges = _open_pledges(conn)
    today = today_utc()
    lines = []
    for row in rows:
        price = Decimal(row["unit_price"])
        funded, delivered = row["funded_quantity"], row["delivered_quantity"]
        line = {
            **row,
            "value": str(price * row["quantity"]),
            "funded_value": str(price * funded),
            "packaged_quantity": packaged.get(row["id"], 0),
            "coverage": str((Decimal(funded) / row["quantity"] * 100).quantize(Decimal("0.1"))),
            "delivered_share": str((Decimal(delivered) / row["quantity"] * 100).quantize(Decimal("0.1"))),
            "unfunded_quantity": row["quantity"] - funded,
            "why_unfunded": None
            if funded >= row["quantity"]
            else _why_unfunded(row, packaged.get(row["id"], 0), pledges, today),
        }
        lines.append(line)
    return {"lines": lines, "categories": coverage_by_category(lines)}


def coverage_by_category(lines: list[dict]) -> list[dict]:
    """Need, funded and delivered value per category and currency of ``lines`` (withdrawn ones
    left out): a viewer's page passes the lines it may see, so no figure counts a hidden one."""
    by_category: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: {"need": Decimal(0), "funded": Decimal(0), "delivered": Decimal(0)}
    )
    for line in lines:
        if line["state"] != "withdrawn":
            cell = by_category[(line["category"], line["unit_price_currency"])]
            cell["need"] += Decimal(line["value"])
            cell["funded"] += Decimal(line["funded_value"])
            cell["delivered"] += Decimal(line["unit_price"]) * line["delivered_quantity"]
    return [
        {
            "category": cat,
            "currency": cur,
            "need": str(v["need"]),
            "funded": str(v["funded"]),
            "delivered": str(v["delivered"]),
            "coverage": str((v["funded"] / v["need"] * 100).quantize(Decimal("0.1")) if v["need"] else Decimal(0)),
        }
        for (cat, cur), v in sorted(by_category.items())
    ]


def package_board(conn: Connection) -> list[dict]:
    """Packages in columns by life-cycle state, in life-cycle order."""
    packages = queries.list_packages(conn)
    return [{"state": state, "packages": [p for p in packages if p["state"] == state]} for state in PACKAGE.states]


def production(conn: Connection) -> dict:
    """Facilities, capacity use per month (capacity against units produced and accepted), and
    production orders with their lots, for a timeline."""
    facilities = queries.list_facilities(conn)
    orders = queries.list_orders(conn)
    produced: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: {"produced": 0, "accepted": 0})
    for order in orders:
        for lot in order["lots"]:
            cell = produced[(order["facility_id"], order["item"], lot["produced_on"][:7])]
            cell["produced"] += lot["quantity"]
            cell["accepted"] += lot["accepted"] or 0
    use = []
    for facility in facilities:
        for item in sorted({c["item"] for c in facility["capacity"]}):
            entries = sorted((c for c in facility["capacity"] if c["item"] == item), key=lambda c: c["from_month"])
            last = max([entries[-1]["from_month"], *(m for (f, i, m) in produced if f == facility["id"] and i == item)])
            for month in months_spanning((entries[0]["from_month"], last)):
                capacity = next(c["monthly_quantity"] for c in reversed(entries) if c["from_month"] <= month)
                cell = produced.get((facility["id"], item, month), {"produced": 0, "accepted": 0})
                use.append(
                    {
                        "facility_id": facility["id"],
                        "item": item,
                        "month": month,
                        "capacity": capacity,
                        **cell,
                        "utilisation": str(
                            (Decimal(cell["produced"]) / capacity * 100).quantize(Decimal("0.1"))
                            if capacity
                            else Decimal(0)
                        ),
                    }
                )
    return {"facilities": facilities, "capacity_use": use, "orders": orders}

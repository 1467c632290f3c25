"""Packages as the public may see them (issue 21 item 2): who funds each, what it is worth,
its state and the share delivered.

Every figure is read through the same withholding index as the OCDS export and the public
log (``services/access/withholding.py``, as the public reader): a figure that rests on a
value its recorder withheld is not computed at all but says until when it is withheld, so
a page never shows it as 0.00 nor leaves it out without a word.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.money import Money
from ...store import schema as t
from ..access.withholding import PUBLIC_READER, Index, Withheld


@dataclass(frozen=True)
class Figure:
    """A figure of a package, or why the public may not see it yet."""

    amount: Decimal | None
    currency: str | None = None
    #: the value(s) it rests on are withheld; ``until`` is the latest release date among them
    #: (None: at least one has no release date)
    withheld: bool = False
    until: str | None = None
    #: the event that withheld (the first of) them: where the ledger shows its commitment
    event: int | None = None

    @classmethod
    def of(cls, minor: int, currency: str) -> Figure:
        return cls(Money.from_minor(minor, currency).amount, currency)

    @classmethod
    def withheld_by(cls, reasons: Iterable[Withheld], currency: str | None = None) -> Figure:
        reasons = list(reasons)
        dates = [r.embargo for r in reasons]
        until = None if None in dates else max(d for d in dates if d)
        return cls(None, currency, True, until, reasons[0].seq if reasons else None)


@dataclass(frozen=True)
class PackageSummary:
    id: str
    title: str
    state: str
    mechanism: str
    currency: str
    seller: str
    recipient: str
    funders: tuple[str, ...]
    value: Figure
    funded: Figure
    contracted: Figure
    delivered: Figure
    #: delivered value as a percentage of contracted value (None: nothing contracted yet)
    share_delivered: Figure


class _Public:
    """The public's view of projection rows: which columns of a row it may not see, and why."""

    def __init__(self, conn: Connection):
        self.index = Index(conn)

    def why(self, table: str, key: tuple, columns: tuple[str, ...]) -> list[Withheld]:
        if not self.index:
            return []
        hidden = self.index.hidden(table, key, PUBLIC_READER)
        return [hidden[c] for c in columns if c in hidden]


def package_summaries(conn: Connection, package_id: str | None = None) -> list[PackageSummary]:
    """Every package (or the one named) as the public may see it, in id order."""
    public = _Public(conn)
    p = t.packages
    query = select(p).order_by(p.c.id)
    if package_id is not None:
        query = query.where(p.c.id == package_id)
    packages = [dict(row) for row in conn.execute(query).mappings()]
    ids = [row["id"] for row in packages]
    names = dict(conn.execute(select(t.parties.c.id, t.parties.c.name)).all())
    funders = _funders(conn, ids, names)
    value, funded = _package_money(conn, public, ids), _funded(conn, public, ids)
    contracted, delivered = _contracted_and_delivered(conn, public, ids)
    out = []
    for row in packages:
        pid, currency = row["id"], row["currency"]
        promised = contracted.get(pid)
        done = delivered.get(pid) or (Figure.of(0, promised.currency) if promised and promised.currency else None)
        out.append(
            PackageSummary(
                id=pid,
                title=row["title"],
                state=row["state"],
                mechanism=row["mechanism"],
                currency=currency,
                seller=names.get(row["seller"], row["seller"]),
                recipient=names.get(row["recipient"], row["recipient"]),
                funders=tuple(funders.get(pid, ())),
                value=value.get(pid) or Figure.of(0, currency),
                funded=funded.get(pid) or Figure.of(0, currency),
                contracted=promised or Figure(None, currency),
                delivered=done or Figure(None, currency),
                share_delivered=_share(done, promised),
            )
        )
    return out


def _funders(conn: Connection, ids: list[str], names: dict[str, str]) -> dict[str, list[str]]:
    """Each package's funders by name (who funds a package is public; how much of whose pledge
    is each allocation's to withhold)."""
    a, pl = t.allocations, t.pledges
    rows = conn.execute(
        select(a.c.package_id, pl.c.funder)
        .distinct()
        .select_from(a.join(pl, pl.c.id == a.c.pledge_id))
        .where(a.c.package_id.in_(ids))
        .order_by(a.c.package_id, pl.c.funder)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for package_id, funder in rows:
        out[package_id].append(names.get(funder, funder))
    return out


def _total(parts: dict[str, list[tuple[int, str, list[Withheld]]]]) -> dict[str, Figure]:
    """Per package, the sum of its parts (minor units, currency, why withheld), or withheld
    when any part is; parts in more than one currency have no one total."""
    out = {}
    for package_id, items in parts.items():
        reasons = [r for _, _, why in items for r in why]
        currencies = {currency for _, currency, _ in items}
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        if reasons:
            out[package_id] = Figure.withheld_by(reasons, currency)
        elif currency is not None:
            out[package_id] = Figure.of(sum(minor for minor, _, _ in items), currency)
    return out


def _package_money(conn: Connection, public: _Public, ids: list[str]) -> dict[str, Figure]:
    pl = t.package_lines
    rows = conn.execute(
        select(pl.c.package_id, pl.c.line_no, pl.c.quantity, pl.c.unit_price_minor, pl.c.unit_price_currency).where(
            pl.c.package_id.in_(ids), pl.c.cancelled_on.is_(None)
        )
    )
    parts: dict[str, list] = defaultdict(list)
    for r in rows:
        why = public.why("package_lines", (r.package_id, r.line_no), ("quantity", "unit_price_minor", "value"))
        parts[r.package_id].append((r.quantity * r.unit_price_minor, r.unit_price_currency, why))
    return _total(parts)


def _funded(conn: Connection, public: _Public, ids: list[str]) -> dict[str, Figure]:
    a = t.allocations
    rows = conn.execute(
        select(a.c.id, a.c.package_id, a.c.line_amount_minor, a.c.line_amount_currency).where(a.c.package_id.in_(ids))
    )
    parts: dict[str, list] = defaultdict(list)
    for r in rows:
        why = public.why("allocations", (r.id,), ("line_amount_minor", "line_amount"))
        parts[r.package_id].append((r.line_amount_minor, r.line_amount_currency, why))
    return _total(parts)


def _contracted_and_delivered(
    conn: Connection, public: _Public, ids: list[str]
) -> tuple[dict[str, Figure], dict[str, Figure]]:
    """What the package's contracts are worth, and what of it has arrived (each received item
    at its contract line's price)."""
    c, cl, s, sl = t.contracts, t.contract_lines, t.shipments, t.shipment_lines
    lines = conn.execute(
        select(c.c.package_id, cl.c.contract_id, cl.c.line_no, cl.c.quantity, cl.c.unit_price_minor)
        .add_columns(cl.c.unit_price_currency)
        .select_from(cl.join(c, c.c.id == cl.c.contract_id))
        .where(c.c.package_id.in_(ids))
    ).all()
    price_columns = ("quantity", "unit_price_minor", "unit_price")
    contracted: dict[str, list] = defaultdict(list)
    price: dict[tuple[str, int], tuple[int, str, list[Withheld]]] = {}
    for r in lines:
        why = public.why("contract_lines", (r.contract_id, r.line_no), price_columns)
        contracted[r.package_id].append((r.quantity * r.unit_price_minor, r.unit_price_currency, why))
        unit_why = public.why("contract_lines", (r.contract_id, r.line_no), ("unit_price_minor", "unit_price"))
        price[(r.contract_id, r.line_no)] = (r.unit_price_minor, r.unit_price_currency, unit_why)
    received = conn.execute(
        select(c.c.package_id, s.c.id, s.c.contract_id, sl.c.contract_line_no, sl.c.received)
        .select_from(sl.join(s, s.c.id == sl.c.shipment_id).join(c, c.c.id == s.c.contract_id))
        .where(c.c.package_id.in_(ids), sl.c.received.is_not(None))
    ).all()
    delivered: dict[str, list] = defaultdict(list)
    for r in received:
        minor, currency, unit_why = price[(r.contract_id, r.contract_line_no)]
        why = unit_why + public.why("shipment_lines", (r.id, r.contract_line_no), ("received", "quantity"))
        delivered[r.package_id].append((r.received * minor, currency, why))
    return _total(contracted), _total(delivered)


def _share(delivered: Figure | None, contracted: Figure | None) -> Figure:
    """Delivered as a percentage of contracted, to one decimal (withheld with either)."""
    if delivered is None or contracted is None:
        return Figure(None)
    if delivered.withheld or contracted.withheld:
        hidden = [f for f in (delivered, contracted) if f.withheld]
        dates = [f.until for f in hidden]
        return Figure(None, None, True, None if None in dates else max(d for d in dates if d), hidden[0].event)
    if not contracted.amount or delivered.amount is None:
        return Figure(None)
    return Figure((delivered.amount / contracted.amount * 100).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class PublicPackage:
    """One package's public page: its summary, lines, funders and deliveries (each figure a
    ``Figure``: withheld ones say until when)."""

    summary: PackageSummary
    lines: list[dict]
    funding: list[dict]
    deliveries: list[dict]


def public_package(conn: Connection, package_id: str) -> PublicPackage | None:
    """The package as the public may see it, or None when there is none of that id."""
    found = package_summaries(conn, package_id)
    if not found:
        return None
    public, summary = _Public(conn), found[0]
    return PublicPackage(
        summary, _lines(conn, public, summary), _funding(conn, public, summary), _deliveries(conn, public, package_id)
    )


def _figure(why: list[Withheld], value: Decimal | int | None, currency: str | None = None) -> Figure:
    return Figure.withheld_by(why, currency) if why else Figure(None if value is None else Decimal(value), currency)


def _lines(conn: Connection, public: _Public, summary: PackageSummary) -> list[dict]:
    pl = t.package_lines
    rows = conn.execute(select(pl).where(pl.c.package_id == summary.id).order_by(pl.c.line_no)).mappings()
    out = []
    for r in rows:
        key = (summary.id, r["line_no"])
        price = Money.from_minor(r["unit_price_minor"], r["unit_price_currency"])
        out.append(
            {
                "line_no": r["line_no"],
                "item": r["item"],
                "category": r["category"],
                "quantity": _figure(public.why("package_lines", key, ("quantity",)), r["quantity"]),
                "unit_price": _figure(
                    public.why("package_lines", key, ("unit_price_minor",)), price.amount, price.currency
                ),
                "value": _figure(
                    public.why("package_lines", key, ("quantity", "unit_price_minor", "value")),
                    price.times(r["quantity"]).amount,
                    price.currency,
                ),
                "cancelled_on": r["cancelled_on"],
            }
        )
    return out


def _funding(conn: Connection, public: _Public, summary: PackageSummary) -> list[dict]:
    """What each funder gave the package, in the package's currency."""
    a, pl = t.allocations, t.pledges
    rows = conn.execute(
        select(a.c.id, pl.c.funder, a.c.line_amount_minor, a.c.line_amount_currency)
        .select_from(a.join(pl, pl.c.id == a.c.pledge_id))
        .where(a.c.package_id == summary.id)
        .order_by(pl.c.funder, a.c.id)
    )
    names = dict(conn.execute(select(t.parties.c.id, t.parties.c.name)).all())
    parts: dict[str, list] = defaultdict(list)
    for r in rows:
        why = public.why("allocations", (r.id,), ("line_amount_minor", "line_amount"))
        parts[r.funder].append((r.line_amount_minor, r.line_amount_currency, why))
    totals = _total(parts)
    return [{"funder": names.get(f, f), "funder_id": f, "amount": totals.get(f, Figure(None))} for f in parts]


def _deliveries(conn: Connection, public: _Public, package_id: str) -> list[dict]:
    """Each shipment line of the package's contracts: when it left and arrived, how many."""
    c, s, sl, cl = t.contracts, t.shipments, t.shipment_lines, t.contract_lines
    rows = conn.execute(
        select(s.c.id, s.c.contract_id, s.c.state, s.c.shipped_on, s.c.received_on, sl.c.contract_line_no)
        .add_columns(sl.c.quantity, sl.c.received, cl.c.item)
        .select_from(
            sl.join(s, s.c.id == sl.c.shipment_id)
            .join(c, c.c.id == s.c.contract_id)
            .join(cl, (cl.c.contract_id == s.c.contract_id) & (cl.c.line_no == sl.c.contract_line_no))
        )
        .where(c.c.package_id == package_id)
        .order_by(s.c.shipped_on, s.c.id, sl.c.contract_line_no)
    )
    out = []
    for r in rows:
        shipment = public.index.hidden("shipments", (r.id,), PUBLIC_READER) if public.index else {}
        line = (r.id, r.contract_line_no)
        item = public.why("contract_lines", (r.contract_id, r.contract_line_no), ("item",))
        out.append(
            {
                "shipment": r.id,
                "contract": r.contract_id,
                "item": Figure.withheld_by(item) if item else r.item,
                "state": r.state,
                "shipped_on": _day(shipment.get("shipped_on"), r.shipped_on),
                "received_on": _day(shipment.get("received_on"), r.received_on),
                "shipped": _figure(public.why("shipment_lines", line, ("quantity",)), r.quantity),
                "received": _figure(public.why("shipment_lines", line, ("received",)), r.received),
            }
        )
    return out


def _day(why: Withheld | None, day: date | None) -> Figure | date | None:
    return Figure.withheld_by([why]) if why else day


def withheld_schedule(conn: Connection) -> list[dict]:
    """What is withheld from the public today, by disclosure level and release date: how many
    fields of how many records (the methodology page's table; the values stay in the log as
    commitments until then)."""
    index = Index(conn)
    groups: dict[tuple[str, str | None], dict] = {}
    for item in index.fields if index else ():
        if not index.hidden_from(item, PUBLIC_READER):
            continue
        group = groups.setdefault((item.level, item.embargo), {"fields": 0, "records": set()})
        group["fields"] += 1
        group["records"].add(item.stream_id)
    return [
        {
            "level": level,
            "release": date.fromisoformat(until) if until else None,
            "fields": g["fields"],
            "records": len(g["records"]),
        }
        for (level, until), g in sorted(groups.items(), key=lambda kv: (kv[0][1] or "9999", kv[0][0]))
    ]

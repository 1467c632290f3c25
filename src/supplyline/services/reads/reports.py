"""Reports: the funnel per funder and the trace of a package, from the projections.

Both rest on one attribution (domain.attribution): contracted and delivered value on a
package line belongs to the pledges that funded that line, in proportion to what each put
in. A pledge's money is converted into the reporting currency at one rate at every stage,
the rate of the day it was pledged: converting each stage at its own day's rate let a
later stage exceed an earlier one (delivered above contracted) on exchange-rate moves
alone. Each pledge's sum per figure is converted once, so no figure carries the rounding
leftovers of converting its parts one by one. A figure recorded in the reporting currency
itself (what an allocation, a contract line or a receipt holds in the package's currency) is
shown as recorded, never converted to the pledge's currency and back: a round trip through
two rates loses cents (the Netherlands' USD 318,120,000 delivered showed as
318,119,999.99). Every rate used is listed with the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from ...domain.attribution import Funding, attribute, merge_fundings
from ...domain.errors import InvalidInput
from ...domain.fx import Conversion, convert, fx_used
from ...domain.lifecycle import FINDING
from ...domain.money import Money, check_currency
from ...store import schema as t
from .. import facts
from ..access.withholding import OPERATOR, Index, Reader, Withheld
from .report_models import FunnelReport, RateUsed, Unconverted

LineKey = tuple[str, int]  # (package id, line no)
K = TypeVar("K", bound=Hashable)


class Converter:
    """Converts at dated rates, remembering which rates it used and which it lacked.

    A figure whose currencies no recorded day quotes on or before its date cannot be
    converted: the converter answers None and remembers the missing rate, so a report
    shows that figure as such and the rest of it stands (one funder's early pledge must
    not break a page for everyone)."""

    def __init__(self, conn: Connection, target: str):
        self.conn = conn
        self.target = check_currency(target)
        self.used: dict[tuple, dict] = {}
        self.lacking: set[tuple[str, str, date]] = set()
        #: the rate days each (date, currency) may use, read once per report (figures share dates)
        self._days: dict[tuple[date, str], list[facts.FxDay]] = {}

    def _fx_days(self, on: date, currency: str) -> list[facts.FxDay]:
        key = (on, currency)
        if key not in self._days:
            self._days[key] = facts.fx_days(self.conn, on, {currency, self.target})
        return self._days[key]

    def __call__(self, money: Money, on: date) -> Money | None:
        try:
            conversion: Conversion = convert(money, self.target, on, self._fx_days(on, money.currency))
        except InvalidInput as missing:
            if missing.field != "fx":
                raise
            self.lacking.add((money.currency, self.target, on))
            return None
        used = fx_used(conversion)
        if used:
            self.used[(used["date"], used["from"], used["to"])] = used
        return conversion.result

    def rates(self) -> list[RateUsed]:
        return [cast(RateUsed, self.used[k]) for k in sorted(self.used)]

    def missing_rate(self, money: Money, on: date) -> str:
        """The rate a figure lacks, in words: 'EUR→USD on or before 2024-01-31'."""
        return f"{money.currency}→{self.target} on or before {on.isoformat()}"

    def unconverted(self, what: str, money: Money, on: date, **about: str) -> Unconverted:
        """A figure that could not be converted, as reports show it (``about``: the funder or
        donor, or what else names it)."""
        shown = {
            "what": what,
            **about,
            "amount": str(money.amount),
            "currency": money.currency,
            "on": on.isoformat(),
            "missing_rate": self.missing_rate(money, on),
        }
        return cast(Unconverted, shown)


def _fundings(conn: Connection, package_id: str | None = None) -> dict[LineKey, list[Funding]]:
    a, p = t.allocations, t.pledges
    query = select(
        a.c.package_id,
        a.c.line_no,
        a.c.pledge_id,
        p.c.funder,
        a.c.amount_minor,
        a.c.amount_currency,
        a.c.line_amount_minor,
        a.c.line_amount_currency,
    ).select_from(a.join(p, p.c.id == a.c.pledge_id))
    if package_id is not None:
        query = query.where(a.c.package_id == package_id)
    raw: dict[LineKey, list[Funding]] = defaultdict(list)
    for row in conn.execute(query):
        raw[(row.package_id, row.line_no)].append(
            Funding(
                row.pledge_id,
                row.funder,
                Money.from_minor(row.amount_minor, row.amount_currency),
                Money.from_minor(row.line_amount_minor, row.line_amount_currency),
            )
        )
    return {key: merge_fundings(rows) for key, rows in raw.items()}


def _contract_lines(conn: Connection, package_id: str | None = None):
    c, cl = t.contracts, t.contract_lines
    query = (
        select(
            c.c.id,
            c.c.package_id,
            c.c.supplier,
            c.c.kind,
            c.c.signed_on,
            cl.c.line_no,
            cl.c.package_line_no,
            cl.c.item,
            cl.c.quantity,
            cl.c.unit_price_minor,
            cl.c.unit_price_currency,
        )
        .select_from(cl.join(c, c.c.id == cl.c.contract_id))
        .order_by(c.c.id, cl.c.line_no)
    )
    if package_id is not None:
        query = query.where(c.c.package_id == package_id)
    return conn.execute(query).all()


def _receipts(conn: Connection, package_id: str | None = None):
    c, cl, s, sl = t.contracts, t.contract_lines, t.shipments, t.shipment_lines
    query = (
        select(
            s.c.id.label("shipment_id"),
            s.c.shipped_on,
            s.c.received_on,
            s.c.note,
            c.c.id.label("contract_id"),
            c.c.package_id,
            cl.c.line_no,
            cl.c.package_line_no,
            cl.c.item,
            sl.c.quantity,
            sl.c.received,
            cl.c.unit_price_minor,
            cl.c.unit_price_currency,
        )
        .select_from(
            sl.join(s, s.c.id == sl.c.shipment_id)
            .join(c, c.c.id == s.c.contract_id)
            .join(cl, and_(cl.c.contract_id == c.c.id, cl.c.line_no == sl.c.contract_line_no))
        )
        .where(s.c.state == "received")
        .order_by(s.c.received_on, s.c.id, cl.c.line_no)
    )
    if package_id is not None:
        query = query.where(c.c.package_id == package_id)
    return conn.execute(query).all()


STAGES = ("pledged", "allocated", "contracted", "delivered")


#: the projection rows a figure is computed from: (table, primary key, columns)
Sources = tuple[tuple[str, tuple, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Flow:
    """Money of one pledge reaching a stage of the funnel on a day, in the pledge's currency.

    ``rate_day`` is the day whose rate converts it (the pledge's day, see the module note);
    ``sources`` are the projection rows the figure is computed from (table, primary key,
    columns), so a reader's view can leave out a figure built on a value withheld from it."""

    stage: str
    funder: str
    day: date
    original: Money  # in the pledge's currency
    pledge_id: str
    rate_day: date
    sources: Sources = ()
    #: the same money as recorded in the package's currency (allocations, contracts, receipts)
    recorded: Money | None = None
    #: the records the figure comes from ("kind:id"): a record with an open audit finding
    #: flags the figures it contributes to (issue 18)
    records: tuple[str, ...] = ()


def flows(conn: Connection) -> Iterator[Flow]:
    """Every movement of money from pledge to delivery, dated and attributed to its pledge.

    Pledges count on the day pledged, allocations on the day allocated; contracted and
    delivered value is attributed to the pledges that funded the line (pro rata) on the day
    the contract was signed or the receipt confirmed.
    """
    pledged_on: dict[str, date] = {}  # filled by the first, read by the second
    yield from _pledged_and_allocated(conn, pledged_on)
    yield from _contracted_and_delivered(conn, pledged_on)


def _pledged_and_allocated(conn: Connection, pledged_on: dict[str, date]) -> Iterator[Flow]:
    pl, a = t.pledges, t.allocations
    for p in conn.execute(select(pl.c.id, pl.c.funder, pl.c.amount_minor, pl.c.amount_currency, pl.c.pledged_on)):
        pledged_on[p.id] = p.pledged_on
        yield Flow(
            "pledged",
            p.funder,
            p.pledged_on,
            Money.from_minor(p.amount_minor, p.amount_currency),
            p.id,
            p.pledged_on,
            (("pledges", (p.id,), ("amount", "funder", "pledged_on")),),
            records=(f"pledge:{p.id}",),
        )
    for r in conn.execute(
        select(
            a.c.id,
            a.c.pledge_id,
            a.c.package_id,
            pl.c.funder,
            a.c.amount_minor,
            a.c.amount_currency,
            a.c.line_amount_minor,
            a.c.line_amount_currency,
            a.c.allocated_on,
        ).select_from(a.join(pl, pl.c.id == a.c.pledge_id))
    ):
        yield Flow(
            "allocated",
            r.funder,
            r.allocated_on,
            Money.from_minor(r.amount_minor, r.amount_currency),
            r.pledge_id,
            pledged_on[r.pledge_id],
            (("allocations", (r.id,), ("amount", "line_amount")),),
            Money.from_minor(r.line_amount_minor, r.line_amount_currency),
            records=(f"pledge:{r.pledge_id}", f"package:{r.package_id}"),
        )


def _contracted_and_delivered(conn: Connection, pledged_on: dict[str, date]) -> Iterator[Flow]:
    fundings = _fundings(conn)
    o, lot = t.production_orders, t.lots
    orders: dict[tuple[str, int], list[str]] = defaultdict(list)  # a contract line's production orders and lots
    for order in conn.execute(select(o.c.contract_id, o.c.contract_line_no, o.c.id).order_by(o.c.id)):
        orders[(order.contract_id, order.contract_line_no)].append(f"order:{order.id}")
    for made in conn.execute(
        select(o.c.contract_id, o.c.contract_line_no, lot.c.lot_id).select_from(lot.join(o, o.c.id == lot.c.order_id))
    ):
        orders[(made.contract_id, made.contract_line_no)].append(f"lot:{made.lot_id}")
    for line in _contract_lines(conn):
        value = Money.from_minor(line.unit_price_minor * line.quantity, line.unit_price_currency)
        source: Sources = (("contract_lines", (line.id, line.line_no), ("quantity", "unit_price")),)
        for share in attribute(value, fundings.get((line.package_id, line.package_line_no), [])):
            pledge = share.funding.pledge_id
            yield Flow(
                "contracted",
                share.funding.funder,
                line.signed_on,
                share.pledge_amount,
                pledge,
                pledged_on[pledge],
                source,
                share.line_amount,
                records=(
                    f"pledge:{pledge}",
                    f"package:{line.package_id}",
                    f"contract:{line.id}",
                    *orders[(line.id, line.line_no)],
                ),
            )
    for receipt in _receipts(conn):
        value = Money.from_minor(receipt.unit_price_minor * receipt.received, receipt.unit_price_currency)
        source = (
            ("contract_lines", (receipt.contract_id, receipt.line_no), ("unit_price",)),
            ("shipment_lines", (receipt.shipment_id, receipt.line_no), ("received",)),
        )
        for share in attribute(value, fundings.get((receipt.package_id, receipt.package_line_no), [])):
            pledge = share.funding.pledge_id
            yield Flow(
                "delivered",
                share.funding.funder,
                receipt.received_on,
                share.pledge_amount,
                pledge,
                pledged_on[pledge],
                source,
                share.line_amount,
                records=(
                    f"pledge:{pledge}",
                    f"package:{receipt.package_id}",
                    f"contract:{receipt.contract_id}",
                    f"shipment:{receipt.shipment_id}",
                ),
            )


def converted_sums(
    shown: Iterable[Flow], to: Converter, key: Callable[[Flow], K]
) -> tuple[dict[K, Money], list[Unconverted]]:
    """The flows summed per ``key`` in the reporting currency: each pledge's part of a figure
    summed in its own currency and converted once, at the pledge's rate; and the parts no
    recorded rate converts (left out of the sums, listed as ``Converter.unconverted``)."""
    parts: dict[tuple[K, str], list[Flow]] = defaultdict(list)
    for flow in shown:
        parts[(key(flow), flow.pledge_id)].append(flow)
    sums: dict[K, Money] = {}
    unconverted: list[Unconverted] = []
    for (figure, _), pledge_flows in parts.items():
        exact = [f.recorded for f in pledge_flows if f.recorded is not None and f.recorded.currency == to.target]
        others = [f for f in pledge_flows if f.recorded is None or f.recorded.currency != to.target]
        figure_sum = sum(exact[1:], exact[0]) if exact else None
        if others:
            first = others[0]
            original = sum((f.original for f in others[1:]), first.original)
            converted = to(original, first.rate_day)
            if converted is None:
                unconverted.append(to.unconverted(first.stage, original, first.rate_day, funder=first.funder))
                continue
            figure_sum = converted if figure_sum is None else figure_sum + converted
        assert figure_sum is not None
        sums[figure] = sums[figure] + figure_sum if figure in sums else figure_sum
    return sums, unconverted


@dataclass(frozen=True)
class LeftOut:
    """A flow left out of a reader's figures, and the withheld value it rests on."""

    flow: Flow
    why: Withheld
    funder_shown: bool  # whether the reader may know which funder's figure it is


def visible_flows(
    conn: Connection, reader: Reader = OPERATOR, index: Index | None = None
) -> tuple[list[Flow], dict[str, int], list[LeftOut]]:
    """The flows ``reader`` may see, per stage how many were left out because they rest on a
    value withheld from it (so totals never reveal what a disclosure level keeps back), and
    those left out with the withheld value each rests on (its event and embargo).
    ``index``: the ledger's withheld fields, when the caller has read them already."""
    index = index if index is not None else Index(conn)
    shown, undisclosed, left_out = [], dict.fromkeys(STAGES, 0), []
    for flow in flows(conn):
        why = None
        if index:
            why = next(
                (w for table, key, columns in flow.sources if (w := index.any_hidden(table, [key], reader, columns))),
                None,
            )
        if why is None:
            shown.append(flow)
            continue
        undisclosed[flow.stage] += 1
        funder_hidden = index.any_hidden("pledges", [(flow.pledge_id,)], reader, ("funder",))
        left_out.append(LeftOut(flow, why, funder_hidden is None))
    return shown, undisclosed, left_out


def _open_findings_by_funder(conn: Connection, shown: Iterable[Flow]) -> dict[str, dict[str, int]]:
    """funder -> stage -> how many records with an audit finding still open its figures at
    that stage come from (issue 18: a record with an open finding flags the funnel figures
    it contributes to; a count, as the figures are sums)."""
    f = t.findings
    query = select(f.c.record_kind, f.c.record_id).where(f.c.state.in_(FINDING.group("open")))
    open_records = {f"{kind}:{record_id}" for kind, record_id in conn.execute(query)}
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for flow in shown:
        if hit := open_records.intersection(flow.records):
            found[flow.funder][flow.stage] |= hit
    return {funder: {stage: len(found[funder][stage]) for stage in STAGES if found[funder][stage]} for funder in found}


def _withheld_by_funder(left_out: list[LeftOut]) -> dict[str, dict[str, dict]]:
    """funder -> stage -> how many of its figures are withheld, until when (the latest
    embargo, None if open-ended) and the event that withholds the first of them."""
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for item in left_out:
        if not item.funder_shown:
            continue
        cell = out[item.flow.funder].setdefault(
            item.flow.stage, {"figures": 0, "until": item.why.embargo, "event": item.why.seq}
        )
        cell["figures"] += 1
        if cell["until"] is not None:
            cell["until"] = None if item.why.embargo is None else max(cell["until"], item.why.embargo)
    return out


def funnel(conn: Connection, currency: str, reader: Reader = OPERATOR, index: Index | None = None) -> FunnelReport:
    """Per funder: pledged, allocated, contracted, delivered, in one reporting currency, of
    what ``reader`` may see (the operator sees everything). A funder the reader may know of
    whose figures rest on withheld values is listed with them marked ``withheld`` (how many,
    until when), never as a bare zero."""
    to = Converter(conn, currency)
    zero = Money.zero(to.target)
    shown, undisclosed, left_out = visible_flows(conn, reader, index)
    sums, unconverted = converted_sums(shown, to, lambda flow: (flow.funder, flow.stage))
    rows: dict[str, dict[str, Money]] = defaultdict(lambda: dict.fromkeys(STAGES, zero))
    for (funder, stage), amount in sums.items():
        rows[funder][stage] = amount
    withheld = _withheld_by_funder(left_out)
    flagged = _open_findings_by_funder(conn, shown)
    for funder in withheld:  # a funder whose every figure is withheld is listed too
        rows.setdefault(funder, dict.fromkeys(STAGES, zero))
    names = dict(conn.execute(select(t.parties.c.id, t.parties.c.name)).all())
    funders = []
    totals = dict.fromkeys(STAGES, zero)
    for funder in sorted(rows, key=lambda f: (-rows[f]["pledged"].amount, f)):
        figures = rows[funder]
        for k in totals:
            totals[k] += figures[k]
        funders.append(
            {
                "funder": funder,
                "name": names.get(funder, funder),
                **{k: str(v.amount) for k, v in figures.items()},
                "withheld": withheld.get(funder, {}),
                "open_findings": flagged.get(funder, {}),
            }
        )
    report = {
        "currency": to.target,
        "funders": funders,
        "total": {k: str(v.amount) for k, v in totals.items()},
        "undisclosed": undisclosed,
        "rates_used": to.rates(),
        "unconverted": unconverted,
    }
    return cast(FunnelReport, report)


# the trace is its own module (services/reads/trace.py), read as ``reports.trace`` like the funnel
from .trace import trace as trace  # noqa: E402 - it reads the receipts and fundings defined above

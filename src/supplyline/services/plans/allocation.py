"""Run the allocation optimiser on the ledger: load, solve outside the lock, record in one go.

Candidates: requirement lines that are validated or partly funded, for their *open*
quantity — the quantity not yet held by a live (not rejected) package. Lines already in a
package are left to that package. Money: committed or partly allocated pledges, for what
they have left, valid on the allocation day.

Solving happens on a read snapshot, without the write lock, so other writers are not held
up. Recording happens in ONE write transaction: draft packages (funded lines grouped per
mechanism, recipient, currency and country of manufacture, each at least the minimum
package value), their lines, and every allocation through the same domain decisions a
person's ``allocate`` goes through, which re-check each one against the pledge as it is at
that moment. If the ledger moved on since the snapshot and a decision refuses, nothing is
written, and the plan is recomputed from the new state (a few times at most).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain.errors import InvalidInput, Refused, RuleViolation
from ...domain.lifecycle import PACKAGE, REQUIREMENT
from ...domain.money import Money
from ...domain.payments import Stages
from ...domain.pledge import Pledge
from ...domain.values import MECHANISMS, parse_choice
from ...ledger.canonical import parse
from ...ledger.chain import StoredEvent
from ...store import schema as t
from ...store.eventstore import Store, UnitOfWork, read_head
from .. import bus, facts
from ..context import Actor
from ..fields import TODAY, BusinessDay, Currency, choice, money_in, parse_seconds, parsed
from ..reads import lists
from ..records.funding import Allocate
from ..records.packages import AddLine, DraftPackage
from .plan_models import AllocationReport, AllocationTier, PlannedAllocation

if TYPE_CHECKING:  # the optimiser loads NumPy, SciPy and HiGHS: only the commands that solve import it
    from ...engines.allocation import Instance, Need, Result

ATTEMPTS = 3


def _sellers_by_mechanism(field: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidInput(field, value, "expected MECHANISM=PARTY pairs")
    return {parse_choice("seller", mechanism, MECHANISMS): str(party) for mechanism, party in value.items()}


class RunAllocation(BaseModel):
    """One run of the optimiser, every field parsed when it is built (the CLI's options or
    the API's query or body): a dry run plans and shows, otherwise the plan is recorded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: the allocation day (rates, validity windows); today (UTC) by default
    on: BusinessDay = TODAY
    #: the plan's currency: coverage is currency-free, money is reported in it
    currency: Currency = "USD"
    #: the minimum value of a package, in the plan currency
    min_package: Annotated[Money | None, money_in("currency", optional=True)] = None
    time_limit: Annotated[float, parsed(parse_seconds, maximum=3600)] = 60.0
    dry_run: bool = True
    instant: bool = False
    solver: Annotated[str, parsed(choice(("race", "highs", "cbc")))] = "race"
    #: mechanism -> the selling party of its new packages
    sellers: Annotated[dict[str, str], parsed(_sellers_by_mechanism)] = Field(default_factory=dict)


def load_instance(conn: Connection, on: date, currency: str, min_package: Decimal | None) -> Instance:
    from ...engines.allocation import Instance

    p = t.pledges
    pledges = [
        Pledge(
            id=row.id,
            funder=row.funder,
            amount=Money.from_minor(row.amount_minor, row.amount_currency),
            allocated=Money.from_minor(row.allocated_minor, row.amount_currency),
            pledged_on=row.pledged_on,
            mechanism=row.mechanism,
            categories=tuple(parse(row.categories)),
            origins=tuple(parse(row.origins)),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            state=row.state,
            stages=_returned(row.returned_minor, row.amount_currency),
            version=row.version,
        )
        for row in conn.execute(select(p).order_by(p.c.pledged_on, p.c.id))
    ]
    versions = lists.in_force(conn)
    needs = _needs(conn, versions)
    currencies = {currency} | {pl.currency for pl in pledges} | {n.currency for n in needs}
    fx = facts.fx_days(conn, on, currencies)
    return Instance(pledges, needs, on, fx, currency, min_package, list_versions=versions)


def _needs(conn: Connection, versions: dict[str, str]) -> list[Need]:
    """The fundable requirements with a quantity not yet in a live package; for a recipient
    whose list has an approved version, only its lines, ranked as it ranks them (issue 17)."""
    from ...engines.allocation import Need

    pl, pk = t.package_lines, t.packages
    packaged = dict(
        conn.execute(
            select(pl.c.requirement_id, func.sum(pl.c.quantity))
            .select_from(pl.join(pk, pk.c.id == pl.c.package_id))
            .where(pk.c.state.in_(PACKAGE.group("live")), pl.c.cancelled_on.is_(None))
            .group_by(pl.c.requirement_id)
        ).all()
    )
    r = t.requirements
    columns = (r.c.id, r.c.recipient, r.c.priority, r.c.rank, r.c.item, r.c.category, r.c.origin, r.c.quantity)
    terms = (r.c.min_lot, r.c.whole_only, r.c.unit_price_minor, r.c.unit_price_currency, r.c.unit)
    ranked = {v: {line.requirement_id: line for line in lists.ranked_lines(conn, v)} for v in versions.values()}
    needs = []
    # rows unpacked by position: reading 13 columns of 50,000 rows by name took seconds
    for row in conn.execute(select(*columns, *terms).where(r.c.state.in_(REQUIREMENT.group("fundable")))):
        line_id, recipient, tier, rank, item, category, origin, quantity, min_lot, whole_only, price, currency, unit = (
            row
        )
        if recipient in versions:
            listed = ranked[versions[recipient]].get(line_id)
            if listed is None:  # a new line takes effect for allocation only in an approved version
                continue
            tier, rank = listed.priority, listed.rank
        open_quantity = quantity - int(packaged.get(line_id, 0))
        if open_quantity > 0:
            needs.append(
                Need(
                    requirement_id=line_id,
                    recipient=recipient,
                    tier=tier,
                    rank=rank,
                    item=item,
                    category=category,
                    origin=origin,
                    open_quantity=open_quantity,
                    quantity=quantity,
                    min_lot=min_lot,
                    whole_only=whole_only,
                    unit_price_minor=price,
                    currency=currency,
                    unit=unit,
                )
            )
    return needs


def _returned(minor: int, currency: str) -> Stages:
    """The stages the optimiser needs of a pledge: what went back to the funder is not to allocate."""
    stages = Stages(currency)
    stages.returned = Money.from_minor(minor, currency)
    return stages


def plan(store: Store, cmd: RunAllocation) -> tuple[Instance, Result, int, dict[str, float]]:
    """Load on one snapshot and solve (no lock held while solving)."""
    from ...engines.allocation import allocate

    minimum = cmd.min_package.amount if cmd.min_package is not None else None
    began = time.perf_counter()
    with store.read() as conn:
        seq, _ = read_head(conn)
        instance = load_instance(conn, cmd.on, cmd.currency, minimum)
    loaded = time.perf_counter() - began
    result = allocate(instance, backend=cmd.solver, time_limit=cmd.time_limit, instant=cmd.instant)
    return instance, result, seq, {"load": loaded, **result.timings}


@dataclass
class Prepared:
    """A plan computed on one snapshot of the ledger, ready to be recorded (or shown)."""

    instance: Instance
    result: Result
    packages: list[PlannedPackage]
    seq: int  # the ledger's head when it was planned
    timings: dict[str, float]

    def report(self, recorded: list[dict] | None = None) -> AllocationReport:
        return report(self.instance, self.result, self.packages, self.timings, recorded=recorded)


def prepare(store: Store, cmd: RunAllocation) -> Prepared:
    """Plan without holding the ledger lock (other writers go on while the solver runs)."""
    if cmd.instant and not cmd.dry_run:
        raise InvalidInput("instant", True, "the instant plan is for what-ifs: record the certified plan instead")
    instance, result, seq, timings = plan(store, cmd)
    return Prepared(instance, result, group_packages(result, instance.min_package), seq, timings)


def record(
    store: Store, actor: Actor, prepared: Prepared, sellers: dict[str, str]
) -> tuple[AllocationReport, list[StoredEvent]]:
    """Record a prepared plan in one transaction; every allocation is decided again on the
    ledger as it is now, so a plan that another writer made stale is refused whole.
    Returns the report and the events appended."""
    began = time.perf_counter()
    recorded, appended = _record(store, actor, prepared.instance, prepared.packages, sellers)
    prepared.timings["record"] = time.perf_counter() - began
    return prepared.report(recorded), appended


def run_allocation(store: Store, actor: Actor, cmd: RunAllocation) -> AllocationReport:
    """Plan, and unless it is a dry run, record the draft packages and allocations (planning
    again, up to ATTEMPTS times, when another writer moved the ledger meanwhile)."""
    for attempt in range(1, ATTEMPTS + 1):
        prepared = prepare(store, cmd)
        if cmd.dry_run or not prepared.result.plan.purchases:
            return prepared.report()
        try:
            return record(store, actor, prepared, cmd.sellers)[0]
        except Refused:
            with store.read() as conn:
                moved_on = read_head(conn)[0] != prepared.seq
            if moved_on and attempt < ATTEMPTS:
                continue
            raise
    raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass
class PlannedPackage:
    mechanism: str
    recipient: str
    currency: str
    origin: str
    purchases: list = field(default_factory=list)

    @property
    def value(self) -> Money:
        total = Money.zero(self.currency)
        for purchase in self.purchases:
            total = total + purchase.value
        return total


def group_packages(result: Result, min_package: Decimal | None) -> list[PlannedPackage]:
    """Funded lines grouped into draft packages; with a minimum value, a group is cut into
    packages in priority order, a new one starting once the current one reaches the minimum
    (a remainder below it joins the last)."""
    groups: dict[tuple, list] = {}
    for purchase in result.plan.purchases:
        groups.setdefault(purchase.group, []).append(purchase)
    out: list[PlannedPackage] = []
    for (mechanism, recipient, ccy, origin), purchases in sorted(groups.items()):
        rate = result.rates.get(ccy, Decimal(1))
        chunks: list[PlannedPackage] = [PlannedPackage(mechanism, recipient, ccy, origin)]
        values = [Decimal(0)]  # running value of each chunk, in the plan currency
        for purchase in purchases:
            chunks[-1].purchases.append(purchase)
            values[-1] += purchase.value.amount * rate
            if min_package is not None and values[-1] >= min_package:
                chunks.append(PlannedPackage(mechanism, recipient, ccy, origin))
                values.append(Decimal(0))
        if not chunks[-1].purchases:
            chunks.pop()
            values.pop()
        elif len(chunks) > 1 and min_package is not None and values[-1] < min_package:
            chunks[-2].purchases.extend(chunks.pop().purchases)
        out.extend(chunks)
    return out


def _sellers(conn: Connection) -> dict[tuple[str, str | None], tuple[str, list[str]]]:
    """Seller and approvers per (mechanism, recipient), as on the latest package drafted;
    under (mechanism, None) the latest of that mechanism to any recipient (the Drone Deal's
    selling government is the same whoever receives)."""
    known: dict[tuple[str, str | None], tuple[str, list[str]]] = {}
    rows = conn.execute(
        select(t.events.c.payload).where(t.events.c.type == "PackageDrafted").order_by(t.events.c.seq.desc())
    )
    for (payload,) in rows:
        data = parse(payload)
        terms = (data["seller"], data["approvers"] if isinstance(data["approvers"], list) else [data["seller"]])
        known.setdefault((data["mechanism"], data["recipient"]), terms)
        known.setdefault((data["mechanism"], None), terms)
    return known


def _record(
    store: Store, actor: Actor, instance: Instance, packages: list[PlannedPackage], sellers: dict[str, str]
) -> tuple[list[dict], list[StoredEvent]]:
    recorded: list[dict] = []
    with store.write(actor.party, actor.meta()) as uow:
        latest = _sellers(uow.conn)
        for n, planned in enumerate(packages, start=1):
            seller: str | None
            seller, approvers = latest.get((planned.mechanism, planned.recipient)) or latest.get(
                (planned.mechanism, None), ("", [])
            )
            if planned.mechanism in sellers:
                seller, approvers = sellers[planned.mechanism], [sellers[planned.mechanism]]
            if not seller:
                raise InvalidInput(
                    "seller",
                    planned.mechanism,
                    f"no seller known for {planned.mechanism} packages (none drafted yet): "
                    f"give --seller {planned.mechanism}=PARTY",
                )
            title = (
                f"Allocation {instance.on.isoformat()}: {planned.mechanism} to {planned.recipient}, "
                f"{planned.origin}-made ({n} of {len(packages)})"
            )
            draft = DraftPackage(
                title=title,
                mechanism=planned.mechanism,
                seller=seller,
                recipient=planned.recipient,
                currency=planned.currency,
                approvers=tuple(approvers),
            )
            package_id = bus.handle_in(uow, actor, draft).id
            _record_lines(uow, actor, package_id, planned, instance.on)
            recorded.append({"id": package_id, "title": title})
        appended = list(uow.appended)
    return recorded, appended


def _record_lines(uow: UnitOfWork, actor: Actor, package_id: str, planned: PlannedPackage, on: date) -> None:
    """The planned package's lines and the allocations that pay for them, each charged as planned."""
    for line_no, purchase in enumerate(planned.purchases, start=1):
        line = AddLine(
            package_id=package_id,
            requirement_id=purchase.need.requirement_id,
            quantity=purchase.quantity,
            origin=purchase.origin,
        )
        bus.handle_in(uow, actor, line)
        for piece in purchase.pieces:
            allocation = Allocate(
                pledge_id=piece.pledge_id,
                package_id=package_id,
                line_no=line_no,
                amount=piece.line_amount.amount,
                currency=piece.line_amount.currency,
                on=on,
            )
            outcome = bus.handle_in(uow, actor, allocation)
            charged = Money.from_json(outcome.events[0].to_json()["payload"]["amount"])
            if charged != piece.amount:
                raise RuleViolation(
                    f"pledge '{piece.pledge_id}' would be charged {charged}, the plan said {piece.amount}: "
                    "the FX rates changed since the plan was made",
                    field="fx",
                    value=piece.pledge_id,
                )


def report(
    instance: Instance,
    result: Result,
    packages: list[PlannedPackage],
    timings: dict[str, float],
    *,
    recorded: list[dict] | None,
) -> AllocationReport:
    """What ``allocate`` prints: JSON-ready."""
    ids = {id(p): recorded[i]["id"] for i, p in enumerate(packages)} if recorded else {}
    allocations = _allocation_rows(result, packages, ids if recorded else None)
    return {
        "on": instance.on.isoformat(),
        "currency": instance.currency,
        "label": result.label,
        "solver": result.solver,
        "mode": result.mode,
        "recorded": recorded is not None,
        "min_package": str(instance.min_package) if instance.min_package is not None else None,
        "list_versions": instance.list_versions,
        "gap": result.gap,
        "tiers": _tier_rows(result),
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "sizes": result.sizes,
        "packages": [
            {
                "package": ids.get(id(p), n + 1),
                "mechanism": p.mechanism,
                "recipient": p.recipient,
                "origin": p.origin,
                "currency": p.currency,
                "value": str(p.value.amount),
                "lines": len(p.purchases),
            }
            for n, p in enumerate(packages)
        ],
        "allocations": allocations,
        "unfunded": result.explanations.get("lines", []),
        "pledges_left": result.explanations.get("pledges", []),
        "earmark_prices": result.explanations.get("earmark_prices", []),
    }


def _tier_rows(result: Result) -> list[AllocationTier]:
    """Per tier: the plan's coverage, the bound that certifies it, and the greedy plan's."""
    return [
        {
            "tier": tier.tier,
            "lines": tier.lines,
            "coverage": round(tier.coverage, 6),
            "bound": round(tier.bound, 6),
            "gap": round(tier.gap, 8),
            "method": tier.method,
            "greedy": round(result.baseline_coverage[tier.tier - 1], 6),
        }
        for tier in result.tiers
    ]


def _allocation_rows(
    result: Result, packages: list[PlannedPackage], ids: dict[int, str] | None
) -> list[PlannedAllocation]:
    """One row per piece of a pledge paying for a purchase; its package is the recorded id when
    ``ids`` are given, else its number in the plan."""
    package_of = {id(purchase): n for n, p in enumerate(packages) for purchase in p.purchases}
    return [
        {
            "pledge_id": piece.pledge_id,
            "requirement_id": purchase.need.requirement_id,
            "tier": purchase.need.tier,
            "mechanism": purchase.mechanism,
            "origin": purchase.origin,
            "quantity": purchase.quantity,
            "amount": str(piece.amount.amount),
            "currency": piece.amount.currency,
            "line_amount": str(piece.line_amount.amount),
            "line_currency": piece.line_amount.currency,
            "fx": piece.fx,
            "package": ids[id(packages[package_of[id(purchase)]])] if ids is not None else package_of[id(purchase)] + 1,
        }
        for purchase, piece in result.plan.pieces()
    ]

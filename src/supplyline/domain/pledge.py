"""Pledges: money a funder commits, and the allocations drawn from it.

The pledge is the stream that guards invariant 1: every allocation is an event on the
pledge's own stream, decided against the pledge's state at that moment, so the sum of
allocations can never exceed the amount pledged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import release_rule
from .entity import Entity, Event, require_exists, require_new, unique
from .errors import InvalidInput, RuleViolation
from .events import (
    AllocationReleased,
    MoneyExpended,
    MoneyObligated,
    MoneyReturned,
    MoneyTransferred,
    PledgeAllocated,
    PledgeAnnounced,
    PledgeCommitted,
    PledgeExpired,
    PledgePaidIn,
    RateUsed,
)
from .fx import Conversion, FxDay, convert, rate_used
from .lifecycle import PLEDGE
from .money import Money, total
from .payments import Flow, Stages
from .values import origin_within, parse_choice, parse_id


@dataclass
class Allocation:
    id: str
    package_id: str
    line_no: int
    amount: Money  # in the pledge's currency
    line_amount: Money  # in the package's currency
    fx: RateUsed | None  # None if no conversion
    allocated_on: date
    released: Money | None = None  # given back to the pledge so far, in the pledge's currency
    released_line: Money | None = None  # the same, in the package's currency

    def __post_init__(self) -> None:
        if self.released is None:
            self.released = Money.zero(self.amount.currency)
        if self.released_line is None:
            self.released_line = Money.zero(self.line_amount.currency)

    @property
    def held(self) -> Money:
        """What the allocation still holds of the pledge (pledge's currency)."""
        assert self.released is not None
        return self.amount - self.released

    @property
    def held_line(self) -> Money:
        """What it still pays of its line (package's currency)."""
        assert self.released_line is not None
        return self.line_amount - self.released_line


@dataclass
class Pledge(Entity):
    KIND = "pledge"
    LABEL = "pledge"

    funder: str = ""
    amount: Money | None = None
    pledged_on: date | None = None
    mechanism: str = ""
    categories: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    state: str = PLEDGE.initial
    note: str = ""
    allocations: list[Allocation] = field(default_factory=list)
    allocated: Money | None = None
    released: Money | None = None  # allocations given back, in total (they are unallocated again)
    stages: Stages | None = None  # its money paid in, transferred, obligated, expended, returned

    def allocation(self, allocation_id: str) -> Allocation:
        for alloc in self.allocations:
            if alloc.id == allocation_id:
                return alloc
        raise InvalidInput("allocation", allocation_id, f"pledge '{self.id}' has no such allocation")

    @property
    def currency(self) -> str:
        assert self.amount is not None, "a pledge never announced has no currency"
        return self.amount.currency

    @property
    def returned(self) -> Money:
        assert self.amount is not None
        return self.stages.returned if self.stages is not None else Money.zero(self.amount.currency)

    @property
    def remaining(self) -> Money:
        """Unallocated: committed minus what is allocated and what went back to the funder."""
        assert self.amount is not None and self.allocated is not None
        return self.amount - self.allocated - self.returned

    def held_for(self, package_id: str, currency: str) -> tuple[Money, Money]:
        """What this pledge's allocations still hold for a package: (pledge's, package's currency)."""
        assert self.amount is not None
        mine = [a for a in self.allocations if a.package_id == package_id]
        return total((a.held for a in mine), self.amount.currency), total((a.held_line for a in mine), currency)

    # evolve ---------------------------------------------------------------------------
    def _on_PledgeAnnounced(self, e: PledgeAnnounced) -> None:
        self.funder = e.funder
        self.amount = e.amount
        self.allocated = Money.zero(e.amount.currency)
        self.released = Money.zero(e.amount.currency)
        self.stages = Stages(e.amount.currency)
        self.pledged_on = e.pledged_on
        self.mechanism = e.mechanism
        self.categories = e.categories
        self.origins = e.origins
        self.valid_from = e.valid_from
        self.valid_until = e.valid_until
        self.note = e.note

    def _on_PledgeCommitted(self, e: PledgeCommitted) -> None:
        self.state = "committed"

    def _on_PledgeAllocated(self, e: PledgeAllocated) -> None:
        alloc = Allocation(
            id=e.allocation_id,
            package_id=e.package_id,
            line_no=e.line_no,
            amount=e.amount,
            line_amount=e.line_amount,
            fx=e.fx,
            allocated_on=e.allocated_on,
        )
        self.allocations.append(alloc)
        assert self.allocated is not None  # set when the pledge was announced
        self.allocated = self.allocated + alloc.amount
        self.state = "exhausted" if self.remaining.is_zero else "partly_allocated"

    def _on_AllocationReleased(self, e: AllocationReleased) -> None:
        alloc = self.allocation(e.allocation_id)
        assert alloc.released is not None and alloc.released_line is not None
        assert self.allocated is not None and self.released is not None
        alloc.released = alloc.released + e.amount
        alloc.released_line = alloc.released_line + e.line_amount
        self.allocated = self.allocated - e.amount
        self.released = self.released + e.amount
        assert self.stages is not None
        self.stages.flows.append(
            Flow("released", e.amount, e.released_on, e.reason, e.package_id, seller_amount=e.line_amount)
        )
        if self.state != "expired":
            self.state = _allocation_state(self)

    def _on_PledgeExpired(self, e: PledgeExpired) -> None:
        self.state = "expired"

    # money stages (payments.py decides them) ---------------------------------------------
    def _on_PledgePaidIn(self, e: PledgePaidIn) -> None:
        assert self.stages is not None
        self.stages.paid(e)

    def _on_MoneyTransferred(self, e: MoneyTransferred) -> None:
        assert self.stages is not None
        self.stages.transfer(e)

    def _on_MoneyObligated(self, e: MoneyObligated) -> None:
        assert self.stages is not None
        self.stages.obligate(e)

    def _on_MoneyExpended(self, e: MoneyExpended) -> None:
        assert self.stages is not None
        self.stages.expend(e)

    def _on_MoneyReturned(self, e: MoneyReturned) -> None:
        assert self.stages is not None
        self.stages.give_back(e)
        if self.state != "expired":
            self.state = _allocation_state(self)


def _allocation_state(pledge: Pledge) -> str:
    """The state a committed pledge is in given what is allocated of it."""
    assert pledge.allocated is not None
    if pledge.remaining.is_zero:
        return "exhausted"
    return "committed" if pledge.allocated.is_zero else "partly_allocated"


# decisions ----------------------------------------------------------------------------


def announce(
    pledge: Pledge,
    *,
    funder: str,
    amount: Money,
    pledged_on: date,
    mechanism: str,
    categories: tuple[str, ...] = (),
    origins: tuple[str, ...] = (),
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> list[Event]:
    """Announce a pledge (the values parsed already: ``services.records.funding.AnnouncePledge``)."""
    parse_id("id", pledge.id)
    require_new(pledge)
    if not amount.is_positive:
        raise InvalidInput("amount", str(amount.amount), "must be greater than zero")
    start = valid_from or pledged_on
    if valid_until is not None and valid_until < start:
        raise InvalidInput("valid_until", valid_until.isoformat(), f"is before the window opens ({start.isoformat()})")
    unique("categories", list(categories))
    unique("origins", list(origins))
    return [
        PledgeAnnounced(
            id=pledge.id,
            funder=funder,
            amount=amount,
            pledged_on=pledged_on,
            mechanism=mechanism,
            categories=tuple(sorted(categories)),
            origins=tuple(sorted(o for o in origins if o != "any")),
            valid_from=start,
            valid_until=valid_until,
            note=note,
        )
    ]


def commit(pledge: Pledge, *, on: date) -> list[Event]:
    require_exists(pledge)
    PLEDGE.check(pledge.id, pledge.state, "committed", "commit")
    return [PledgeCommitted(on=on)]


def expire(pledge: Pledge, *, on: date) -> list[Event]:
    require_exists(pledge)
    PLEDGE.check(pledge.id, pledge.state, "expired", "expire")
    if pledge.valid_until is None or on <= pledge.valid_until:
        until = pledge.valid_until.isoformat() if pledge.valid_until else "open-ended"
        raise RuleViolation(
            f"pledge '{pledge.id}' is valid until {until}: it cannot expire on {on.isoformat()}",
            field="on",
            value=on.isoformat(),
        )
    return [PledgeExpired(on=on)]


def earmark_refusal(pledge: Pledge, *, mechanism: str, category: str, origin: str, on: date) -> str | None:
    """Why this pledge may not pay for such a line on that day, or None if it may."""
    if pledge.mechanism != mechanism:
        return f"is for {pledge.mechanism}, not {mechanism}"
    if pledge.categories and category not in pledge.categories:
        return f"is earmarked for {', '.join(pledge.categories)}, not {category}"
    if pledge.origins and not any(origin_within(origin, allowed) for allowed in pledge.origins):
        return f"is earmarked for equipment made in {', '.join(pledge.origins)}, not {origin}"
    if pledge.valid_from and on < pledge.valid_from:
        return f"opens on {pledge.valid_from.isoformat()}, after {on.isoformat()}"
    if pledge.valid_until and on > pledge.valid_until:
        return f"closed on {pledge.valid_until.isoformat()}, before {on.isoformat()}"
    return None


@dataclass(frozen=True)
class LineToFund:
    """What an allocation needs to know of the package line it pays for."""

    package_id: str
    line_no: int
    mechanism: str
    category: str
    origin: str
    value: Money  # quantity × unit price, in the package's currency
    funded: Money  # already allocated to it, in the package's currency


def allocate(
    pledge: Pledge,
    *,
    allocation_id: str,
    line: LineToFund,
    amount: Money,
    on: date,
    fx_days: list[FxDay],
) -> list[Event]:
    """Assign part of a pledge to a package line.

    ``amount`` may be given in the pledge's currency (what the funder gives) or in the
    package's currency (what the line costs); the other side is converted at the dated rate,
    and both amounts and the rate are recorded.
    """
    require_exists(pledge)
    if pledge.state not in PLEDGE.group("spendable"):
        raise RuleViolation(
            f"pledge '{pledge.id}' is {pledge.state.replace('_', ' ')}: only committed pledges with money "
            "left can be allocated",
            field="pledge",
            value=pledge.id,
        )
    if not amount.is_positive:
        raise InvalidInput("amount", str(amount.amount), "must be greater than zero")
    refusal = earmark_refusal(pledge, mechanism=line.mechanism, category=line.category, origin=line.origin, on=on)
    if refusal:
        raise RuleViolation(f"pledge '{pledge.id}' {refusal}", field="pledge", value=pledge.id)
    assert pledge.amount is not None
    pledge_amount, line_amount, conversion = _both_sides(
        amount, pledge.amount.currency, line.value.currency, on, fx_days
    )
    if not pledge_amount.is_positive or not line_amount.is_positive:
        raise InvalidInput("amount", str(amount.amount), "rounds to zero after conversion")
    if pledge_amount > pledge.remaining:
        raise RuleViolation(
            f"pledge '{pledge.id}' has {pledge.remaining} left, not {pledge_amount}: it would be over-allocated",
            field="amount",
            value=str(amount.amount),
        )
    open_value = line.value - line.funded
    if line_amount > open_value:
        raise RuleViolation(
            f"package '{line.package_id}' line {line.line_no} needs {open_value} more, not {line_amount}",
            field="amount",
            value=str(amount.amount),
        )
    return [
        PledgeAllocated(
            allocation_id=allocation_id,
            package_id=line.package_id,
            line_no=line.line_no,
            amount=pledge_amount,
            line_amount=line_amount,
            fx=rate_used(conversion),
            allocated_on=on,
        )
    ]


def _both_sides(
    amount: Money, pledge_ccy: str, package_ccy: str, on: date, fx_days: list[FxDay]
) -> tuple[Money, Money, Conversion]:
    """The amount in the pledge's and in the package's currency, one converted from the other
    at the dated rate."""
    if amount.currency == pledge_ccy:
        conversion = convert(amount, package_ccy, on, fx_days)
        pledge_amount, line_amount = amount, conversion.result
    elif amount.currency == package_ccy:
        conversion = convert(amount, pledge_ccy, on, fx_days)
        pledge_amount, line_amount = conversion.result, amount
    else:
        raise InvalidInput(
            "currency",
            amount.currency,
            f"must be the pledge's currency ({pledge_ccy}) or the package's ({package_ccy})",
        )
    return pledge_amount, line_amount, conversion


#: Why money goes back from a package line to its pledge (issue 15 item 3).
RELEASE_REASONS = (
    "package_rejected",
    "line_cancelled",
    "requirement_withdrawn",
    "pledge_expired",
    "package_closed",
    "contract_underrun",
    "contract_amended",
)


def release(
    pledge: Pledge,
    *,
    allocation_id: str,
    reason: object,
    on: date,
    line_amount: Money | None = None,
    amount: Money | None = None,
) -> list[Event]:
    """Give back what an allocation holds (all of it, or ``line_amount`` of its line in the
    package's currency, or ``amount`` in the pledge's) to the pledge as unallocated money, at
    the rate the allocation recorded: the pledge gets back exactly what it gave, whatever
    rates have done since. The side not named follows release_rule.py (cumulative pro rata,
    never below what the pledge transferred for the package)."""
    require_exists(pledge)
    why = parse_choice("reason", reason, RELEASE_REASONS)
    alloc = pledge.allocation(allocation_id)
    held, held_line = alloc.held, alloc.held_line
    if held_line.is_zero:
        return []
    if line_amount is not None:
        _check_part(allocation_id, line_amount, held_line, "of its line")
        back_line = line_amount
        back = release_rule.other_side(line_amount, held_line, alloc.line_amount, held, alloc.amount)
    elif amount is not None:
        _check_part(allocation_id, amount, held, "of the pledge")
        back = amount
        back_line = release_rule.other_side(amount, held, alloc.amount, held_line, alloc.line_amount)
    else:
        back, back_line = held, held_line
    back = _above_transferred(pledge, alloc, back, partial=back_line != held_line)
    target = _allocation_state(_after_release(pledge, back)) if pledge.state != "expired" else "expired"
    if target != pledge.state:
        PLEDGE.check(pledge.id, pledge.state, target, "release an allocation")
    return [
        AllocationReleased(
            allocation_id=allocation_id,
            package_id=alloc.package_id,
            line_no=alloc.line_no,
            amount=back,
            line_amount=back_line,
            reason=why,
            released_on=on,
        )
    ]


def _check_part(allocation_id: str, part: Money, held: Money, side: str) -> None:
    if part.currency != held.currency:
        raise InvalidInput("currency", part.currency, f"must be {held.currency}")
    if not part.is_positive or part > held:
        raise RuleViolation(
            f"allocation '{allocation_id}' holds {held} {side}: it cannot release {part}",
            field="amount",
            value=str(part.amount),
        )


def transferred_for(pledge: Pledge, package_id: str) -> Money:
    """What the pledge sent the seller for a package (its own currency)."""
    assert pledge.stages is not None
    sent = pledge.stages.packages.get(package_id)
    return sent.transferred if sent is not None else Money.zero(pledge.currency)


def _above_transferred(pledge: Pledge, alloc: Allocation, back: Money, *, partial: bool) -> Money:
    """Money already sent to the seller stays with the package: it is not unallocated (rule 3)."""
    held, _ = pledge.held_for(alloc.package_id, alloc.line_amount.currency)
    sent = transferred_for(pledge, alloc.package_id)
    kept = release_rule.above_transferred(back, held, sent, partial=partial)
    if kept is None:
        raise RuleViolation(
            f"pledge '{pledge.id}' transferred {sent} for package '{alloc.package_id}': "
            f"releasing {back} would leave less allocated to it than was sent to the seller",
            field="amount",
            value=str(back.amount),
        )
    return kept


def _after_release(pledge: Pledge, back: Money) -> Pledge:
    assert pledge.allocated is not None
    return Pledge(
        pledge.id, amount=pledge.amount, allocated=pledge.allocated - back, stages=pledge.stages, version=pledge.version
    )

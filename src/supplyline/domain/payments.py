"""Money stages of a pledge (issue 15): paid in → transferred → obligated → expended, and
returned. Decisions on a pledge's money, read from the pledge's own fold, so each is
checked against every stage at the moment it is recorded (invariant 7):

    returned + unallocated + allocated = committed
    transferred ≤ paid in − returned ≤ committed
    obligated ≤ transferred, expended ≤ obligated (for the pledge and for each package)

Which stage a movement draws from is the transition table ``MONEY`` (lifecycle.py); the
amounts are in the pledge's currency, with the seller's currency beside them where a
movement reaches the seller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .errors import InvalidInput, RuleViolation
from .events import MoneyExpended, MoneyObligated, MoneyReturned, MoneyTransferred, PledgePaidIn, RateUsed
from .fx import FxDay, convert, rate_used
from .lifecycle import MONEY, PLEDGE
from .money import Money
from .values import parse_text

if TYPE_CHECKING:
    from .entity import Event
    from .pledge import Pledge


@dataclass
class PackageMoney:
    """What one pledge's money has done for one package, in the pledge's currency and (for
    what reached the seller) in the package's."""

    currency: str  # the pledge's
    seller_currency: str
    transferred: Money = field(init=False)
    transferred_seller: Money = field(init=False)
    obligated: Money = field(init=False)
    obligated_seller: Money = field(init=False)
    expended: Money = field(init=False)
    expended_seller: Money = field(init=False)

    def __post_init__(self) -> None:
        zero, seller_zero = Money.zero(self.currency), Money.zero(self.seller_currency)
        self.transferred, self.obligated, self.expended = zero, zero, zero
        self.transferred_seller, self.obligated_seller, self.expended_seller = seller_zero, seller_zero, seller_zero


@dataclass(frozen=True)
class Flow:
    """One movement of the pledge's money, as the projection lists it."""

    stage: str  # paid_in | transferred | obligated | expended | released | returned
    amount: Money  # the pledge's currency
    day: date
    reference: str = ""
    package_id: str | None = None
    contract_id: str | None = None
    contract_line_no: int | None = None
    seller_amount: Money | None = None
    fx: RateUsed | None = None
    fx_difference: Money | None = None


@dataclass
class Stages:
    """A pledge's money by stage, in its currency."""

    currency: str
    paid_in: Money = field(init=False)
    transferred: Money = field(init=False)
    obligated: Money = field(init=False)
    expended: Money = field(init=False)
    returned: Money = field(init=False)
    packages: dict[str, PackageMoney] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)

    def __post_init__(self) -> None:
        zero = Money.zero(self.currency)
        self.paid_in, self.transferred, self.obligated, self.expended, self.returned = zero, zero, zero, zero, zero

    def of(self, package_id: str, seller_currency: str) -> PackageMoney:
        return self.packages.setdefault(package_id, PackageMoney(self.currency, seller_currency))

    @property
    def in_account(self) -> Money:
        """Paid in and neither transferred nor returned: what the mechanism's account holds."""
        return self.paid_in - self.transferred - self.returned

    # evolve (called by the pledge's handlers) ------------------------------------------------
    def paid(self, e: PledgePaidIn) -> None:
        self.paid_in = self.paid_in + e.amount
        self.flows.append(Flow("paid_in", e.amount, e.paid_on, e.reference))

    def transfer(self, e: MoneyTransferred) -> None:
        self.transferred = self.transferred + e.amount
        pkg = self.of(e.package_id, e.seller_amount.currency)
        pkg.transferred = pkg.transferred + e.amount
        pkg.transferred_seller = pkg.transferred_seller + e.seller_amount
        self.flows.append(
            Flow(
                "transferred",
                e.amount,
                e.transferred_on,
                e.reference,
                e.package_id,
                seller_amount=e.seller_amount,
                fx=e.fx,
                fx_difference=e.fx_difference,
            )
        )

    def obligate(self, e: MoneyObligated) -> None:
        self.obligated = self.obligated + e.amount
        pkg = self.of(e.package_id, e.line_amount.currency)
        pkg.obligated = pkg.obligated + e.amount
        pkg.obligated_seller = pkg.obligated_seller + e.line_amount
        self.flows.append(
            Flow(
                "obligated",
                e.amount,
                e.obligated_on,
                "",
                e.package_id,
                e.contract_id,
                e.contract_line_no,
                e.line_amount,
            )
        )

    def expend(self, e: MoneyExpended) -> None:
        self.expended = self.expended + e.amount
        pkg = self.of(e.package_id, e.line_amount.currency)
        pkg.expended = pkg.expended + e.amount
        pkg.expended_seller = pkg.expended_seller + e.line_amount
        self.flows.append(
            Flow(
                "expended",
                e.amount,
                e.expended_on,
                e.reference,
                e.package_id,
                e.contract_id,
                e.contract_line_no,
                e.line_amount,
            )
        )

    def give_back(self, e: MoneyReturned) -> None:
        self.returned = self.returned + e.amount
        self.flows.append(Flow("returned", e.amount, e.returned_on, e.reference))


# decisions ------------------------------------------------------------------------------------


def _usable(pledge: Pledge, action: str) -> Stages:
    if pledge.state not in PLEDGE.group("moving"):
        raise RuleViolation(
            f"pledge '{pledge.id}' is {pledge.state.replace('_', ' ')}: only a committed pledge's money can {action}",
            field="pledge",
            value=pledge.id,
        )
    assert pledge.stages is not None
    return pledge.stages


def _positive(amount: Money, currency: str, what: str) -> None:
    if amount.currency != currency:
        raise InvalidInput("currency", amount.currency, f"{what} is in {currency}")
    if not amount.is_positive:
        raise InvalidInput("amount", str(amount.amount), "must be greater than zero")


def _over(pledge: Pledge, what: str, amount: Money, room: Money, field_name: str = "amount") -> RuleViolation:
    return RuleViolation(
        f"pledge '{pledge.id}' has {room} {what}, not {amount}", field=field_name, value=str(amount.amount)
    )


def pay_in(pledge: Pledge, *, amount: Money, reference: object, on: date) -> list[Event]:
    """The funder paid ``amount`` (the pledge's currency) into the mechanism's account."""
    stages = _usable(pledge, "be paid in")
    assert pledge.amount is not None
    if pledge.state == "expired":
        raise RuleViolation(
            f"pledge '{pledge.id}' has expired: nothing more is paid in", field="pledge", value=pledge.id
        )
    _positive(amount, pledge.amount.currency, "the pledge")
    MONEY.check(pledge.id, "committed", "paid_in", "pay in")
    room = pledge.amount - stages.paid_in
    if amount > room:
        raise _over(pledge, "left to pay in of what it committed", amount, room)
    return [PledgePaidIn(amount=amount, reference=parse_text("reference", reference, max_length=100), paid_on=on)]


def transfer(
    pledge: Pledge,
    *,
    package_id: str,
    seller_currency: str,
    amount: Money,
    reference: object,
    on: date,
    fx_days: list[FxDay],
) -> list[Event]:
    """The coordinator sends ``amount`` of the account to the seller for a package. The seller
    receives it at the day's rate; the difference from the allocations' own rate is recorded."""
    stages = _usable(pledge, "be transferred")
    assert pledge.amount is not None
    _positive(amount, pledge.amount.currency, "the pledge")
    MONEY.check(pledge.id, "paid_in", "transferred", "transfer")
    if amount > stages.in_account:
        raise _over(pledge, "paid in and not yet transferred or returned", amount, stages.in_account)
    held, held_seller = pledge.held_for(package_id, seller_currency)
    already = stages.of(package_id, seller_currency).transferred
    if amount > held - already:
        raise _over(pledge, f"allocated to package '{package_id}' and not yet transferred", amount, held - already)
    conversion = convert(amount, seller_currency, on, fx_days)
    at_allocation = Money.rounded(amount.amount * held_seller.amount / held.amount, seller_currency)
    return [
        MoneyTransferred(
            package_id=package_id,
            amount=amount,
            seller_amount=conversion.result,
            fx=rate_used(conversion),
            fx_difference=conversion.result - at_allocation,
            reference=parse_text("reference", reference, max_length=100),
            transferred_on=on,
        )
    ]


def _share(done: Money, done_seller: Money, base: Money, base_seller: Money, part: Money) -> Money:
    """The pledge-currency part of ``part`` (seller's currency) of a stage whose totals are
    ``base`` / ``base_seller``, of which ``done`` / ``done_seller`` is already used: cumulative
    pro rata, so the part that uses the last of it takes exactly what is left."""
    if done_seller + part == base_seller:
        return base - done
    after = Money.rounded(base.amount * (done_seller + part).amount / base_seller.amount, base.currency)
    return max(min(after - done, base - done), Money.zero(base.currency))


@dataclass(frozen=True)
class ContractLineRef:
    package_id: str
    contract_id: str
    line_no: int


def _seller_step(
    pledge: Pledge, line: ContractLineRef, line_amount: Money, *, source: str, target: str, verb: str
) -> Money:
    """The pledge's share (its own currency) of ``line_amount`` (the seller's) moving from one
    seller-side stage to the next for the line's package; refused beyond what ``source`` holds.
    A package's figures are named by stage (``obligated``, ``obligated_seller``, …)."""
    stages = _usable(pledge, f"be {target}")
    MONEY.check(pledge.id, source, target, verb)
    pkg = stages.packages.get(line.package_id)
    if pkg is None or line_amount.currency != pkg.seller_currency:
        raise _nothing_there(pledge, line.package_id, source)
    held, done = getattr(pkg, f"{source}_seller"), getattr(pkg, f"{target}_seller")
    room = held - done
    if not line_amount.is_positive or line_amount > room:
        raise _over(pledge, f"{source} for package '{line.package_id}' and not yet {target}", line_amount, room)
    return _share(getattr(pkg, target), done, getattr(pkg, source), held, line_amount)


def obligate(pledge: Pledge, *, line: ContractLineRef, line_amount: Money, on: date) -> list[Event]:
    """The seller obligates ``line_amount`` (the contract's currency) of what this pledge
    transferred for the package on a contract line."""
    amount = _seller_step(pledge, line, line_amount, source="transferred", target="obligated", verb="obligate")
    return [
        MoneyObligated(
            package_id=line.package_id,
            contract_id=line.contract_id,
            contract_line_no=line.line_no,
            amount=amount,
            line_amount=line_amount,
            obligated_on=on,
        )
    ]


def expend(pledge: Pledge, *, line: ContractLineRef, line_amount: Money, reference: object, on: date) -> list[Event]:
    """The seller pays a supplier ``line_amount`` of what this pledge has obligated for the package."""
    amount = _seller_step(pledge, line, line_amount, source="obligated", target="expended", verb="expend")
    return [
        MoneyExpended(
            package_id=line.package_id,
            contract_id=line.contract_id,
            contract_line_no=line.line_no,
            amount=amount,
            line_amount=line_amount,
            reference=parse_text("reference", reference, max_length=100),
            expended_on=on,
        )
    ]


def give_back(pledge: Pledge, *, amount: Money, reference: object, on: date) -> list[Event]:
    """Return unallocated money that was paid in to the funder."""
    stages = _usable(pledge, "be returned")
    assert pledge.amount is not None
    _positive(amount, pledge.amount.currency, "the pledge")
    MONEY.check(pledge.id, "paid_in", "returned", "return")
    if amount > pledge.remaining:
        raise _over(pledge, "unallocated", amount, pledge.remaining)
    if amount > stages.in_account:
        raise _over(pledge, "paid in and not yet transferred or returned", amount, stages.in_account)
    if pledge.state != "expired" and pledge.remaining == amount:
        PLEDGE.check(pledge.id, pledge.state, "exhausted", "return its last unallocated money")
    return [MoneyReturned(amount=amount, reference=parse_text("reference", reference, max_length=100), returned_on=on)]


def _nothing_there(pledge: Pledge, package_id: str, stage: str) -> RuleViolation:
    return RuleViolation(
        f"pledge '{pledge.id}' has nothing {stage} for package '{package_id}' in that currency",
        field="pledge",
        value=pledge.id,
    )

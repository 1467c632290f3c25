"""Money moving along its stages (issue 15): the funder pays in, the coordinator transfers to
the seller and returns what is not needed, the seller obligates on contract lines and
expends to suppliers. Every movement is decided on the pledge's stream under the ledger's
write lock, so a stage never holds more than the one before it (invariant 7).

An obligation or expenditure is stated for a contract line in the contract's currency; the
pledges whose money reached the seller for that package carry it in turn (oldest pledge
first), unless the seller names one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from ...domain import payments as domain
from ...domain.contract import Contract
from ...domain.errors import RuleViolation
from ...domain.money import Money
from ...domain.package import Package
from ...domain.pledge import Pledge
from ...domain.values import parse_int
from ...ledger.chain import StoredEvent
from ...store.eventstore import UnitOfWork
from .. import facts
from ..bus import Command, handles
from ..context import Actor, Outcome
from ..fields import TODAY, Amount, BusinessDay, Text, parsed


def _pledge_and_amount(uow: UnitOfWork, pledge_id: str, amount: Decimal) -> tuple[Pledge, Money]:
    """The pledge, and an amount given in its currency."""
    pledge = uow.load(Pledge, pledge_id, field="pledge")
    return pledge, Money.parse(amount, pledge.currency)


class PayIn(Command):
    ACTION: ClassVar[str] = "pledge.pay_in"

    pledge_id: str
    amount: Amount  # in the pledge's currency
    reference: Text
    on: BusinessDay = TODAY


@handles(PayIn)
def pay_in(uow: UnitOfWork, actor: Actor, cmd: PayIn, expected: int | None) -> Outcome:
    pledge, amount = _pledge_and_amount(uow, cmd.pledge_id, cmd.amount)
    events = domain.pay_in(pledge, amount=amount, reference=cmd.reference, on=cmd.on)
    return Outcome(pledge.id, uow.record(pledge, events, expected_version=expected))


class Transfer(Command):
    ACTION: ClassVar[str] = "pledge.transfer"

    pledge_id: str
    package_id: str
    amount: Amount  # in the pledge's currency
    reference: Text
    on: BusinessDay = TODAY


@handles(Transfer)
def transfer(uow: UnitOfWork, actor: Actor, cmd: Transfer, expected: int | None) -> Outcome:
    pledge, amount = _pledge_and_amount(uow, cmd.pledge_id, cmd.amount)
    package = uow.load(Package, cmd.package_id, field="package")
    events = domain.transfer(
        pledge,
        package_id=package.id,
        seller_currency=package.currency,
        amount=amount,
        reference=cmd.reference,
        on=cmd.on,
        fx_days=facts.fx_days(uow.conn, cmd.on, {pledge.currency, package.currency}),
    )
    return Outcome(pledge.id, uow.record(pledge, events, expected_version=expected))


class ReturnMoney(Command):
    ACTION: ClassVar[str] = "pledge.return"

    pledge_id: str
    amount: Amount  # in the pledge's currency
    reference: Text
    on: BusinessDay = TODAY


@handles(ReturnMoney)
def return_money(uow: UnitOfWork, actor: Actor, cmd: ReturnMoney, expected: int | None) -> Outcome:
    pledge, amount = _pledge_and_amount(uow, cmd.pledge_id, cmd.amount)
    events = domain.give_back(pledge, amount=amount, reference=cmd.reference, on=cmd.on)
    return Outcome(pledge.id, uow.record(pledge, events, expected_version=expected))


class Obligate(Command):
    """Obligate money on a contract line (``Expend``: pay a supplier out of what is obligated)."""

    ACTION: ClassVar[str] = "contract.obligate"
    STAGE: ClassVar[str] = "obligated"

    contract_id: str
    line_no: Annotated[int, parsed(parse_int, "line", minimum=1)]
    amount: Amount  # in the contract's currency
    reference: str = ""
    pledge_id: str | None = None  # None: the package's pledges in turn
    on: BusinessDay = TODAY


class Expend(Obligate):
    ACTION: ClassVar[str] = "contract.expend"
    STAGE: ClassVar[str] = "expended"

    reference: Text  # the invoice or delivery paid


@handles(Obligate)
def spend(uow: UnitOfWork, actor: Actor, cmd: Obligate, expected: int | None) -> Outcome:
    """The handler of both: an expenditure is an obligation's next stage."""
    contract = uow.load(Contract, cmd.contract_id, field="contract")
    line = contract.line(cmd.line_no)
    amount = Money.parse(cmd.amount, contract.currency)
    _check_line_room(uow, cmd.STAGE, contract, line.line_no, line.value, amount)
    ref = domain.ContractLineRef(contract.package_id, contract.id, line.line_no)
    return Outcome(contract.id, _spread(uow, cmd, ref, amount, cmd.on))


def _check_line_room(
    uow: UnitOfWork, stage: str, contract: Contract, line_no: int, value: Money, amount: Money
) -> None:
    """A contract line is never obligated beyond its value, nor paid beyond what is obligated on it."""
    done = facts.spent_on_line(uow.conn, contract.id, line_no, contract.currency)
    cap, what = (value, "is worth") if stage == "obligated" else (done["obligated"], "has obligated")
    if done[stage] + amount > cap:
        raise RuleViolation(
            f"contract '{contract.id}' line {line_no} {what} {cap} and has {done[stage]} {stage}: "
            f"{amount} more would exceed it",
            field="amount",
            value=str(amount.amount),
        )


def _spread(uow: UnitOfWork, cmd: Obligate, ref: domain.ContractLineRef, amount: Money, day: date) -> list[StoredEvent]:
    """Carry ``amount`` by the package's pledges in turn, each up to what it has at the stage before."""
    pledge_ids = [cmd.pledge_id] if cmd.pledge_id else facts.pledges_of_package(uow.conn, ref.package_id)
    stored: list[StoredEvent] = []
    left = amount
    for pledge_id in pledge_ids:
        if left.is_zero:
            break
        pledge = uow.load(Pledge, pledge_id, field="pledge")
        assert pledge.stages is not None
        pkg = pledge.stages.packages.get(ref.package_id)
        if pkg is None or pkg.seller_currency != amount.currency:
            continue
        room = (
            pkg.transferred_seller - pkg.obligated_seller
            if cmd.STAGE == "obligated"
            else pkg.obligated_seller - pkg.expended_seller
        )
        part = min(left, room)
        if not part.is_positive:
            continue
        if cmd.STAGE == "obligated":
            events = domain.obligate(pledge, line=ref, line_amount=part, on=day)
        else:
            events = domain.expend(pledge, line=ref, line_amount=part, reference=cmd.reference, on=day)
        stored += uow.record(pledge, events)
        left = left - part
    if left.is_positive:
        before = "transferred" if cmd.STAGE == "obligated" else "obligated"
        raise RuleViolation(
            f"package '{ref.package_id}' has {amount - left} {before} and not yet {cmd.STAGE}"
            f"{' by pledge ' + repr(cmd.pledge_id) if cmd.pledge_id else ''}: {amount} cannot be {cmd.STAGE}",
            field="amount",
            value=str(amount.amount),
        )
    return stored

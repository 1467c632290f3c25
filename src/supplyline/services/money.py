"""Money moving along its stages (issue 15): the funder pays in, the coordinator transfers to
the seller and returns what is not needed, the seller obligates on contract lines and
expends to suppliers. Every movement is decided on the pledge's stream under the ledger's
write lock, so a stage never holds more than the one before it (invariant 7).

An obligation or expenditure is stated for a contract line in the contract's currency; the
pledges whose money reached the seller for that package carry it in turn (oldest pledge
first), unless the seller names one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import payments as domain
from ..domain.contract import Contract
from ..domain.errors import RuleViolation
from ..domain.money import Money
from ..domain.package import Package
from ..domain.pledge import Pledge
from ..domain.values import parse_int
from ..ledger.chain import StoredEvent
from ..store.eventstore import Store, UnitOfWork
from . import facts
from .context import Actor, Outcome, business_day


@dataclass(frozen=True)
class PayIn:
    pledge_id: str
    amount: object
    reference: str
    on: object = None


def pay_in(store: Store, actor: Actor, cmd: PayIn) -> Outcome:
    day = business_day("on", cmd.on)
    with store.write(actor.party, actor.meta()) as uow:
        pledge = uow.load(Pledge, cmd.pledge_id, field="pledge")
        assert pledge.amount is not None
        amount = Money.parse(cmd.amount, pledge.amount.currency)
        return Outcome(
            pledge.id, uow.record(pledge, domain.pay_in(pledge, amount=amount, reference=cmd.reference, on=day))
        )


@dataclass(frozen=True)
class Transfer:
    pledge_id: str
    package_id: str
    amount: object  # in the pledge's currency
    reference: str
    on: object = None


def transfer(store: Store, actor: Actor, cmd: Transfer) -> Outcome:
    day = business_day("on", cmd.on)
    with store.write(actor.party, actor.meta()) as uow:
        pledge = uow.load(Pledge, cmd.pledge_id, field="pledge")
        package = uow.load(Package, cmd.package_id, field="package")
        assert pledge.amount is not None
        amount = Money.parse(cmd.amount, pledge.amount.currency)
        events = domain.transfer(
            pledge,
            package_id=package.id,
            seller_currency=package.currency,
            amount=amount,
            reference=cmd.reference,
            on=day,
            fx_days=facts.fx_days(uow.conn, day, {pledge.amount.currency, package.currency}),
        )
        return Outcome(pledge.id, uow.record(pledge, events))


@dataclass(frozen=True)
class ReturnMoney:
    pledge_id: str
    amount: object
    reference: str
    on: object = None


def return_money(store: Store, actor: Actor, cmd: ReturnMoney) -> Outcome:
    day = business_day("on", cmd.on)
    with store.write(actor.party, actor.meta()) as uow:
        pledge = uow.load(Pledge, cmd.pledge_id, field="pledge")
        assert pledge.amount is not None
        amount = Money.parse(cmd.amount, pledge.amount.currency)
        events = domain.give_back(pledge, amount=amount, reference=cmd.reference, on=day)
        return Outcome(pledge.id, uow.record(pledge, events))


@dataclass(frozen=True)
class Spend:
    """An obligation (``stage="obligated"``) or expenditure (``"expended"``) on a contract line."""

    stage: str
    contract_id: str
    line_no: object
    amount: object  # in the contract's currency
    reference: str = ""
    pledge_id: str | None = None  # None: the package's pledges in turn
    on: object = None


def spend(store: Store, actor: Actor, cmd: Spend) -> Outcome:
    day = business_day("on", cmd.on)
    with store.write(actor.party, actor.meta()) as uow:
        contract = uow.load(Contract, cmd.contract_id, field="contract")
        line = contract.line(parse_int("line", cmd.line_no, minimum=1))
        amount = Money.parse(cmd.amount, contract.currency)
        _check_line_room(uow, cmd.stage, contract, line.line_no, line.value, amount)
        ref = domain.ContractLineRef(contract.package_id, contract.id, line.line_no)
        return Outcome(contract.id, _spread(uow, cmd, ref, amount, day))


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


def _spread(uow: UnitOfWork, cmd: Spend, ref: domain.ContractLineRef, amount: Money, day) -> list[StoredEvent]:
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
            if cmd.stage == "obligated"
            else pkg.obligated_seller - pkg.expended_seller
        )
        part = min(left, room)
        if not part.is_positive:
            continue
        if cmd.stage == "obligated":
            events = domain.obligate(pledge, line=ref, line_amount=part, on=day)
        else:
            events = domain.expend(pledge, line=ref, line_amount=part, reference=cmd.reference, on=day)
        stored += uow.record(pledge, events)
        left = left - part
    if left.is_positive:
        before = "transferred" if cmd.stage == "obligated" else "obligated"
        raise RuleViolation(
            f"package '{ref.package_id}' has {amount - left} {before} and not yet {cmd.stage}"
            f"{' by pledge ' + repr(cmd.pledge_id) if cmd.pledge_id else ''}: {amount} cannot be {cmd.stage}",
            field="amount",
            value=str(amount.amount),
        )
    return stored

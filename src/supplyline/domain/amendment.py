"""Changes to a signed contract (issue 15 item 4): modifications and amendments.

A **modification** (a price change within the tolerance of the line's original price, or a
change of the delivery schedule) takes effect when it is recorded. An **amendment** (a change
of scope: a line's quantity; or a price change beyond the tolerance) takes effect only once
the package's recipient and every funder whose pledge pays for the package have accepted it;
until then the contract keeps its terms, and one of them refusing it ends it. Each carries a
rationale from a fixed list, modelled on OCDS ``contracts[].amendments`` and Prozorro's
``rationaleTypes``. The original terms and every change stay in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .amendment_terms import DEFAULT_TOLERANCE, RATIONALES, DueAmendment, LineAmendment
from .contract import Contract
from .entity import Event, require_exists
from .errors import AwaitingAcceptance, InvalidInput, RuleViolation
from .events import (
    ContractAmended,
    ContractAmendmentAccepted,
    ContractAmendmentProposed,
    ContractAmendmentRejected,
    DueChange,
    LineChange,
)
from .lifecycle import AMENDMENT
from .money import Money, parse_positive_money
from .values import parse_choice, parse_date, parse_int, parse_text

__all__ = [
    "DEFAULT_TOLERANCE",
    "RATIONALES",
    "DueAmendment",
    "LineAmendment",
    "LineLimits",
    "accept",
    "propose",
    "reject",
]


@dataclass(frozen=True)
class LineLimits:
    """What a line's quantity may become: no less than what was shipped, no more than its
    package line leaves to contract."""

    shipped: int
    left_to_contract: int


def propose(
    contract: Contract,
    *,
    amendment_id: str,
    lines: list[LineAmendment],
    schedule: list[DueAmendment],
    rationale: object,
    description: object,
    on: date,
    tolerance: Decimal,
    acceptors: tuple[str, ...],
    limits: dict[int, LineLimits],
) -> list[Event]:
    """A modification (recorded in force) or an amendment (awaiting ``acceptors``)."""
    require_exists(contract)
    refuse_while_pending(contract)
    why = parse_choice("rationale", rationale, RATIONALES)
    text = parse_text("description", description, allow_empty=True)
    changes = _line_changes(contract, lines, limits)
    dues = _due_changes(contract, schedule)
    if not changes and not dues:
        raise InvalidInput("lines", [], "an amendment changes at least one line's quantity or price, or a due date")
    is_amendment = any(c.new_quantity != c.old_quantity for c in changes) or any(
        beyond_tolerance(contract.line(c.line_no).original_unit_price, c.new_unit_price, tolerance) for c in changes
    )
    proposed = ContractAmendmentProposed(
        amendment_id=amendment_id,
        kind="amendment" if is_amendment else "modification",
        rationale=why,
        description=text,
        lines=tuple(changes),
        schedule=tuple(dues),
        awaiting=acceptors if is_amendment else (),
        on=on,
    )
    if is_amendment:
        if not acceptors:
            raise RuleViolation(f"contract '{contract.id}' has no party to accept an amendment", field="lines")
        return [proposed]
    return [proposed, ContractAmended(amendment_id=amendment_id, on=on)]


def beyond_tolerance(original: Money, new: Money, tolerance: Decimal) -> bool:
    """Whether ``new`` moves further from ``original`` than ``tolerance`` of it."""
    return abs(new.amount - original.amount) > original.amount * tolerance


def refuse_while_pending(contract: Contract) -> None:
    """A contract with an amendment awaiting acceptance takes no other change."""
    pending = contract.pending
    if pending is not None:
        raise AwaitingAcceptance(
            f"contract '{contract.id}' amendment '{pending.id}' is not in force: it awaits acceptance by "
            f"{', '.join(pending.not_yet_accepted)}",
            field="amendment",
            value=pending.id,
        )


def _line_changes(contract: Contract, lines: list[LineAmendment], limits: dict[int, LineLimits]) -> list[LineChange]:
    out: list[LineChange] = []
    seen: set[int] = set()
    for i, terms in enumerate(lines, start=1):
        line_no = parse_int(f"lines[{i}].line", terms.line_no, minimum=1)
        line = contract.line(line_no)
        if line_no in seen:
            raise InvalidInput(f"lines[{i}].line", line_no, "is named twice")
        seen.add(line_no)
        quantity = line.quantity
        if terms.quantity not in (None, ""):
            quantity = parse_int(f"lines[{i}].quantity", terms.quantity, minimum=1)
            limit = limits.get(line_no, LineLimits(0, 0))
            if quantity < limit.shipped or quantity > line.quantity + limit.left_to_contract:
                raise RuleViolation(
                    f"contract '{contract.id}' line {line_no} may hold {limit.shipped} to "
                    f"{line.quantity + limit.left_to_contract} units (shipped; its package line's units), not {quantity}",
                    field=f"lines[{i}].quantity",
                    value=quantity,
                )
        price = line.unit_price
        if terms.unit_price not in (None, ""):
            price = parse_positive_money(f"lines[{i}].unit_price", terms.unit_price, contract.currency)
        if quantity != line.quantity or price != line.unit_price:
            out.append(LineChange(line_no, line.quantity, quantity, line.unit_price, price))
    return out


def _due_changes(contract: Contract, schedule: list[DueAmendment]) -> list[DueChange]:
    out: list[DueChange] = []
    for j, terms in enumerate(schedule, start=1):
        if not contract.schedule:
            raise RuleViolation(f"contract '{contract.id}' has no delivery schedule", field=f"schedule[{j}].entry")
        entry = parse_int(f"schedule[{j}].entry", terms.entry, minimum=1, maximum=len(contract.schedule))
        due = parse_date(f"schedule[{j}].due", terms.due)
        assert contract.signed_on is not None
        if due < contract.signed_on:
            raise InvalidInput(f"schedule[{j}].due", due.isoformat(), "is before the contract was signed")
        old = contract.schedule[entry - 1].due
        if due != old:
            out.append(DueChange(entry, old, due))
    return out


def accept(contract: Contract, *, amendment_id: object, party: str, on: date) -> list[Event]:
    """``party`` accepts the pending amendment; the last acceptance puts it in force."""
    amendment = _awaiting(contract, amendment_id, party, "accept")
    accepted = ContractAmendmentAccepted(amendment_id=amendment.id, party=party, on=on)
    if set(amendment.not_yet_accepted) == {party}:
        return [accepted, ContractAmended(amendment_id=amendment.id, on=on)]
    return [accepted]


def reject(contract: Contract, *, amendment_id: object, party: str, reason: object, on: date) -> list[Event]:
    """``party`` refuses the pending amendment: it never takes effect."""
    amendment = _awaiting(contract, amendment_id, party, "reject")
    text = parse_text("reason", reason)
    return [ContractAmendmentRejected(amendment_id=amendment.id, party=party, reason=text, on=on)]


def _awaiting(contract: Contract, amendment_id: object, party: str, action: str):
    require_exists(contract)
    wanted = parse_text("amendment", amendment_id, max_length=80)
    amendment = contract.amendments.get(wanted)
    if amendment is None:
        raise InvalidInput("amendment", wanted, f"contract '{contract.id}' has no such amendment")
    AMENDMENT.check(amendment.id, amendment.state, "in_force", action)
    if party not in amendment.not_yet_accepted:
        done = "has already accepted it" if party in amendment.accepted else "is not asked to accept it"
        raise RuleViolation(
            f"amendment '{amendment.id}' awaits {', '.join(amendment.not_yet_accepted)}: {party} {done}",
            field="party",
            value=party,
        )
    return amendment

"""Contracts between the selling government and a supplier for package lines.

The Drone Deal's purchase agreement is a contract of kind ``purchase_agreement``. A
contract line never costs more per unit than the package line it fulfils, so the money
contracted is always within what the pledges funded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import schedule as moving
from .entity import Entity, Event, numbered_line, require_exists, require_new, unique
from .errors import InvalidInput, RuleViolation
from .events import (
    ContractAmended,
    ContractAmendmentAccepted,
    ContractAmendmentProposed,
    ContractAmendmentRejected,
    ContractSigned,
    DeliveryRescheduled,
    DueChange,
    LineChange,
    ScheduledDelivery,
    SignedLine,
)
from .lifecycle import PACKAGE
from .money import Money, parse_positive_money, total
from .package import Package
from .values import parse_choice, parse_date, parse_id, parse_int

CONTRACT_KINDS = ("purchase", "stock_draw", "purchase_agreement")


@dataclass
class ContractLine:
    line_no: int
    package_line_no: int
    item: str
    quantity: int
    unit_price: Money
    #: the terms signed, kept as amendments change them (issue 15 item 4)
    original_quantity: int = 0
    original_unit_price: Money = field(default_factory=lambda: Money.zero("EUR"))

    @property
    def value(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass
class Amendment:
    """A change proposed to a contract (domain/amendment.py), in force once accepted."""

    id: str
    kind: str
    rationale: str
    description: str
    proposed_on: date
    lines: tuple[LineChange, ...]
    schedule: tuple[DueChange, ...]
    awaiting: tuple[str, ...]
    accepted: list[str] = field(default_factory=list)
    state: str = "proposed"
    effective_on: date | None = None
    rejected_by: str | None = None
    reason: str = ""

    @property
    def not_yet_accepted(self) -> list[str]:
        return [p for p in self.awaiting if p not in self.accepted]


@dataclass
class Delivery:
    """One entry of the delivery schedule: so many units of a line due by a date."""

    line_no: int
    due: date
    quantity: int


@dataclass
class Contract(Entity):
    KIND = "contract"
    LABEL = "contract"

    package_id: str = ""
    buyer: str = ""
    supplier: str = ""
    kind: str = ""
    signed_on: date | None = None
    currency: str = ""
    lines: dict[int, ContractLine] = field(default_factory=dict)
    schedule: list[Delivery] = field(default_factory=list)
    amendments: dict[str, Amendment] = field(default_factory=dict)

    @property
    def pending(self) -> Amendment | None:
        """The amendment awaiting acceptance, if any (at most one at a time)."""
        return next((a for a in self.amendments.values() if a.state == "proposed"), None)

    @property
    def value(self) -> Money:
        return total((line.value for line in self.lines.values()), self.currency)

    def line(self, line_no: int) -> ContractLine:
        return numbered_line(self, self.lines, line_no)

    def _on_ContractSigned(self, e: ContractSigned) -> None:
        self.package_id = e.package_id
        self.buyer = e.buyer
        self.supplier = e.supplier
        self.kind = e.kind
        self.signed_on = e.signed_on
        self.currency = e.currency
        for line in e.lines:
            self.lines[line.line_no] = ContractLine(
                line.line_no,
                line.package_line_no,
                line.item,
                line.quantity,
                line.unit_price,
                line.quantity,
                line.unit_price,
            )
        self.schedule = [Delivery(s.line_no, s.due, s.quantity) for s in e.schedule]

    def _on_DeliveryRescheduled(self, e: DeliveryRescheduled) -> None:
        self.schedule[e.entry - 1].due = e.new_due

    def _on_ContractAmendmentProposed(self, e: ContractAmendmentProposed) -> None:
        self.amendments[e.amendment_id] = Amendment(
            e.amendment_id, e.kind, e.rationale, e.description, e.on, e.lines, e.schedule, e.awaiting
        )

    def _on_ContractAmendmentAccepted(self, e: ContractAmendmentAccepted) -> None:
        self.amendments[e.amendment_id].accepted.append(e.party)

    def _on_ContractAmendmentRejected(self, e: ContractAmendmentRejected) -> None:
        amendment = self.amendments[e.amendment_id]
        amendment.state, amendment.rejected_by, amendment.reason = "rejected", e.party, e.reason

    def _on_ContractAmended(self, e: ContractAmended) -> None:
        amendment = self.amendments[e.amendment_id]
        amendment.state, amendment.effective_on = "in_force", e.on
        for due in amendment.schedule:
            self.schedule[due.entry - 1].due = due.new_due
        for change in amendment.lines:
            line = self.lines[change.line_no]
            line.unit_price = change.new_unit_price
            self._rescheduled_quantity(change.line_no, change.new_quantity - line.quantity)
            line.quantity = change.new_quantity

    def _rescheduled_quantity(self, line_no: int, more: int) -> None:
        """A line's schedule follows its new quantity: units added are due with its last
        entry, units removed come off its last entries first (an emptied entry goes)."""
        entries = [d for d in self.schedule if d.line_no == line_no]
        if not entries or more == 0:
            return
        if more > 0:
            entries[-1].quantity += more
            return
        for entry in reversed(entries):
            taken = min(entry.quantity, -more)
            entry.quantity -= taken
            more += taken
        self.schedule = [d for d in self.schedule if d.quantity > 0]


@dataclass(frozen=True)
class LineTerms:
    """A contract line as given by the user: package line, quantity, unit price (optional)."""

    package_line_no: object
    quantity: object
    unit_price: object | None = None


@dataclass(frozen=True)
class DeliveryTerms:
    line_no: object
    due: object
    quantity: object


def sign(
    contract: Contract,
    package: Package,
    *,
    buyer: str,
    supplier: str,
    kind: object,
    signed_on: object,
    lines: list[LineTerms],
    schedule: list[DeliveryTerms],
    contracted_by_line: dict[int, int],
) -> list[Event]:
    """Sign a contract for lines of an approved (or already contracted) package.

    ``contracted_by_line`` is the quantity of each package line already under contract."""
    parse_id("id", contract.id)
    require_new(contract)
    if package.state not in PACKAGE.group("contractable"):
        raise RuleViolation(
            f"package '{package.id}' is {package.state}: contracts are signed for approved packages",
            field="package",
            value=package.id,
        )
    if not lines:
        raise InvalidInput("lines", [], "a contract needs at least one line")
    if buyer not in (package.seller, package.recipient):
        # PURL: the selling government contracts industry; Drone Deal: the buying government does
        raise RuleViolation(
            f"a contract for package '{package.id}' is bought by its seller ({package.seller}) or its recipient "
            f"({package.recipient}), not {buyer}",
            field="buyer",
            value=buyer,
        )
    out_lines = _signed_lines(package, lines, contracted_by_line)
    unique("lines.package_line", [line.package_line_no for line in out_lines])
    sign_day = parse_date("signed_on", signed_on)
    out_schedule = _schedule(schedule, sign_day, out_lines)
    return [
        ContractSigned(
            id=contract.id,
            package_id=package.id,
            buyer=buyer,
            supplier=supplier,
            kind=parse_choice("kind", kind, CONTRACT_KINDS),
            signed_on=sign_day,
            currency=package.currency,
            lines=tuple(out_lines),
            schedule=tuple(out_schedule),
        )
    ]


def _signed_lines(package: Package, lines: list[LineTerms], contracted_by_line: dict[int, int]) -> list[SignedLine]:
    """The contract's lines: each within what its package line has left to contract, at no more
    than the unit price funded for it."""
    out_lines: list[SignedLine] = []
    for i, terms in enumerate(lines, start=1):
        pkg_line_no = parse_int(f"lines[{i}].package_line", terms.package_line_no, minimum=1)
        pkg_line = package.line(pkg_line_no)
        qty = parse_int(f"lines[{i}].quantity", terms.quantity, minimum=1)
        left = pkg_line.quantity - contracted_by_line.get(pkg_line_no, 0)
        if qty > left:
            raise RuleViolation(
                f"package '{package.id}' line {pkg_line_no} has {left} left to contract, not {qty}",
                field=f"lines[{i}].quantity",
                value=qty,
            )
        if terms.unit_price in (None, ""):
            price = pkg_line.unit_price
        else:
            price = parse_positive_money(f"lines[{i}].unit_price", terms.unit_price, package.currency)
        if price > pkg_line.unit_price:
            raise RuleViolation(
                f"line {i} costs {price} per unit, more than the {pkg_line.unit_price} funded for package line "
                f"{pkg_line_no}",
                field=f"lines[{i}].unit_price",
                value=str(price.amount),
            )
        out_lines.append(SignedLine(i, pkg_line_no, pkg_line.item, qty, price))
    return out_lines


def _schedule(schedule: list[DeliveryTerms], sign_day: date, out_lines: list[SignedLine]) -> list[ScheduledDelivery]:
    """The delivery schedule: due on or after signing and, when given, every unit of every line."""
    out_schedule: list[ScheduledDelivery] = []
    scheduled: dict[int, int] = {}
    for j, entry in enumerate(schedule, start=1):
        line_no = parse_int(f"schedule[{j}].line", entry.line_no, minimum=1, maximum=len(out_lines))
        due = parse_date(f"schedule[{j}].due", entry.due)
        if due < sign_day:
            raise InvalidInput(f"schedule[{j}].due", due.isoformat(), "is before the contract is signed")
        qty = parse_int(f"schedule[{j}].quantity", entry.quantity, minimum=1)
        scheduled[line_no] = scheduled.get(line_no, 0) + qty
        out_schedule.append(ScheduledDelivery(line_no, due, qty))
    for line in out_lines:
        if scheduled and scheduled.get(line.line_no, 0) != line.quantity:
            raise InvalidInput(
                "schedule",
                scheduled.get(line.line_no, 0),
                f"must schedule exactly the {line.quantity} units of line {line.line_no}",
            )
    return out_schedule


def reschedule(contract: Contract, *, entry: object, due: object, reason: object, on: date) -> list[Event]:
    """Move one entry of the delivery schedule (its number in signing order) to a new date."""
    require_exists(contract)
    if not contract.schedule:
        raise RuleViolation(f"contract '{contract.id}' has no delivery schedule", field="entry", value=entry)
    number = parse_int("entry", entry, minimum=1, maximum=len(contract.schedule))
    current = contract.schedule[number - 1]
    what = f"entry {number} of contract '{contract.id}' ({current.quantity} units of line {current.line_no})"
    new = moving.new_due(what, current.due, due, not_before=contract.signed_on)
    return [
        DeliveryRescheduled(
            entry=number,
            line_no=current.line_no,
            old_due=current.due,
            new_due=new,
            reason=moving.reason(reason),
            on=on,
        )
    ]

"""How money released from package lines is counted to the cent (issue 15 item 3).

An allocation holds two amounts that stand for the same money: the pledge's (what the
funder gave) and the line's (what the package line is paid with, at the allocation's
rate). A release names one side and the other is derived; a release spread over several
allocations names a total. Three rules keep every cent accounted for:

1. **Shares by largest remainder.** A total shared between allocations (a contract's
   under-run over the allocations of its line, a pledge's remainder over its allocations
   to a package) is split in minor units in proportion to what each may give: each gets
   the floor of its exact share and the cents left over go to the largest fractional
   parts, ties to the earlier allocation. The shares add up to the total exactly and none
   is more than its allocation may give.
2. **The other side is cumulative.** After a partial release an allocation keeps, on the
   derived side, its whole amount times the share it keeps on the named side, rounded half
   to even; the release is the difference. So what an allocation holds depends only on
   what it still holds of the other side, never on how its releases were cut, and the
   release that empties it gives back exactly what is left.
3. **Never below what was transferred.** Money sent to the seller stays with the package:
   a pledge keeps for a package at least what it transferred for it. Where rule 2's
   rounding would leave it one minor unit short, the release gives that unit less; more
   than rounding is refused (``released_room`` says what a release may still take).
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import RuleViolation
from .money import Money, split_pro_rata

#: what rule 2 can be off by, in minor units: the only shortfall rule 3 absorbs
ROUNDING_UNITS = 1


def share(total: Money, room: Sequence[Money]) -> list[Money]:
    """Rule 1: ``total`` split over allocations that may give ``room`` each."""
    available = sum((r.minor for r in room), 0)
    if total.minor > available:
        raise RuleViolation(
            f"{total} cannot be released: the allocations concerned may give {Money.from_minor(available, total.currency)}",
            field="amount",
            value=str(total.amount),
        )
    return split_pro_rata(total, [r.amount for r in room])


def other_side(part: Money, held: Money, whole: Money, held_other: Money, whole_other: Money) -> Money:
    """Rule 2: what releasing ``part`` of ``held`` (of an allocation of ``whole``) releases on
    the other side, where the allocation holds ``held_other`` of ``whole_other``."""
    if part == held:
        return held_other
    keep = Money.rounded(whole_other.amount * (held - part).amount / whole.amount, whole_other.currency)
    return max(min(held_other - keep, held_other), Money.zero(whole_other.currency))


def above_transferred(back: Money, held_for_package: Money, transferred: Money, *, partial: bool) -> Money | None:
    """Rule 3: ``back`` (pledge's currency), or one rounding unit less where that unit would
    take the package below what was transferred; None where the release takes more."""
    short = transferred.minor - (held_for_package - back).minor
    if short <= 0:
        return back
    if partial and short <= ROUNDING_UNITS:
        return back - Money.from_minor(short, back.currency)
    return None


def released_room(held: Money, held_for_package: Money, transferred: Money) -> Money:
    """What an allocation holding ``held`` may still give back (pledge's currency) when its
    pledge holds ``held_for_package`` for the package and transferred ``transferred`` of it."""
    room = held_for_package - transferred
    return max(min(room, held), Money.zero(held.currency))


def line_room(held: Money, held_line: Money, whole: Money, whole_line: Money, room: Money) -> Money:
    """The line's side of ``room`` (rule 2), never more than rule 2 would derive back from it:
    what a release named on the line may take without going below the transferred money."""
    if room >= held:
        return held_line
    line = other_side(room, held, whole, held_line, whole_line)
    while line.is_positive and other_side(line, held_line, whole_line, held, whole) > room:
        line = line - Money.from_minor(1, line.currency)
    return line


def line_cost(
    quantity: int, unit_price_minor: int, contracted_quantity: int, contracted_minor: int, *, closed: bool = False
) -> int:
    """What a package line costs now, in minor units: its contracts' cost for the units under
    contract, the funded unit price for the rest (none once its package is closed). Funded
    beyond it is a contract's under-run, or a closed package's remainder."""
    if closed:
        return contracted_minor
    return (quantity - contracted_quantity) * unit_price_minor + contracted_minor

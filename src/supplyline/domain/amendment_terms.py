"""The terms of a contract's change as a user gives them, and the rationales it may give
(issue 15 item 4): light, so that the CLI can name them without loading the domain."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

#: why a contract changes: Prozorro's ``rationaleTypes`` (OCDS ``amendments.rationale``)
RATIONALES = (
    "volume_cuts",
    "item_price_variation",
    "quality_improvement",
    "third_party",
    "duration_extension",
    "price_reduction",
    "tax_rate",
    "fiscal_year_extension",
)
#: a price may move this share of the line's original price as a modification
DEFAULT_TOLERANCE = Decimal("0.10")


@dataclass(frozen=True)
class LineAmendment:
    """A contract line's new terms as given: its quantity, its unit price, or both."""

    line_no: object
    quantity: object | None = None
    unit_price: object | None = None


@dataclass(frozen=True)
class DueAmendment:
    """A schedule entry (its number in signing order) and its new due date."""

    entry: object
    due: object

"""What the public may see of a record: the one place an export asks.

Until per-field disclosure levels exist in the ledger (public / parties / confidential, with
embargo dates), a static policy decides. It withholds the free text that may carry
operational or diplomatic detail: a receipt's discrepancy note (what was lost or damaged,
and how) and an approver's stated reason. Figures, dates, parties and items are public.
A view returns the row without the withheld fields and names them under ``WITHHELD``, so an
export lists what it left out instead of dropping it silently. Swap ``public_view`` for a
function with the same signature to apply a richer policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..engines.interchange.ocds import WITHHELD


@dataclass(frozen=True)
class DisclosurePolicy:
    """Fields withheld from the public, as (projection table, field); a money field such as
    ``unit_price`` covers its ``unit_price_minor`` and ``unit_price_currency`` columns."""

    withheld: frozenset[tuple[str, str]]

    def view(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        hidden, removed = [], set()
        for name in sorted(name for t, name in self.withheld if t == table):
            columns = {name} if name in row else {f"{name}_minor", f"{name}_currency"} & set(row)
            if columns:
                hidden.append(name)
                removed |= columns
        if not hidden:
            return row
        out = {k: v for k, v in row.items() if k not in removed}
        out[WITHHELD] = tuple(hidden)
        return out


DEFAULT_POLICY = DisclosurePolicy(frozenset({("shipments", "note"), ("package_decisions", "reason")}))

PublicView = Callable[[str, dict[str, Any]], dict[str, Any]]


def public_view(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The public's view of a projection row of ``table``."""
    return DEFAULT_POLICY.view(table, row)

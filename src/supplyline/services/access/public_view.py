"""What the public may see of a record: the one place an export asks.

Two things decide. First the ledger: a field its recording command withheld (disclosure
level parties or confidential, embargo not yet passed) is left out, as the withholding
index says (``services/access/withholding.py``). Second a static policy for free text that no
command can mark: an approver's stated reason, and a receipt's discrepancy note (what was
lost or damaged, and how), which may carry operational or diplomatic detail.
A view returns the row without the withheld fields and names them under ``WITHHELD``, so an
export lists what it left out instead of dropping it silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from ...domain.disclosure_table import TABLE
from ...engines.interchange.ocds import WITHHELD
from ...store import schema as t
from .withholding import PUBLIC_READER, Index


@dataclass(frozen=True)
class DisclosurePolicy:
    """Fields withheld from the public, as (projection table, field); a money field such as
    ``unit_price`` covers its ``unit_price_minor`` and ``unit_price_currency`` columns."""

    withheld: frozenset[tuple[str, str]]

    def view(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        hidden, removed = [], set()
        for name in sorted(name for withheld_table, name in self.withheld if withheld_table == table):
            columns = {name} if name in row else {f"{name}_minor", f"{name}_currency"} & set(row)
            if columns:
                hidden.append(name)
                removed |= columns
        if not hidden:
            return row
        out = {k: v for k, v in row.items() if k not in removed}
        out[WITHHELD] = tuple(hidden)
        return out


#: the projected columns of every field the disclosure table withholds by default (free text
#: that may carry operational or diplomatic detail), left out of public views even where an
#: older event holds them in clear: read from the table, not listed again here
DEFAULT_POLICY = DisclosurePolicy(
    frozenset(
        (shown.table, column)
        for record in TABLE.values()
        for row in record.fields.values()
        if row.default is not None
        for shown in row.shows
        for column in shown.columns
    )
)

PublicView = Callable[[str, dict[str, Any]], dict[str, Any]]


def public_view(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The static policy alone (for rows of a ledger that withholds nothing)."""
    return DEFAULT_POLICY.view(table, row)


def public_view_of(conn: Connection, *, on: date | None = None) -> PublicView:
    """The public's view of projection rows of this ledger: what the ledger withheld from the
    public on ``on`` (default today, UTC), then the static policy."""
    index = Index(conn, on=on)

    def view(table: str, row: dict[str, Any]) -> dict[str, Any]:
        primary = [c.name for c in t.every_table().tables[table].primary_key.columns]
        hidden = index.hidden(table, tuple(row[c] for c in primary), PUBLIC_READER) if index else {}
        names = {_field_of(column, row) for column in hidden if column in row}
        viewed = DEFAULT_POLICY.view(table, {k: v for k, v in row.items() if k not in hidden})
        if names:
            viewed = {**viewed, WITHHELD: tuple(sorted(set(viewed.get(WITHHELD, ())) | names))}
        return viewed

    return view


def _field_of(column: str, row: dict[str, Any]) -> str:
    """The user-facing field a column belongs to (``unit_price_minor`` -> ``unit_price``)."""
    for suffix in ("_minor", "_currency"):
        if column.endswith(suffix) and f"{column[: -len(suffix)]}_minor" in row:
            return column[: -len(suffix)]
    return column

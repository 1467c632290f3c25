"""Changes to signed contracts (issue 15 item 4), on the same metadata as store/schema.py:
one row per modification or amendment, with its rationale, who must accept it and who has."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Table, Text

from .schema import _id, metadata

contract_amendments: Table = Table(
    "contract_amendments",
    metadata,
    _id("contract_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("amendment_id", String(80), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("rationale", String(40), nullable=False),
    Column("description", Text, nullable=False),
    Column("proposed_on", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("effective_on", Date, nullable=True),
    Column("awaiting", Text, nullable=False),  # canonical JSON list of party ids
    Column("accepted", Text, nullable=False),  # canonical JSON list of party ids
    Column("rejected_by", String(64), nullable=True),
    Column("reason", Text, nullable=False),
    #: canonical JSON: {"lines": [{line_no, old_quantity, new_quantity, old_unit_price,
    #: new_unit_price}], "schedule": [{entry, old_due, new_due}]} (prices as decimal strings)
    Column("changes", Text, nullable=False),
)

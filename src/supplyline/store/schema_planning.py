"""Tables of co-production planning (the accepted production plans and the facilities' item
terms they were planned with), on the same metadata as store/schema.py."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table

from .schema import _id, _money, metadata

facility_item_terms: Table = Table(
    "facility_item_terms",
    metadata,
    _id("facility_id", primary_key=True),
    Column("item", String(200), primary_key=True),
    Column("min_batch", Integer, nullable=False),
    *_money("unit_cost"),
)

production_plans: Table = Table(
    "production_plans",
    metadata,
    _id("id", primary_key=True),
    Column("state", String(20), nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("first_month", String(7), nullable=False),
    Column("horizon", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("weighted_lateness", BigInteger, nullable=False),
    *_money("cost"),
    Column("input_digest", String(64), nullable=False),
    _id("superseded_by"),
    Column("superseded_on", Date),
    Column("version", Integer, nullable=False),
)

production_plan_parts: Table = Table(
    "production_plan_parts",
    metadata,
    _id("plan_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    _id("order_id", nullable=False, index=True),
    _id("facility_id", nullable=False),
    Column("month", String(7), nullable=False),
    Column("quantity", Integer, nullable=False),
)

#: units of an order a plan could not fit within its horizon
production_plan_shortfalls: Table = Table(
    "production_plan_shortfalls",
    metadata,
    _id("plan_id", primary_key=True),
    _id("order_id", primary_key=True),
    Column("quantity", Integer, nullable=False),
)

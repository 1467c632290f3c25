"""Notifications' tables (issue 17, item 5), on the same metadata as store/schema.py.

Neither is ledger data, and neither is a projection: a subscription holds a webhook's URL
and its signing secret (deployment configuration that never goes into the public log), and
the outbox the state of each delivery. The outbox is fed from the log by the worker (each
subscription's ``fed_seq`` says how far), so a crash between a write and its notification
loses nothing, and writers never touch either table."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from .schema import ID, _id, metadata

subscriptions: Table = Table(
    "subscriptions",
    metadata,
    _id("id", primary_key=True),
    _id("party", nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=False),  # JSON list of event types
    Column("secret", String(100), nullable=False),  # whsec_…: the HMAC key both sides hold
    Column("created_at", String(32), nullable=False),
    Column("state", String(20), nullable=False),  # active | removed
    Column("fed_seq", Integer, nullable=False),  # the last log seq the outbox was fed up to
)

notify_outbox: Table = Table(
    "notify_outbox",
    metadata,
    _id("subscription_id", primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("webhook_id", String(ID + 24), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("state", String(20), nullable=False),  # pending | delivered | withheld
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", String(32), nullable=False),
    Column("delivered_at", String(32)),
    Column("last_status", Integer),
    Column("last_error", Text, nullable=False),
    Index("ix_notify_outbox_pending", "subscription_id", "state", "seq"),
)

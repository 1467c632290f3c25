"""Tables of end-use monitoring (issue 16), on the same metadata as store/schema.py.

Two kinds of table:

- projections of the small records (rules, sites, checks, dispositions, handovers), built
  from their streams like every other projection (store/projections.py);
- the serial index: ``serial_manifests`` and ``manifest_serials`` hold every manifest's
  serials (the log holds only each manifest's count and Merkle root), ``end_use_items``
  each serial's current state, written by the end-use services in the same transaction as
  the events, with bulk statements, so a shipment of 100,000 serials is one write and
  reports run from indexes instead of replaying events.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, Text

from .schema import ID, _id, metadata

SERIAL = 64

serial_rules: Table = Table(
    "serial_rules",
    metadata,
    Column("scope", String(20), primary_key=True),  # category | requirement
    Column("key", String(ID), primary_key=True),
)

inventory_rules: Table = Table(
    "inventory_rules",
    metadata,
    _id("id", primary_key=True),
    Column("initial_days", Integer, nullable=False),
    Column("interval_days", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

sites: Table = Table(
    "sites",
    metadata,
    _id("id", primary_key=True),
    _id("party", nullable=False, index=True),
    Column("code", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

end_use_checks: Table = Table(
    "end_use_checks",
    metadata,
    _id("id", primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("checked_on", Date, nullable=False),
    _id("inspector", nullable=False),
    _id("site_id", nullable=False, index=True),
    Column("sighted", Integer, nullable=False),
    Column("manifest_root", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)

dispositions: Table = Table(
    "dispositions",
    metadata,
    _id("id", primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("disposed_on", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("manifest_root", String(64), nullable=False),
    Column("authorisation", Text, nullable=False),
    Column("evidence_sha256", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

#: one row per manifest: what it lists (a shipment line, a check's sightings, …) and when
serial_manifests: Table = Table(
    "serial_manifests",
    metadata,
    Column("id", String(80), primary_key=True),  # SH-1.2 (shipment line), EUC-0001, DSP-0001 …
    Column("kind", String(20), nullable=False),  # shipped | missing | damaged | initial | annual | … | expended …
    Column("stream_id", String(80), nullable=False),
    Column("on", Date, nullable=False),
    _id("site_id"),
    Column("count", Integer, nullable=False),
    Column("root", String(64), nullable=False),
)

manifest_serials: Table = Table(
    "manifest_serials",
    metadata,
    Column("manifest_id", String(80), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("serial", String(SERIAL), nullable=False, index=True),
)

#: each serial's current state; the compliance reports group it by these columns
end_use_items: Table = Table(
    "end_use_items",
    metadata,
    Column("serial", String(SERIAL), primary_key=True),
    Column("manifest_id", String(80), nullable=False),
    _id("shipment_id", nullable=False, index=True),
    Column("contract_line_no", Integer, nullable=False),
    _id("package_id", nullable=False, index=True),
    Column("package_line_no", Integer, nullable=False),
    _id("requirement_id", nullable=False),
    Column("category", String(40), nullable=False),
    Column("value_minor", BigInteger, nullable=False),  # the unit's price on its contract line, as signed
    Column("value_currency", String(3), nullable=False),
    _id("recipient", nullable=False),
    _id("seller", nullable=False),
    Column("state", String(20), nullable=False),
    Column("received_on", Date),
    _id("site_id"),
    Column("inventoried_on", Date),
    Column("disposed_on", Date),
    Index("ix_end_use_items_state_received", "state", "received_on"),
    # a report of a past date reads the items inventoried after it one by one
    Index("ix_end_use_items_inventoried_on", "inventoried_on"),
)

#: the items counted by what their compliance status depends on: each index write adds the
#: change it made (minus the cohorts its items left, plus those they joined), so the sum
#: per cohort is the items' count and value, and a report reads a few rows per shipment,
#: check or disposition instead of scanning millions of items
end_use_cohorts: Table = Table(
    "end_use_cohorts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    _id("package_id", nullable=False),
    Column("package_line_no", Integer, nullable=False),
    Column("category", String(40), nullable=False),
    _id("site_id"),
    Column("value_currency", String(3), nullable=False),
    Column("received_on", Date),
    Column("inventoried_on", Date),
    Column("disposed_on", Date),
    Column("items", Integer, nullable=False),
    Column("value_minor", BigInteger, nullable=False),
)

handovers: Table = Table(
    "handovers",
    metadata,
    _id("id", primary_key=True),
    Column("state", String(20), nullable=False),
    _id("from_party", nullable=False),
    _id("to_party", nullable=False),
    _id("from_site_id", nullable=False),
    _id("to_site_id", nullable=False),
    Column("handed_on", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("manifest_root", String(64), nullable=False),
    Column("confirmed_on", Date),
    Column("missing", Integer, nullable=False),
    Column("damaged", Integer, nullable=False),
    Column("extra", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

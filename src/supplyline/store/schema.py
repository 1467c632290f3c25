"""Tables: the event log (the truth) and the projections (current state, derived from it).

Money columns hold integer minor units next to their currency, so sums are exact in SQL on
both databases and no driver ever sees a float. Rates and ownership shares, which are not
money, are kept as decimal text.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .event_fields import REFERENCE_KEYS, EventField, PayloadKey

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 64

#: the pledge's money by stage, besides what is committed and allocated (issue 15)
MONEY_STAGES = ("paid_in", "transferred", "obligated", "expended", "released", "returned")


def _id(name: str, **kw) -> Column:
    return Column(name, String(ID), **kw)


def _money(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_minor", BigInteger, nullable=False),
        Column(f"{prefix}_currency", String(3), nullable=False),
    ]


# --- the ledger -------------------------------------------------------------------------

#: The log. Each event is stored as the exact bytes its hash covers (``body``, see
#: ``ledger.chain.hash_input``), and every field the application reads is a generated column
#: cut out of those bytes by the database: what is shown can only be what was hashed, and
#: `verify` reads one column per event (``store/verification.py``). SQLite computes the
#: fields when read (VIRTUAL); PostgreSQL before 18 can only store them (STORED) and cannot
#: be written to them, and there `verify` hashes the stored fields themselves.
events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("body", Text, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("stream_id", String(140), Computed(EventField("stream_id")), nullable=False),
    Column("stream_version", Integer, Computed(EventField("stream_version")), nullable=False),
    Column("recorded_at", String(32), Computed(EventField("recorded_at")), nullable=False),
    Column("actor", String(ID), Computed(EventField("actor")), nullable=False),
    Column("type", String(64), Computed(EventField("type")), nullable=False),
    Column("meta", Text, Computed(EventField("meta")), nullable=False),
    Column("payload", Text, Computed(EventField("payload")), nullable=False),
    Column("prev_hash", String(64), Computed(EventField("prev_hash")), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    *(Index(f"ix_events_{key}", PayloadKey(key)) for key in REFERENCE_KEYS),
)

#: The latest event's sequence and hash. Writers lock this row, which serialises appends
#: (the chain needs a single order) and makes every decision see the latest state.
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    #: the latest checkpoint signed on commit (store/signing.py); NULL until the first signed write
    Column("checkpoint", Text, nullable=True),
)

# --- projections --------------------------------------------------------------------------

parties = Table(
    "parties",
    metadata,
    _id("id", primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("country", String(2)),
    Column("version", Integer, nullable=False),
)

fx_rates = Table(
    "fx_rates",
    metadata,
    Column("day", Date, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("per_eur", String(40), nullable=False),
    Column("source", String(40), nullable=False),
)

requirements = Table(
    "requirements",
    metadata,
    _id("id", primary_key=True),
    _id("recipient", nullable=False),
    Column("list_month", String(7), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("item", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit", String(40), nullable=False),
    *_money("unit_price"),
    Column("origin", String(8), nullable=False),
    Column("min_lot", Integer, nullable=False),
    Column("whole_only", Boolean, nullable=False),
    Column("needed_by", Date),
    Column("state", String(20), nullable=False),
    Column("funded_quantity", Integer, nullable=False),
    Column("delivered_quantity", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

requirement_rankings = Table(
    "requirement_rankings",
    metadata,
    _id("requirement_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("list_month", String(7), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
)

pledges = Table(
    "pledges",
    metadata,
    _id("id", primary_key=True),
    _id("funder", nullable=False),
    *_money("amount"),
    Column("allocated_minor", BigInteger, nullable=False),
    Column("pledged_on", Date, nullable=False),
    Column("mechanism", String(20), nullable=False),
    Column("categories", Text, nullable=False),  # canonical JSON list
    Column("origins", Text, nullable=False),  # canonical JSON list
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("state", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
    # money stages (issue 15), in the pledge's currency
    *[Column(f"{stage}_minor", BigInteger, nullable=False, server_default="0") for stage in MONEY_STAGES],
)

allocations = Table(
    "allocations",
    metadata,
    _id("id", primary_key=True),
    _id("pledge_id", nullable=False, index=True),
    _id("package_id", nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    *_money("amount"),
    *_money("line_amount"),
    Column("fx_rate", String(40)),
    Column("fx_date", Date),
    Column("allocated_on", Date, nullable=False),
    # given back to the pledge (the amounts above are what the allocation still holds)
    Column("released_minor", BigInteger, nullable=False, server_default="0"),
    Column("released_line_minor", BigInteger, nullable=False, server_default="0"),
)

#: Every movement of a pledge's money, in the order recorded: a row per event of its stages.
money_flows = Table(
    "money_flows",
    metadata,
    _id("pledge_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("stage", String(20), nullable=False),
    _id("package_id", index=True),
    _id("contract_id"),
    Column("contract_line_no", Integer),
    *_money("amount"),  # the pledge's currency
    Column("seller_minor", BigInteger),  # what reached the seller, in its currency
    Column("seller_currency", String(3)),
    Column("fx_rate", String(40)),
    Column("fx_date", Date),
    Column("fx_difference_minor", BigInteger),  # in the seller's currency
    Column("reference", String(100), nullable=False),
    Column("day", Date, nullable=False),
)

packages = Table(
    "packages",
    metadata,
    _id("id", primary_key=True),
    Column("title", String(200), nullable=False),
    Column("mechanism", String(20), nullable=False),
    _id("seller", nullable=False),
    _id("recipient", nullable=False),
    Column("currency", String(3), nullable=False),
    Column("approvers", Text, nullable=False),  # canonical JSON list
    Column("state", String(20), nullable=False),
    Column("version", Integer, nullable=False),
)

package_lines = Table(
    "package_lines",
    metadata,
    _id("package_id", primary_key=True),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    _id("requirement_id", nullable=False, index=True),
    Column("item", String(200), nullable=False),
    Column("category", String(40), nullable=False),
    Column("quantity", Integer, nullable=False),
    *_money("unit_price"),
    Column("origin", String(8), nullable=False),
    Column("cancelled_on", Date),  # taken out of its package (issue 15 item 3)
)

package_decisions = Table(
    "package_decisions",
    metadata,
    _id("package_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    _id("party", nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_on", Date, nullable=False),
)

contracts = Table(
    "contracts",
    metadata,
    _id("id", primary_key=True),
    _id("package_id", nullable=False, index=True),
    _id("buyer", nullable=False),
    _id("supplier", nullable=False),
    Column("kind", String(20), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("version", Integer, nullable=False),
)

contract_lines = Table(
    "contract_lines",
    metadata,
    _id("contract_id", primary_key=True),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("package_line_no", Integer, nullable=False),
    Column("item", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    *_money("unit_price"),
)

delivery_schedule = Table(
    "delivery_schedule",
    metadata,
    _id("contract_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("line_no", Integer, nullable=False),
    Column("due", Date, nullable=False),
    Column("quantity", Integer, nullable=False),
)

facilities = Table(
    "facilities",
    metadata,
    _id("id", primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("version", Integer, nullable=False),
)

facility_owners = Table(
    "facility_owners",
    metadata,
    _id("facility_id", primary_key=True),
    _id("party", primary_key=True),
    Column("share", String(20), nullable=False),
)

facility_capacity = Table(
    "facility_capacity",
    metadata,
    _id("facility_id", primary_key=True),
    Column("item", String(200), primary_key=True),
    Column("from_month", String(7), primary_key=True),
    Column("monthly_quantity", Integer, nullable=False),
)

production_orders = Table(
    "production_orders",
    metadata,
    _id("id", primary_key=True),
    _id("facility_id", nullable=False, index=True),
    _id("contract_id", nullable=False, index=True),
    Column("contract_line_no", Integer, nullable=False),
    Column("item", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("due", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("priority", Integer, nullable=False, server_default="1"),
    Column("version", Integer, nullable=False),
)

lots = Table(
    "lots",
    metadata,
    Column("lot_id", String(80), primary_key=True),
    _id("order_id", nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("produced_on", Date, nullable=False),
    Column("accepted", Integer),
    Column("rejected", Integer),
    Column("reason", Text, nullable=False),
    Column("inspected_on", Date),
)

shipments = Table(
    "shipments",
    metadata,
    _id("id", primary_key=True),
    _id("contract_id", nullable=False, index=True),
    Column("shipped_on", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("received_on", Date),
    Column("note", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("expected_arrival", Date),
)

shipment_lines = Table(
    "shipment_lines",
    metadata,
    _id("shipment_id", primary_key=True),
    Column("contract_line_no", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Integer, nullable=False),
    Column("received", Integer),
)

shipment_lots = Table(
    "shipment_lots",
    metadata,
    _id("shipment_id", primary_key=True),
    Column("lot_id", String(80), primary_key=True),
    Column("contract_line_no", Integer, nullable=False),
    Column("quantity", Integer, nullable=False),
)

#: Reference figures of the Kiel Institute's Ukraine Support Tracker (per release, donor, month),
#: in euro cents. Not money of this ledger: what analysts compare its pledges with.
kiel_allocations = Table(
    "kiel_allocations",
    metadata,
    Column("release", String(20), primary_key=True),
    Column("donor", String(3), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("donor_name", String(200), nullable=False),
    *[
        Column(f"{measure}_minor", BigInteger, nullable=False)
        for measure in ("total", "financial", "humanitarian", "military", "commitments", "to_be_allocated")
    ],
    Column("currency", String(3), nullable=False),
)

# --- API access ---------------------------------------------------------------------------

#: Projection of the token streams: who holds which credential, in which role, until when.
api_tokens = Table(
    "api_tokens",
    metadata,
    _id("id", primary_key=True),
    _id("party", nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("secret_sha256", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("issued_at", String(32), nullable=False),
    Column("state", String(20), nullable=False),
    Column("revoked_at", String(32)),
    Column("revoked_reason", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

#: The first response to each Idempotency-Key, per token. Not a projection: it records what
#: the API answered, written in the same transaction as the events that answer reports.
api_idempotency = Table(
    "api_idempotency",
    metadata,
    _id("token_id", primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_sha256", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", Text, nullable=False),
    Column("recorded_at", String(32), nullable=False),
)

#: Signed-in dashboard sessions. Not a projection: the cookie holds a random id, this row
#: (keyed by the id's SHA-256, so a copy of the table opens no session) holds the token it
#: acts for (its SHA-256 too), the form token against cross-site requests, and its expiry.
dashboard_sessions = Table(
    "dashboard_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("token_sha256", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", String(32), nullable=False, index=True),
)

# --- transparency ---------------------------------------------------------------------------

#: The RFC 6962 tree over the event hashes, as C2SP tlog-tiles (see ledger/tiles.py): one
#: row per tile, ``hashes`` the concatenated 32-byte hashes (a partial tile grows in place).
#: Derived from the events alone, extended in the same transaction as each append.
merkle_tiles = Table(
    "merkle_tiles",
    metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hashes", LargeBinary, nullable=False),
)

#: How many records (streams) of each kind the log holds, so a new id is numbered without
#: counting the log (``UnitOfWork.next_id``). Moved by each write in its transaction (under
#: the ledger lock), recomputed from the events by ``rebuild`` (store/record_counts.py).
record_counts = Table(
    "record_counts",
    metadata,
    Column("kind", String(40), primary_key=True),
    Column("records", BigInteger, nullable=False),
)

#: The values and salts of withheld fields (see ledger/disclosure.py). The events hold only
#: the commitments, so a public copy of the log never carries these; `verify` checks every
#: row against its commitment.
withheld_values = Table(
    "withheld_values",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("field", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # canonical JSON
    Column("salt", String(64), nullable=False),  # hex
)

# the tables of end-use monitoring, co-production planning, evidence, notifications, who
# agrees to what and contract changes are kept in their own modules, on ``metadata``, and named
# here like the rest; each module is loaded at the first use of one of its tables (a pledge
# list needs none of them), every one of them by ``every_table()`` (store/schema_apart.py)
dispositions: Table
end_use_checks: Table
end_use_cohorts: Table
end_use_items: Table
inventory_rules: Table
manifest_serials: Table
serial_manifests: Table
serial_rules: Table
sites: Table
handovers: Table
facility_item_terms: Table
production_plans: Table
production_plan_parts: Table
production_plan_shortfalls: Table
documents: Table
findings: Table
subscriptions: Table
notify_outbox: Table
approval_steps: Table
package_steps: Table
list_versions: Table
list_version_lines: Table
list_version_approvals: Table
contract_amendments: Table

from . import schema_indexes  # noqa: E402, F401 - the lists' indexes (issue 20), on the tables above
from .schema_apart import every_table  # noqa: E402, F401 - at the end: it reads this module's names
from .schema_apart import table_kept_apart as __getattr__  # noqa: E402, F401 - the tables kept apart load on first use

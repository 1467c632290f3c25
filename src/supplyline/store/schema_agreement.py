"""Tables of who agrees to what (issue 17), on the same metadata as store/schema.py: the
steps each mechanism's packages pass before approval (ledger configuration) and what was
done towards each package's approval."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Table, Text

from .schema import _id, metadata

approval_steps: Table = Table(
    "approval_steps",
    metadata,
    Column("mechanism", String(20), primary_key=True),
    Column("steps", Text, nullable=False),  # canonical JSON list: validation, concurrence
    Column("configured_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)

package_steps: Table = Table(
    "package_steps",
    metadata,
    _id("package_id", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("step", String(20), nullable=False),  # validation | concurrence
    _id("party", nullable=False),
    Column("verdict", String(20), nullable=False),  # validated | returned | concur | object
    Column("reason", Text, nullable=False),
    Column("done_on", Date, nullable=False),
)

#: the prioritised list's monthly versions (issue 17, item 1)
list_versions: Table = Table(
    "list_versions",
    metadata,
    _id("id", primary_key=True),
    _id("recipient", nullable=False, index=True),
    Column("month", String(7), nullable=False),
    Column("state", String(20), nullable=False),  # proposed | approved
    Column("approvers", Text, nullable=False),  # canonical JSON list: recipient, coordinator, seller
    Column("proposed_on", Date, nullable=False),
    Column("approved_on", Date),
    Column("version", Integer, nullable=False),
)

list_version_lines: Table = Table(
    "list_version_lines",
    metadata,
    _id("version_id", primary_key=True),
    _id("requirement_id", primary_key=True),
    Column("priority", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
)

list_version_approvals: Table = Table(
    "list_version_approvals",
    metadata,
    _id("version_id", primary_key=True),
    _id("party", primary_key=True),
    Column("approved_on", Date, nullable=False),
)

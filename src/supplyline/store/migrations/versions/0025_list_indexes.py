"""indexes for the API's lists: each list's sort key and the party columns the read policy filters on

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 19:10:00
"""

from alembic import op


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# frozen here as they were when written (store/schema_indexes.py may change in a later migration)
_INDEXES = {
    "ix_pledges_pledged_on_id": ("pledges", ("pledged_on", "id")),
    "ix_pledges_funder": ("pledges", ("funder",)),
    "ix_requirements_priority_rank_id": ("requirements", ("priority", "rank", "id")),
    "ix_requirements_recipient": ("requirements", ("recipient",)),
    "ix_shipments_shipped_on_id": ("shipments", ("shipped_on", "id")),
    "ix_packages_seller": ("packages", ("seller",)),
    "ix_packages_recipient": ("packages", ("recipient",)),
    "ix_contracts_buyer": ("contracts", ("buyer",)),
    "ix_contracts_supplier": ("contracts", ("supplier",)),
    "ix_facility_owners_party": ("facility_owners", ("party",)),
}


def upgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, (table, _) in _INDEXES.items():
        op.drop_index(name, table_name=table)

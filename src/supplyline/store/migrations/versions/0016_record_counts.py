"""record counts per kind: new ids numbered in O(1)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:30:00.000000
"""

from collections import Counter

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    counts = op.create_table('record_counts',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('records', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_record_counts'))
    )
    # backfilled from the log as it stands: the first event of each stream is a record
    conn = op.get_bind()
    firsts = conn.execute(sa.text("SELECT stream_id FROM events WHERE stream_version = 1"))
    records = Counter(stream_id.partition(":")[0] for (stream_id,) in firsts)
    if records:
        op.bulk_insert(counts, [{"kind": kind, "records": n} for kind, n in sorted(records.items())])


def downgrade() -> None:
    op.drop_table('record_counts')

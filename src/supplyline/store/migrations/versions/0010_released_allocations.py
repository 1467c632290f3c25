"""Allocations given back to their pledges: what each has released (issue 15 item 3).

Revision ID: 0010
Revises: 0009

An allocation's amounts become what it still holds; the released part is kept beside them,
so a rejected package's money shows as unallocated on its pledge again.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('allocations') as batch:
        batch.add_column(sa.Column('released_minor', sa.BigInteger(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('released_line_minor', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('allocations') as batch:
        batch.drop_column('released_line_minor')
        batch.drop_column('released_minor')

"""A package line taken out of its package before it is contracted (issue 15 item 3).

Revision ID: 0021
Revises: 0020

The line stays, with the day it was cancelled; its units no longer count as packaged and
its allocations' money went back to their pledges.
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('package_lines') as batch:
        batch.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('package_lines') as batch:
        batch.drop_column('cancelled_on')

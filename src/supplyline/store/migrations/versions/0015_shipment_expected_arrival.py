"""shipment expected arrival

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 12:35:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('shipments', sa.Column('expected_arrival', sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column('shipments', 'expected_arrival')

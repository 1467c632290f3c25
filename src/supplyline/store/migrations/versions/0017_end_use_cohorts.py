"""end-use cohorts: the items counted by what their compliance depends on

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_COHORT = "package_id, package_line_no, category, site_id, value_currency, received_on, inventoried_on, disposed_on"


def upgrade() -> None:
    op.create_table('end_use_cohorts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('package_line_no', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('site_id', sa.String(length=64), nullable=True),
    sa.Column('value_currency', sa.String(length=3), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('inventoried_on', sa.Date(), nullable=True),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('value_minor', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_end_use_items_inventoried_on', 'end_use_items', ['inventoried_on'], unique=False)
    # the items already indexed, one row per cohort
    op.execute(
        f"INSERT INTO end_use_cohorts ({_COHORT}, items, value_minor) "
        f"SELECT {_COHORT}, COUNT(*), SUM(value_minor) FROM end_use_items GROUP BY {_COHORT}"
    )


def downgrade() -> None:
    op.drop_index('ix_end_use_items_inventoried_on', table_name='end_use_items')
    op.drop_table('end_use_cohorts')

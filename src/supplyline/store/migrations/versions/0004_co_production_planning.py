"""co-production planning: facility item terms, order priority, accepted production plans

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-25 02:28:14.615056
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('facility_item_terms',
    sa.Column('facility_id', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('min_batch', sa.Integer(), nullable=False),
    sa.Column('unit_cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('unit_cost_currency', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('facility_id', 'item', name=op.f('pk_facility_item_terms'))
    )
    op.create_table('production_plan_parts',
    sa.Column('plan_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('facility_id', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'position', name=op.f('pk_production_plan_parts'))
    )
    with op.batch_alter_table('production_plan_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_production_plan_parts_order_id'), ['order_id'], unique=False)

    op.create_table('production_plan_shortfalls',
    sa.Column('plan_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'order_id', name=op.f('pk_production_plan_shortfalls'))
    )
    op.create_table('production_plans',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('first_month', sa.String(length=7), nullable=False),
    sa.Column('horizon', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('weighted_lateness', sa.BigInteger(), nullable=False),
    sa.Column('cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('cost_currency', sa.String(length=3), nullable=False),
    sa.Column('input_digest', sa.String(length=64), nullable=False),
    sa.Column('superseded_by', sa.String(length=64), nullable=True),
    sa.Column('superseded_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_production_plans'))
    )
    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='1', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('production_orders', schema=None) as batch_op:
        batch_op.drop_column('priority')

    op.drop_table('production_plans')
    op.drop_table('production_plan_shortfalls')
    with op.batch_alter_table('production_plan_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_production_plan_parts_order_id'))

    op.drop_table('production_plan_parts')
    op.drop_table('facility_item_terms')

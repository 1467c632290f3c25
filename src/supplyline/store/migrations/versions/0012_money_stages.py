"""Money stages of each pledge (issue 15): totals per stage and every movement.

Revision ID: 0012
Revises: 0011

Paid in, transferred, obligated, expended, released and returned, in the pledge's
currency, beside what it committed and allocated; ``money_flows`` holds one row per movement.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

STAGES = ("paid_in", "transferred", "obligated", "expended", "released", "returned")


def upgrade() -> None:
    with op.batch_alter_table('pledges') as batch:
        for stage in STAGES:
            batch.add_column(sa.Column(f'{stage}_minor', sa.BigInteger(), nullable=False, server_default='0'))
    op.create_table(
        'money_flows',
        sa.Column('pledge_id', sa.String(64), nullable=False),
        sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stage', sa.String(20), nullable=False),
        sa.Column('package_id', sa.String(64), nullable=True),
        sa.Column('contract_id', sa.String(64), nullable=True),
        sa.Column('contract_line_no', sa.Integer(), nullable=True),
        sa.Column('amount_minor', sa.BigInteger(), nullable=False),
        sa.Column('amount_currency', sa.String(3), nullable=False),
        sa.Column('seller_minor', sa.BigInteger(), nullable=True),
        sa.Column('seller_currency', sa.String(3), nullable=True),
        sa.Column('fx_rate', sa.String(40), nullable=True),
        sa.Column('fx_date', sa.Date(), nullable=True),
        sa.Column('fx_difference_minor', sa.BigInteger(), nullable=True),
        sa.Column('reference', sa.String(100), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('pledge_id', 'position', name=op.f('pk_money_flows')),
    )
    op.create_index(op.f('ix_money_flows_package_id'), 'money_flows', ['package_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_money_flows_package_id'), table_name='money_flows')
    op.drop_table('money_flows')
    with op.batch_alter_table('pledges') as batch:
        for stage in reversed(STAGES):
            batch.drop_column(f'{stage}_minor')

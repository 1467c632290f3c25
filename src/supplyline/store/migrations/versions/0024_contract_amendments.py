"""contract amendments (issue 15 item 4)

One new projection: the modifications and amendments of signed contracts, with their
rationale, the parties who must accept an amendment and those who have. Rebuilt from their
events.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 16:40:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contract_amendments',
    sa.Column('contract_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('amendment_id', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rationale', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('awaiting', sa.Text(), nullable=False),
    sa.Column('accepted', sa.Text(), nullable=False),
    sa.Column('rejected_by', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('contract_id', 'position', name=op.f('pk_contract_amendments')),
    sa.UniqueConstraint('amendment_id', name=op.f('uq_contract_amendments_amendment_id'))
    )


def downgrade() -> None:
    op.drop_table('contract_amendments')

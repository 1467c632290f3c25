"""The latest signed checkpoint beside the ledger head, written in each write's transaction.

Revision ID: 0009
Revises: 0008

Every committed write is covered by a checkpoint signed in its own transaction (signing on
commit, store/signing.py); the note is kept here and, after commit, appended to the
checkpoint file beside the signing key, out of the database writer's reach.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ledger_head') as batch:
        batch.add_column(sa.Column('checkpoint', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ledger_head') as batch:
        batch.drop_column('checkpoint')

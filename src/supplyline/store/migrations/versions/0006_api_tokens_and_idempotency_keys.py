"""API access: the projection of token streams, the first response to each
Idempotency-Key (operational data written with the events it answers for), and, on
PostgreSQL, the notifications that tell API servers the ledger has moved (see
store/ledgerwatch.py).

Revision ID: 0006
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_idempotency',
    sa.Column('token_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('token_id', 'key', name=op.f('pk_api_idempotency'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('party', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('revoked_at', sa.String(length=32), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('secret_sha256', name=op.f('uq_api_tokens_secret_sha256'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_party'), ['party'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # delivered when the appending transaction commits, never for one rolled back
        op.execute(
            "CREATE FUNCTION supplyline_ledger_advanced() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN PERFORM pg_notify('supplyline_ledger', NEW.seq::text); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_head_advanced AFTER UPDATE ON ledger_head "
            "FOR EACH ROW EXECUTE FUNCTION supplyline_ledger_advanced()"
        )
        # a rebuild empties every projection table, parties included; appends never delete a party
        op.execute(
            "CREATE FUNCTION supplyline_projections_rebuilt() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN PERFORM pg_notify('supplyline_ledger', 'rebuilt'); RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER projections_rebuilt AFTER DELETE ON parties "
            "FOR EACH STATEMENT EXECUTE FUNCTION supplyline_projections_rebuilt()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS projections_rebuilt ON parties")
        op.execute("DROP FUNCTION IF EXISTS supplyline_projections_rebuilt()")
        op.execute("DROP TRIGGER IF EXISTS ledger_head_advanced ON ledger_head")
        op.execute("DROP FUNCTION IF EXISTS supplyline_ledger_advanced()")
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_party'))

    op.drop_table('api_tokens')
    op.drop_table('api_idempotency')

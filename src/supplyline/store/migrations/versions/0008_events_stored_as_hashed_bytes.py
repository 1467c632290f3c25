"""Events stored as the bytes their hash covers; every field generated from them.

Revision ID: 0008
Revises: 0007

Until now each field was a column of its own and `verify` had the database put the hash
input back together for every event, which cost four times the hashing. Now ``body`` holds
that input as written, and the fields the application reads are generated columns cut out
of it (store/event_fields.py), so what is shown can only be what was hashed. The table is
rebuilt (a generated column cannot be added to an existing one); sequence numbers and
hashes are kept, and `verify` passes before and after.
"""

from alembic import op
import sqlalchemy as sa

from supplyline.store.event_fields import EventField


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_FIELDS = ("seq", "stream_id", "stream_version", "recorded_at", "actor", "type", "meta", "payload", "prev_hash")
_TYPES = {"stream_id": sa.String(length=140), "stream_version": sa.Integer(), "recorded_at": sa.String(length=32),
          "actor": sa.String(length=64), "type": sa.String(length=64), "meta": sa.Text(), "payload": sa.Text(),
          "prev_hash": sa.String(length=64)}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _drop_triggers() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")


def _create_triggers() -> None:
    if _sqlite():
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                f"BEGIN SELECT RAISE(ABORT, 'events are append-only: {verb} refused'); END"
            )
    else:  # the trigger function of revision 0001 stays
        op.execute("CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
                   "FOR EACH ROW EXECUTE FUNCTION supplyline_events_append_only()")
        op.execute("CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION supplyline_events_append_only()")


def _set_aside() -> None:
    """The old table out of the way, its constraint names freed (PostgreSQL's are global)."""
    _drop_triggers()
    op.execute("ALTER TABLE events RENAME TO events_old")
    if not _sqlite():
        op.execute("ALTER TABLE events_old RENAME CONSTRAINT pk_events TO pk_events_old")
        op.execute("ALTER TABLE events_old RENAME CONSTRAINT uq_events_stream_version TO uq_events_old")


def _body() -> str:
    """The hash input (ledger.chain.hash_input) of a row of the old table, as text."""
    newline = "char(10)" if _sqlite() else "chr(10)"
    parts = ["'supplyline-event-v1'"] + [f"CAST({name} AS TEXT)" for name in _FIELDS]
    return f" || {newline} || ".join(parts)


def upgrade() -> None:
    _set_aside()
    # the expressions are those of store/event_fields.py at this revision; changing them
    # needs a migration of its own
    op.create_table('events',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    *[sa.Column(name, kind, sa.Computed(EventField(name)), nullable=False) for name, kind in _TYPES.items()],
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_events')),
    sa.UniqueConstraint('stream_id', 'stream_version', name='uq_events_stream_version')
    )
    op.execute(f"INSERT INTO events (seq, body, hash) SELECT seq, {_body()}, hash FROM events_old ORDER BY seq")
    op.drop_table('events_old')
    _create_triggers()


def downgrade() -> None:
    _set_aside()
    op.create_table('events',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    *[sa.Column(name, kind, nullable=False) for name, kind in _TYPES.items()],
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_events')),
    sa.UniqueConstraint('stream_id', 'stream_version', name='uq_events_stream_version')
    )
    columns = ", ".join(_FIELDS + ("hash",))
    op.execute(f"INSERT INTO events ({columns}) SELECT {columns} FROM events_old ORDER BY seq")
    op.drop_table('events_old')
    _create_triggers()

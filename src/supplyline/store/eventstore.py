"""The event store: append with the hash chain, and keep projections in step.

A write is one database transaction: lock the ledger head, load the streams the command
needs (by replaying their events), let the domain decide, append the events, update the
projection rows. Anything that goes wrong rolls the whole transaction back, so a crash
mid-write leaves no half record.

Writers are serialised on the ledger head (SQLite: BEGIN IMMEDIATE; PostgreSQL: a row
lock). The chain needs a single order anyway, and because every decision is taken while
holding the lock, on the latest state, two writers can never both spend the same money.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from hashlib import sha256
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from ..domain.errors import NotFound, VersionConflict
from ..domain.values import parse_id, refuse_unclean_json, refuse_unclean_text
from ..ledger.canonical import canonical, parse
from ..ledger.chain import GENESIS, StoredEvent, from_hash_input, hash_text
from . import record_counts
from . import schema as t
from .db import WRITE, is_sqlite
from .table_rows import Rows, write_differences

# A reader (a list, a report) opens the store and reads: the entity and event classes, the
# projections and the withholding rules are loaded by the first write or load that needs them
# (imported in the functions below), so a read starts without them.
if TYPE_CHECKING:
    from ..domain.entity import Entity, Event
    from ..ledger.disclosure import Withholding
    from .replicas import Replicas
    from .signing import CommitSigner

E = TypeVar("E", bound="Entity")

AppendHook = Callable[[Connection, list[StoredEvent]], None]
#: told after a write committed: the head before it, the head after it, and the projection
#: rows it changed as the log gives them, (before, after) per entity
ProjectionHook = Callable[[int, int, list[tuple[Rows, Rows]]], None]

_BATCH = 500
# built once: appends are the hot path, and building a statement costs more than running it
_HEAD = select(t.ledger_head.c.seq, t.ledger_head.c.hash).where(t.ledger_head.c.id == 1)

#: The three statements every write runs, given straight to the driver: on a one-event
#: write SQLAlchemy's per-statement work costs as much as the database's.
_WRITE_SQL = {
    paramstyle: {
        "head": "SELECT seq, hash FROM ledger_head WHERE id = 1",
        # PostgreSQL: the ledger lock taken and the head read in one round trip
        "lock_head": "SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE",
        "set_head": f"UPDATE ledger_head SET seq = {mark}, hash = {mark} WHERE id = 1",
        "set_signed_head": f"UPDATE ledger_head SET seq = {mark}, hash = {mark}, checkpoint = {mark} WHERE id = 1",
        "append": f"INSERT INTO events (seq, body, hash) VALUES ({mark}, {mark}, {mark})",
        # added, not set: right whatever order writers commit in (store/record_counts.py)
        "count_records": f"INSERT INTO record_counts (kind, records) VALUES ({mark}, {mark}) "
        "ON CONFLICT (kind) DO UPDATE SET records = record_counts.records + excluded.records",
    }
    for paramstyle, mark in (("qmark", "?"), ("pyformat", "%s"), ("format", "%s"))
}


def driver_connection(conn: Connection) -> Any:
    """The DBAPI driver's own connection under ``conn`` (sqlite3 or psycopg), for statements
    the write path runs without SQLAlchemy's per-statement cost."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection is closed")
    return driver


class _Driver:
    """The write transaction's driver connection and that driver's statements."""

    def __init__(self, conn: Connection):
        self.connection = driver_connection(conn)
        self.sql = _WRITE_SQL[conn.dialect.paramstyle]

    def head(self, statement: str = "head") -> tuple[int, str]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(self.sql[statement])
            seq, digest = cursor.fetchone()
            return seq, digest
        finally:
            cursor.close()

    def run(self, name: str, params: tuple) -> None:
        cursor = self.connection.cursor()
        try:
            cursor.execute(self.sql[name], params)
        finally:
            cursor.close()

    def run_many(self, name: str, rows: list[tuple]) -> None:
        cursor = self.connection.cursor()
        try:
            cursor.executemany(self.sql[name], rows)
        finally:
            cursor.close()


#: The write transaction that ``Store.transaction`` holds open in this context, if any.
_JOINED: ContextVar[tuple[Store, Connection] | None] = ContextVar("supplyline_joined_transaction", default=None)


_AFTER_COMMIT = "supplyline_after_commit"
#: the head as ``locked`` read it with the lock (PostgreSQL), for the first write in the transaction
_LOCKED_HEAD = "supplyline_locked_head"


def after_commit(conn: Connection, call: Callable[[], None]) -> None:
    """Run ``call`` once the write transaction of ``conn`` has committed (never on rollback)."""
    conn.info[_AFTER_COMMIT].append(call)


#: the current second as text, formatted once a second: every write stamps its events
_second: tuple[int, str] = (-1, "")


def utc_timestamp(moment: datetime | None = None) -> str:
    global _second
    if moment is None:  # now: the seconds' text formatted once a second, the microseconds added
        seconds, micros = divmod(time.time_ns() // 1000, 1_000_000)
        if seconds != _second[0]:
            _second = (seconds, datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        return f"{_second[1]}.{micros:06d}Z"
    moment = moment.astimezone(UTC)
    if moment.year < 1000:  # isoformat would not pad the year as strftime's %Y does here
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"  # three times faster than strftime


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        #: called inside the write transaction with the events a unit of work appended, before
        #: it commits (e.g. to extend the Merkle tree)
        self.append_hooks: list[AppendHook] = []
        #: signs each write's checkpoint in its transaction (store/signing.py); None: unsigned
        self.signing: CommitSigner | None = None
        #: told of each committed write's projection changes (services/log/projection_watch.py)
        self.projection_hooks: list[ProjectionHook] = []
        #: PostgreSQL streaming replicas that reads go to (store/replicas.py); None: the primary
        self.replicas: Replicas | None = None

    @contextmanager
    def write(self, actor: str, meta: dict | None = None) -> Iterator[UnitOfWork]:
        parse_id("actor", actor)
        with self.locked() as conn:
            driver = _Driver(conn)
            locked_at = conn.info.pop(_LOCKED_HEAD, None)  # read as the lock was taken: nothing wrote since
            seq, head = locked_at if locked_at is not None else driver.head()
            uow = UnitOfWork(self, conn, actor, canonical(meta) if meta else "{}", seq, head, driver)
            yield uow
            if uow.appended:
                uow.flush()
                if uow.new_records:
                    driver.run_many("count_records", list(uow.new_records.items()))
                for hook in self.append_hooks:
                    hook(conn, uow.appended)
                signing = self.signing
                if signing is None:
                    driver.run("set_head", (uow.seq, uow.head))
                else:
                    note = signing.sign(conn, uow.appended)
                    driver.run("set_signed_head", (uow.seq, uow.head, note))
                    after_commit(conn, lambda: signing.committed(note))
                if uow.changes is not None:
                    self._tell(conn, seq, uow.seq, uow.changes)

    def _tell(self, conn: Connection, before: int, after: int, changes: list[tuple[Rows, Rows]]) -> None:
        def tell() -> None:
            for hook in self.projection_hooks:
                hook(before, after, changes)

        after_commit(conn, tell)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction that every ``write`` inside it joins: they commit or roll back
        together. The API records an Idempotency-Key this way, atomically with the events the
        request appended, so concurrent retries of one request write it exactly once."""
        with self.locked() as conn:
            joined = _JOINED.set((self, conn))
            try:
                yield conn
            finally:
                _JOINED.reset(joined)

    @contextmanager
    def locked(self) -> Iterator[Connection]:
        """A write transaction holding the ledger lock: no other writer runs until it ends."""
        held = _JOINED.get()
        if held is not None and held[0] is self:
            yield held[1]
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            pending: list[Callable[[], None]] = []
            conn.info[_AFTER_COMMIT] = pending
            try:
                with conn.begin():
                    if not is_sqlite(self.engine):  # SQLite's BEGIN IMMEDIATE already holds the lock
                        # the row lock, and the head for the write that follows (a round trip saved)
                        conn.info[_LOCKED_HEAD] = _Driver(conn).head("lock_head")
                    yield conn
                if self.replicas is not None:
                    self.replicas.committed(conn)
            finally:
                conn.info.pop(_AFTER_COMMIT, None)
                conn.info.pop(_LOCKED_HEAD, None)
            for call in pending:  # only reached when the transaction committed
                call()

    @contextmanager
    def operational_write(self) -> Iterator[Connection]:
        """A write transaction on the primary, without the ledger lock, for rows no event
        records (dashboard sessions); the writer's next read sees it as after any write."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn
            if self.replicas is not None:
                self.replicas.committed(conn)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction on one consistent snapshot (reports add up even while writers
        run), on a replica when the store has them and one holds what this reader must see."""
        replica = self.replicas.connect() if self.replicas is not None else None
        with replica if replica is not None else self.engine.connect() as conn:
            if not is_sqlite(self.engine):
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn


class UnitOfWork:
    """One command's view of the ledger, inside the write transaction."""

    def __init__(self, store: Store, conn: Connection, actor: str, meta: str, seq: int, head: str, driver: _Driver):
        self.store = store
        self._conn = conn
        self._driver = driver
        self._unwritten: list[tuple] = []  # event rows not yet inserted (see ``conn``)
        self._stored_rows: dict[str, Rows] = {}  # projection rows as stored, of streams changed since the last flush
        self.actor = actor
        self.meta = meta
        self.seq = seq
        self.head = head
        self.appended: list[StoredEvent] = []
        #: records (streams) this unit of work began, by kind: added to record_counts at its end
        self.new_records: Counter[str] = Counter()
        self._entities: dict[str, Entity] = {}
        self._rows: dict[str, Rows] = {}
        self._stamp: str | None = None
        #: the projection changes written, kept only when someone is told of them
        self.changes: list[tuple[Rows, Rows]] | None = [] if store.projection_hooks else None

    @property
    def conn(self) -> Connection:
        """The write transaction, with every event recorded so far in it and the projections
        brought up to date. Both are written when someone next looks (one statement per
        table for a whole batch of records), which is most of what a bulk command saves."""
        self.flush()
        return self._conn

    def flush(self) -> None:
        if self._unwritten:
            rows, self._unwritten = self._unwritten, []
            if len(rows) == 1:
                self._driver.run("append", rows[0])
            else:
                self._driver.run_many("append", rows)
        if self._stored_rows:
            stored, self._stored_rows = self._stored_rows, {}
            pairs = [(before, self._rows[stream]) for stream, before in stored.items()]
            write_differences(self._conn, pairs)
            if self.changes is not None:
                self.changes.extend(pairs)

    # loading ----------------------------------------------------------------------------
    def get(self, cls: type[E], entity_id: str) -> E:
        """The entity as its events left it; an unborn one (version 0) if it has none."""
        from ..domain.entity import stream_id

        self.preload(cls, [entity_id])
        return self._entities[stream_id(cls.KIND, entity_id)]  # type: ignore[return-value]  # one entity class per stream kind

    def load(self, cls: type[E], entity_id: str, *, field: str | None = None) -> E:
        entity = self.get(cls, entity_id)
        if not entity.exists:
            raise NotFound(cls.LABEL, entity_id, field=field)
        return entity

    def preload(self, cls: type[E], entity_ids: Iterable[str]) -> None:
        from ..domain.entity import stream_id
        from . import withheld
        from .projections import rows_of

        wanted = [i for i in dict.fromkeys(entity_ids) if stream_id(cls.KIND, i) not in self._entities]
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            fresh = {stream_id(cls.KIND, i): cls(id=i) for i in chunk}
            rows = self.conn.execute(
                select(t.events.c.seq, t.events.c.stream_id, t.events.c.type, t.events.c.meta, t.events.c.payload)
                .where(t.events.c.stream_id.in_(list(fresh)))
                .order_by(t.events.c.stream_id, t.events.c.stream_version)
            ).all()
            payloads = withheld.real_payloads(self.conn, [(row.seq, row.payload) for row in rows])
            for row in rows:
                fresh[row.stream_id].apply(typed_event(row.type, payloads[row.seq], row.meta))
            for sid, entity in fresh.items():
                self._entities[sid] = entity
                self._rows[sid] = rows_of(entity)

    def next_id(self, cls: type[Entity], prefix: str) -> str:
        """A fresh sequential id such as PKG-0007: one past the records of its kind, and past
        any id a command named itself (safe: we hold the write lock). The count is kept per
        kind (store/record_counts.py), so this reads one row, however long the log."""
        n = record_counts.records(self._conn, cls.KIND) + self.new_records[cls.KIND] + 1
        while True:
            candidate = f"{prefix}-{n:04d}"
            if not self.get(cls, candidate).exists:
                return candidate
            n += 1

    # appending --------------------------------------------------------------------------
    def record(
        self,
        entity: Entity,
        events: list[Event],
        *,
        expected_version: int | None = None,
        withhold: Mapping[str, Withholding] | None = None,
    ) -> list[StoredEvent]:
        """Append ``events`` to the entity's stream, apply them, and update its projection.

        ``withhold`` names payload fields to keep out of the log: the stored (and hashed)
        event carries a commitment to each, the value goes to ``withheld_values``."""
        from . import withheld
        from .projections import rows_of

        if expected_version is not None and entity.version != expected_version:
            raise VersionConflict(entity.stream, expected_version, entity.version)
        if not events:
            return []
        stream = entity.stream
        if entity.version == 0:
            self.new_records[entity.KIND] += 1
        datas = [event.data for event in events]  # each encoded once: the check and the hash read the same dict
        texts = [_checked_payload(data) for data in datas]  # the payloads too, when nothing is withheld
        if stream not in self._rows:
            self._rows[stream] = rows_of(entity)
            self._entities[stream] = entity
        if self._stamp is None:  # one moment per write: its events are recorded (committed) together
            self._stamp = utc_timestamp()
        stamp = self._stamp
        stored: list[StoredEvent] = []
        rows: list[tuple] = []  # as stored: seq, the hashed bytes (every other column is generated from them), hash
        secrets: list[tuple[int, list]] = []
        for event, data, text in zip(events, datas, texts, strict=True):
            event_type = event.type
            rules = self._rules(event_type, stream, data, withhold)
            hidden: list = []
            payload = text
            if rules:
                sealed, hidden = withheld.seal(data, rules)
                payload = canonical(sealed)
            meta = canonical({**parse(self.meta), **event.marker}) if event.marker else self.meta
            seq, version = self.seq + 1, entity.version + 1
            body = hash_text(seq, stream, version, stamp, self.actor, event_type, meta, payload, self.head)
            digest = sha256(body.encode()).hexdigest()
            entity.apply(event)
            stored.append(
                StoredEvent(seq, stream, version, stamp, self.actor, event_type, meta, payload, self.head, digest)
            )
            rows.append((seq, body, digest))
            self.seq, self.head = seq, digest
            secrets.append((seq, hidden))
        self._unwritten.extend(rows)
        for seq, hidden in secrets:
            withheld.save(self._conn, seq, hidden)
        self._stored_rows.setdefault(stream, self._rows[stream])
        self._rows[stream] = rows_of(entity)
        self.appended.extend(stored)
        return stored

    def _rules(
        self, event_type: str, stream: str, data: dict, withhold: Mapping[str, Withholding] | None
    ) -> Mapping[str, Withholding] | None:
        """What one event withholds: ``withhold``, and for a repeating event what it inherits."""
        from ..domain import disclosure_table
        from . import repeats

        if event_type not in disclosure_table.REPEATING:
            return withhold
        real = disclosure_table.Event(event_type, stream.partition(":")[2], data)
        return repeats.inherited(self._conn, real, (withhold or {}).items())


def _checked_payload(data: dict) -> str:
    """The canonical JSON of an event's data, after refusing unclean text in it (by name)."""
    try:
        text = canonical(data)
    except Exception:  # e.g. a lone surrogate: the walk names the field, else the encoder's error stands
        refuse_unclean_text("", data)
        raise
    refuse_unclean_json(data, text)
    return text


def typed_event(type_name: str, payload: dict, meta: str) -> Event:
    """A stored event (payload with its withheld values back) as its class, in today's shape;
    its meta is parsed only when it marks a version."""
    from ..domain.events import VERSION_KEY, read_event

    return read_event(type_name, payload, parse(meta) if VERSION_KEY in meta else None)


def iter_events(conn: Connection, *, after: int = 0, batch: int = 5000) -> Iterator[StoredEvent]:
    """Every stored event in sequence order, read in batches (keyset pagination). On SQLite
    the fields are split from the stored bytes in Python, three times faster than having
    the database compute every generated column (and a damaged event is still read)."""
    if conn.dialect.name == "sqlite":
        last = after
        while rows := conn.exec_driver_sql(_PAGE_OF_BODIES, (last, batch)).all():
            yield from (from_hash_input(*row) for row in rows)
            last = rows[-1][0]
        return
    cols = t.events.c
    last = after
    while True:
        rows = conn.execute(
            select(
                cols.seq,
                cols.stream_id,
                cols.stream_version,
                cols.recorded_at,
                cols.actor,
                cols.type,
                cols.meta,
                cols.payload,
                cols.prev_hash,
                cols.hash,
            )
            .where(cols.seq > last)
            .order_by(cols.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield StoredEvent(*row)
        last = rows[-1][0]


_PAGE_OF_BODIES = "SELECT seq, body, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?"


def read_head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(_HEAD).one()
    return row.seq, row.hash


__all__ = ["GENESIS", "Store", "UnitOfWork", "iter_events", "read_head", "utc_timestamp"]

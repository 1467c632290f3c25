"""Engines for the two supported databases, configured for a ledger.

SQLite runs in WAL mode (readers never block the writer) with full fsync, and every write
transaction starts with BEGIN IMMEDIATE so that concurrent writers queue for the lock
instead of failing half-way. PostgreSQL runs at READ COMMITTED; writers serialise on the
ledger head row (see eventstore).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from ..domain.errors import InvalidInput

WRITE = "supplyline_write"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput("db", url, "is not a database URL (e.g. sqlite:///supplyline.db)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": 60, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise InvalidInput("db", url, "must be a sqlite:// or postgresql:// URL")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # take transaction control away from the driver, so BEGIN is ours to issue
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - exercised by every test
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def scratch_database(admin_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new PostgreSQL database with a random name on the server of ``admin_url`` (tests and
    benchmarks run on one of their own), and how to drop it."""
    admin = make_url(admin_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin.set(database=name).render_as_string(hide_password=False), drop

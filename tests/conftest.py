"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL tests read SUPPLYLINE_TEST_POSTGRES_URL (``.ci/run`` exports it), create a
database with a random name for the test and drop it afterwards. Without the variable they
skip, saying how to enable them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from supplyline.services.context import Actor, open_store
from supplyline.services.demo_ledger import demo
from supplyline.store import schema as t
from supplyline.store.db import scratch_database

PG_ENV = "SUPPLYLINE_TEST_POSTGRES_URL"
PG_HINT = (
    f"PostgreSQL tests need {PG_ENV}, e.g. {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/test (.ci/run sets it)"
)
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
OPERATOR = Actor("operator", via="test")


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(PG_HINT)
    return url


def create_postgres_database() -> tuple[str, Callable[[], None]]:
    return scratch_database(postgres_admin_url(), "supplyline_test")


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    url, drop = create_postgres_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def store(db_url):
    s = open_store(db_url, create=True)
    yield s
    s.engine.dispose()


@pytest.fixture
def sqlite_store(sqlite_url):
    s = open_store(sqlite_url, create=True)
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo loaded once into a SQLite file; tests get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = open_store(f"sqlite:///{path}", create=True)
    demo.load(s)
    with s.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    s.engine.dispose()
    return path


@pytest.fixture
def demo_sqlite_url(demo_template, tmp_path) -> str:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_template, copy)
    # the documents' bytes are kept beside the database (store/blobs.py)
    shutil.copytree(demo_template.with_name("demo.db.blobs"), tmp_path / "demo.db.blobs")
    return f"sqlite:///{copy}"


@pytest.fixture
def demo_store(demo_sqlite_url):
    s = open_store(demo_sqlite_url)
    yield s
    s.engine.dispose()


def event_count(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(t.events)).scalar_one()

"""Fixtures for the API tests; the scenario itself is in ``scenario.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.services.context import open_store
from supplyline.services.log import transparency
from supplyline.store.eventstore import Store

from .scenario import Copies, Scenario, build


@pytest.fixture(scope="session")
def scenario_template(tmp_path_factory) -> tuple[Path, Scenario]:
    path = tmp_path_factory.mktemp("api") / "scenario.db"
    store = open_store(f"sqlite:///{path}", create=True)
    transparency.ensure_key(path.with_name(f"{path.name}.key"), "api.test/ledger")
    scenario = build(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()
    return path, scenario


@pytest.fixture
def copies(scenario_template, tmp_path):
    made = Copies(scenario_template[0], tmp_path)
    yield made
    made.close()


@pytest.fixture
def scenario(scenario_template) -> Scenario:
    return scenario_template[1]


@pytest.fixture
def api_store(copies) -> Store:
    """A store on a fresh copy of the scenario (SQLite)."""
    return copies.new()


@pytest.fixture
def client(api_store):
    with TestClient(create_app(api_store)) as test_client:
        yield test_client

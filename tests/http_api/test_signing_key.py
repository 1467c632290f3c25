"""The signing key is found in one place (services/transparency.key_path) and handed to the
API and the dashboard: both serve the key they were handed, never one they looked up again."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from supplyline import settings as settings_module
from supplyline.api import create_app
from supplyline.services.log import transparency


def _served_keys(client: TestClient) -> tuple[str, str]:
    api, web = client.get("/api/v1/log/key"), client.get("/ledger/key")
    assert api.status_code == 200, api.text
    assert web.status_code == 200, web.text
    return api.text.strip(), web.text.strip()


def test_the_api_and_the_dashboard_serve_the_key_they_are_handed(api_store, tmp_path):
    handed = tmp_path / "elsewhere" / "ledger.key"
    signer, created = transparency.ensure_key(handed, "handed.example/ledger")
    assert created
    with TestClient(create_app(api_store, key_file=handed)) as client:
        assert _served_keys(client) == (str(signer.verifier), str(signer.verifier))


def test_without_a_key_handed_both_use_the_one_the_settings_name(api_store, tmp_path, monkeypatch):
    configured = tmp_path / "configured.key"
    signer, _ = transparency.ensure_key(configured, "configured.example/ledger")
    monkeypatch.setenv("SUPPLYLINE_SIGNING_KEY", str(configured))
    with TestClient(create_app(api_store, settings_module.load())) as client:
        assert client.app.state.key_file == configured  # type: ignore[attr-defined]  # Starlette's app is typed loosely
        assert _served_keys(client) == (str(signer.verifier), str(signer.verifier))


def test_by_default_the_key_is_the_one_beside_the_sqlite_file(api_store):
    database = api_store.engine.url.database
    beside = transparency.load_key(transparency.key_path(settings_module.load(), f"sqlite:///{database}"))
    assert beside.verifier.name == "api.test/ledger"
    with TestClient(create_app(api_store, settings_module.Settings())) as client:
        assert _served_keys(client) == (str(beside.verifier), str(beside.verifier))


def test_the_key_is_looked_up_in_one_place():
    src = Path(settings_module.__file__).parent  # the supplyline package
    lookups = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"\.signing_key\b|keyfile\.location\(", path.read_text(encoding="utf-8"))
    )
    assert lookups == ["services/log/transparency.py"]

"""Dashboard sessions (issue 13 item 9): the cookie holds a random id, never the API token;
the session lives on the server, ends after its hours or at sign-out; every form carries a
token a cross-site page cannot know (CSRF); cookies are Secure over HTTPS or when told."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from supplyline.api import create_app
from supplyline.services.access import sessions, tokens
from supplyline.services.context import Actor
from supplyline.store import schema as t

OPERATOR = Actor("operator", via="test")


@pytest.fixture
def secret(demo_store) -> str:
    return tokens.issue_token(demo_store, OPERATOR, tokens.IssueToken(party="US-GOV", role="funder")).secret


def live_sessions(store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(t.dashboard_sessions)).scalar_one()


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient, secret: str):
    token = form_token(client.get("/signin").text)
    return client.post("/signin", data={"token": secret, "csrf": token}, follow_redirects=False)


def test_signing_in_keeps_the_token_on_the_server_and_the_page_shows_the_party(demo_store, secret):
    client = TestClient(create_app(demo_store, read_cache=False))
    answer = sign_in(client, secret)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("supplyline_session=") and secret not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # plain HTTP, not configured
    session_id = client.cookies["supplyline_session"]
    with demo_store.read() as conn:
        stored = conn.execute(select(t.dashboard_sessions)).one()
    assert session_id not in stored and secret not in stored and stored.token_sha256 == tokens.digest(secret)
    assert 'id="who">US-GOV (funder)' in client.get("/").text


def test_a_sign_in_without_the_forms_token_is_refused(demo_store, secret):
    """Regression: a page on another site could sign a visitor in as someone else."""
    client = TestClient(create_app(demo_store, read_cache=False))
    client.get("/signin")
    forged = client.post("/signin", data={"token": secret, "csrf": "guessed"}, follow_redirects=False)
    missing = TestClient(create_app(demo_store)).post("/signin", data={"token": secret}, follow_redirects=False)
    assert (forged.status_code, missing.status_code) == (403, 403)
    assert "The form had expired" in forged.text
    assert live_sessions(demo_store) == 0


def test_signing_out_ends_the_session_on_the_server(demo_store, secret):
    client = TestClient(create_app(demo_store, read_cache=False))
    sign_in(client, secret)
    copied = client.cookies["supplyline_session"]
    refused = client.post("/signout", data={"csrf": "guessed"}, follow_redirects=False)
    assert refused.status_code == 403 and live_sessions(demo_store) == 1  # a cross-site post signs no one out
    token = form_token(client.get("/").text)
    assert client.post("/signout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert live_sessions(demo_store) == 0
    replay = TestClient(create_app(demo_store, read_cache=False), cookies={"supplyline_session": copied})
    assert 'id="who">public view' in replay.get("/").text  # the copied cookie opens nothing


def test_a_session_ends_after_its_hours_and_with_its_token(demo_store, secret):
    started = sessions.start(demo_store, secret, hours=8, now=datetime.now(UTC) - timedelta(hours=9))
    with demo_store.read() as conn:
        assert sessions.find(conn, started.id) is None
    client = TestClient(create_app(demo_store, read_cache=False))
    sign_in(client, secret)
    assert live_sessions(demo_store) == 1  # the ended one was swept out
    with demo_store.read() as conn:
        token_id = conn.execute(select(t.api_tokens.c.id).where(t.api_tokens.c.party == "US-GOV")).scalar_one()
    tokens.revoke_token(demo_store, OPERATOR, token_id, reason="lost")
    assert 'id="who">public view' in client.get("/").text


def test_cookies_are_secure_over_https_or_when_configured(demo_store, secret, monkeypatch):
    over_tls = TestClient(create_app(demo_store, read_cache=False), base_url="https://testserver")
    assert "Secure" in sign_in(over_tls, secret).headers["set-cookie"]
    monkeypatch.setenv("SUPPLYLINE_SECURE_COOKIES", "true")  # TLS ends at a proxy
    plain = TestClient(create_app(demo_store, read_cache=False))
    assert "Secure" in plain.get("/signin").headers["set-cookie"]
    assert "Secure" in sign_in(plain, secret).headers["set-cookie"]

"""A party pauses, resumes and removes its own webhook subscriptions (issue 17 item 5), by
the CLI and the API through one command: paused, its events wait and arrive in order on
resume; removed, nothing more; another party's is not found, and nothing changes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.notify import subscriptions, worker
from supplyline.services.records import parties
from supplyline.store import schema as t
from webhook_receiver import Receiver

OP = Actor("operator", via="test")
FAST = worker.Backoff(base=0.05, cap=0.3, timeout=2.0)


def _register(store, first: int, count: int) -> None:
    for n in range(first, first + count):
        bus.handle(store, OP, parties.RegisterParty(id=f"P-{n:03d}", name=f"Party {n}", kind="company", country="US"))


def _states(store) -> list[tuple[str, str]]:
    s = t.subscriptions
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(select(s.c.id, s.c.state).order_by(s.c.id))]


def test_paused_events_wait_for_resume_and_a_removed_subscription_gets_nothing(sqlite_store):
    store = sqlite_store
    bus.handle(store, OP, parties.RegisterParty(id="AUD", name="Auditor", kind="organisation", country=None))
    bus.handle(store, OP, parties.RegisterParty(id="OTHER", name="Other", kind="organisation", country=None))
    hook = Receiver()
    hook.start()
    try:
        cmd = subscriptions.AddSubscription(
            url=hook.url, events="PartyRegistered", secret=subscriptions.new_secret(), role="auditor"
        )
        sub = bus.handle(store, Actor("AUD", via="test"), cmd).id
        url = store.engine.url.render_as_string(hide_password=False)
        cli = CliRunner()
        out = cli.invoke(app, ["--db", url, "--as", "AUD", "subscription", "pause", sub])
        assert (out.exit_code, out.output.strip()) == (0, f"subscription {sub}: paused")
        _register(store, 1, 3)
        assert worker.once(store, FAST) == (0, 0)  # nothing queued nor sent while paused
        out = cli.invoke(app, ["--db", url, "--as", "AUD", "subscription", "pause", sub])
        assert (out.exit_code, f"subscription '{sub}' is paused: cannot pause it" in out.output) == (2, True)

        secret = tokens.issue_token(store, OP, tokens.IssueToken(party="AUD", role="auditor")).secret
        other = tokens.issue_token(store, OP, tokens.IssueToken(party="OTHER", role="auditor")).secret
        client = TestClient(create_app(store, read_cache=False))
        refused = client.post(
            f"/api/v1/subscriptions/{sub}/state",
            json={"change": "remove"},
            headers={"Authorization": f"Bearer {other}"},
        )
        assert (refused.status_code, refused.json()["detail"]) == (404, f"subscription '{sub}' does not exist")
        resumed = client.post(
            f"/api/v1/subscriptions/{sub}/state",
            json={"change": "resume"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert (resumed.status_code, resumed.json()["id"]) == (200, sub)
        assert worker.once(store, FAST) == (3, 3)  # the three recorded while paused, in order
        assert hook.ids() == [f"msg_{sub}_{seq}" for seq in (3, 4, 5)]

        out = cli.invoke(app, ["--db", url, "--as", "AUD", "subscription", "remove", sub])
        assert out.exit_code == 0, out.output
        _register(store, 4, 2)
        assert worker.once(store, FAST) == (0, 0)
        assert len(hook.ids()) == 3
        assert _states(store) == [(sub, "removed")]
        out = cli.invoke(app, ["--db", url, "--as", "AUD", "subscription", "resume", sub])
        assert (out.exit_code, f"subscription '{sub}' is removed: cannot resume it" in out.output) == (2, True)
    finally:
        hook.stop()

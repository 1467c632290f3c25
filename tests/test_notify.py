"""Notifications (issue 17, item 5): subscriptions to event types a party may read, webhooks
signed with the Standard Webhooks scheme, delivered in order, at least once, through a dead
endpoint and a killed worker, as the API would show each event to the subscriber."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks import Webhook
from typer.testing import CliRunner

from conftest import event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor
from supplyline.services.notify import subscriptions, worker
from supplyline.services.records import contracts, parties
from supplyline.store import schema as t
from webhook_receiver import Receiver

US = Actor("US-GOV", via="test")
OP = Actor("operator", via="test")
FAST = worker.Backoff(base=0.05, cap=0.3, timeout=2.0)


def subscribe(store, party: str, role: str, url: str, events: str) -> tuple[str, str]:
    secret = subscriptions.new_secret()
    cmd = subscriptions.AddSubscription(url=url, events=events, secret=secret, role=role)
    return bus.handle(store, Actor(party, via="test"), cmd).id, secret


def outbox(store) -> list[tuple]:
    o = t.notify_outbox
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(select(o.c.subscription_id, o.c.seq, o.c.state).order_by(o.c.seq))]


def test_a_funder_receives_the_reschedules_it_may_read_signed_and_never_one_it_may_not(demo_store):
    hook = Receiver()
    hook.start()
    try:
        nl, nl_secret = subscribe(demo_store, "NL-GOV", "funder", hook.url, "DeliveryRescheduled")
        ca, _ = subscribe(demo_store, "CA-GOV", "funder", hook.url, "DeliveryRescheduled")
        bus.handle(
            demo_store,
            US,
            contracts.RescheduleDelivery(
                contract_id="CT-NL-1", entry=4, due="2027-01-31", reason="transport", on="2026-11-01"
            ),
        )
        # the demo's own two subscriptions get their three reschedules, ours the new one each
        assert worker.feed(demo_store) == 2 * 3 + 2
        worker.deliver(demo_store, FAST)
    finally:
        hook.stop()
    # the Netherlands paid for CT-NL-1 and reads it; Canada does not: its copy is withheld
    nl_row, ca_row = [row for row in outbox(demo_store) if row[0] in (nl, ca)]
    assert (nl_row[0], nl_row[2], ca_row[0], ca_row[2]) == (nl, "delivered", ca, "withheld")
    [(headers, body)] = hook.received
    payload = Webhook(nl_secret).verify(body, headers)
    assert headers["webhook-id"] == f"msg_{nl}_{nl_row[1]}"
    assert payload["type"] == "DeliveryRescheduled"
    assert (payload["data"]["stream_id"], payload["data"]["seq"]) == ("contract:CT-NL-1", nl_row[1])
    # exactly as GET /events answers the Netherlands for that stream
    secret = tokens.issue_token(demo_store, OP, tokens.IssueToken(party="NL-GOV", role="funder")).secret
    api = TestClient(create_app(demo_store, read_cache=False)).get(
        "/api/v1/events?stream=contract:CT-NL-1&limit=1", headers={"Authorization": f"Bearer {secret}"}
    )
    assert api.json()["items"][0] == payload["data"]
    with pytest.raises(Exception, match="signature"):
        Webhook(subscriptions.new_secret()).verify(body, headers)


def test_a_party_subscribes_only_to_events_it_may_read_and_a_bad_request_writes_nothing(demo_store, demo_sqlite_url):
    before = event_count(demo_store)
    # a supplier reads no pledge: PledgeAnnounced is refused, naming the field and the type
    with pytest.raises(InvalidInput, match="events") as refused:
        subscribe(demo_store, "UA-US-JV", "supplier", "http://127.0.0.1:9/x", "PledgeAnnounced")
    assert "PledgeAnnounced" in str(refused.value)
    with pytest.raises(InvalidInput, match="url"):
        subscribe(demo_store, "NL-GOV", "funder", "ftp://example.org/", "ContractSigned")
    with pytest.raises(InvalidInput, match="events"):
        subscribe(demo_store, "NL-GOV", "funder", "http://127.0.0.1:9/x", "NoSuchEvent")
    with demo_store.read() as conn:  # the demo's two, no more
        assert sorted(conn.execute(select(t.subscriptions.c.party)).scalars()) == ["CA-GOV", "NL-GOV"]
    out = CliRunner().invoke(
        app,
        [
            *("--db", demo_sqlite_url, "--as", "NL-GOV", "subscription", "add", "--role", "funder"),
            *("--url", "http://127.0.0.1:9/hook", "--events", "ContractSigned,DeliveryRescheduled", "--json"),
        ],
    )
    assert out.exit_code == 0, out.output
    made = json.loads(out.output)
    assert made["id"] == "SUB-0003" and made["secret"].startswith("whsec_")
    listed = CliRunner().invoke(app, ["--db", demo_sqlite_url, "subscription", "list", "--party", "NL-GOV", "--json"])
    _demo, row = json.loads(listed.output)
    assert (row["party"], row["role"], row["events"]) == ("NL-GOV", "funder", ["ContractSigned", "DeliveryRescheduled"])
    assert "secret" not in row
    assert event_count(demo_store) == before  # subscriptions are not ledger data


def test_the_api_subscribes_the_token_s_party_in_its_role(demo_store):
    secret = tokens.issue_token(demo_store, OP, tokens.IssueToken(party="CA-GOV", role="funder")).secret
    client = TestClient(create_app(demo_store, read_cache=False))
    auth = {"Authorization": f"Bearer {secret}"}
    body = {"url": "https://ca.example/hook", "events": ["PledgeAnnounced"], "secret": subscriptions.new_secret()}
    made = client.post("/api/v1/subscriptions", json=body, headers=auth)
    assert made.status_code == 201, made.text
    mine = client.get("/api/v1/subscriptions", headers=auth).json()["items"]
    # the demo's and the new one, Canada's alone
    assert [(s["party"], s["role"], s["url"]) for s in mine] == [
        ("CA-GOV", "funder", "http://127.0.0.1:9/supplyline-demo/CA-GOV"),
        ("CA-GOV", "funder", "https://ca.example/hook"),
    ]
    bad = client.post("/api/v1/subscriptions", json={**body, "events": ["ShipmentReceived", "Nope"]}, headers=auth)
    assert (bad.status_code, bad.json()["field"]) == (422, "events")


def _worker(url: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "supplyline.cli.main", "--db", url, "notify", "run", "--poll", "0.05"]
    cmd += ["--backoff-base", "0.05", "--backoff-cap", "0.3"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _register(store, first: int, count: int) -> None:
    for n in range(first, first + count):
        bus.handle(store, OP, parties.RegisterParty(id=f"P{n:03d}", name=f"Party {n}", kind="company", country="US"))


def test_after_a_dead_endpoint_and_a_killed_worker_every_event_arrives_once_in_order(store):
    hook = Receiver(delay=0.05)
    url = store.engine.url.render_as_string(hide_password=False)
    sub, secret = subscribe(store, "AUD", "auditor", hook.url, "PartyRegistered")
    _register(store, 1, 20)
    running = _worker(url)
    try:
        time.sleep(1.5)  # the endpoint is down: attempts fail and back off, writers go on
        _register(store, 21, 5)
        hook.start()
        hook.wait_for(5, timeout=60)
        running.send_signal(signal.SIGKILL)  # kill -9 in the middle of the stream
        running.wait(timeout=10)
        _register(store, 26, 10)
        running = _worker(url)
        hook.wait_for(35, timeout=120)
        settled = time.monotonic() + 30  # the last answer is received before the worker records it
        while {state for _, _, state in outbox(store)} != {"delivered"} and time.monotonic() < settled:
            time.sleep(0.05)
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait(timeout=10)
        hook.stop()
    with store.read() as conn:
        seqs = [
            s
            for (s,) in conn.execute(select(t.events.c.seq).where(t.events.c.type == "PartyRegistered").order_by("seq"))
        ]
    expected = [f"msg_{sub}_{s}" for s in seqs]
    arrived = hook.ids()
    # at least once, deduplicated by webhook id: each exactly once, in log order
    assert list(dict.fromkeys(arrived)) == expected
    assert len(expected) == 35
    for headers, body in hook.received:
        assert Webhook(secret).verify(body, headers)["type"] == "PartyRegistered"
    assert {state for _, _, state in outbox(store)} == {"delivered"}


def _serving(url: str, port: int, *flags: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "supplyline.cli.main", "--db", url, "serve", "--port", str(port), *flags]
    server = subprocess.Popen(cmd, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        assert server.poll() is None, "serve stopped"
        time.sleep(0.1)
    raise AssertionError("serve did not start")


@pytest.mark.parametrize(("flags", "arrived"), [((), 1), (("--no-notify",), 0)])
def test_serve_delivers_notifications_unless_told_not_to(sqlite_store, flags, arrived):
    hook = Receiver()
    hook.start()
    url = sqlite_store.engine.url.render_as_string(hide_password=False)
    subscribe(sqlite_store, "AUD", "auditor", hook.url, "PartyRegistered")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _serving(url, port, *flags)
    try:
        _register(sqlite_store, 1, 1)
        hook.wait_for(1, timeout=20 if arrived else 3)
    finally:
        server.terminate()
        server.wait(timeout=20)
        hook.stop()
    assert len(hook.ids()) == arrived


def test_an_endpoint_that_never_answers_holds_back_only_its_own_subscription(sqlite_store):
    hook = Receiver()
    hook.start()
    hanging = socket.socket()  # accepts connections (the kernel's backlog) and never answers
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(8)
    dead = f"http://127.0.0.1:{hanging.getsockname()[1]}/hook"
    try:
        stuck, _ = subscribe(sqlite_store, "AUD", "auditor", dead, "PartyRegistered")
        live, _ = subscribe(sqlite_store, "AUD", "auditor", hook.url, "PartyRegistered")
        _register(sqlite_store, 1, 3)
        worker.feed(sqlite_store)
        started = time.monotonic()
        assert worker.deliver(sqlite_store, worker.Backoff(timeout=3.0)) == 3
        took = time.monotonic() - started
    finally:
        hook.stop()
        hanging.close()
    # the live subscription got its three at once, while the other waited out its timeout
    assert len(hook.ids()) == 3 and took >= 3.0
    assert max(hook.times) - started < 2.0
    states = {(sub, state) for sub, _, state in outbox(sqlite_store)}
    assert states == {(stuck, "pending"), (live, "delivered")}

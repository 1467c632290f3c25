"""Issue 14 item 3: the projections checked while serving by a digest per table of what the
log says it should hold, moved write by write (this process's writes hand over their rows,
other processes' writes are caught up from their events), against the digest of what the
table holds. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import text

from supplyline.api import create_app
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.context import Actor, open_store
from supplyline.services.log.projection_watch import ProjectionWatch
from supplyline.services.records import parties
from supplyline.store import digests
from supplyline.store.eventstore import read_head
from supplyline.store.rebuild import expected_rows

OPERATOR = Actor("operator", via="test")


def _party(store, party_id: str) -> None:
    bus.handle(
        store, OPERATOR, parties.RegisterParty(id=party_id, name=f"Party {party_id}", kind="company", country="NL")
    )


def test_the_digests_follow_every_write_and_name_a_changed_or_planted_row(store):
    for party_id in ("P1", "P2", "P3"):
        _party(store, party_id)
    issued = tokens.issue_token(store, OPERATOR, tokens.IssueToken("P1", "coordinator"))
    watch = ProjectionWatch(store)
    assert watch.differences() == []  # the first check folds the whole log

    _party(store, "P4")  # this process: the write hands its rows over
    tokens.revoke_token(store, OPERATOR, issued.outcome.id, reason="left")
    other = open_store(store.engine.url.render_as_string(hide_password=False))  # another process
    _party(other, "P5")
    _party(store, "P6")  # after a gap: caught up from the log, not from the queue
    other.engine.dispose()
    assert watch.differences() == []
    with store.read() as conn:
        assert watch._known == read_head(conn)[0] == 8
        from_the_log = digests.of_rows(expected_rows(conn)).tables
        assert watch._expected is not None and watch._expected.tables == from_the_log
        assert digests.stored(conn).tables == from_the_log
        assert from_the_log["parties"][0] == 6 and from_the_log["api_tokens"][0] == 1

    with store.engine.begin() as conn:  # behind the ledger's back
        conn.execute(text("UPDATE parties SET name = 'Forged' WHERE id = 'P2'"))
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, party, role, secret_sha256, label, issued_at, state, "
                "revoked_reason, version) VALUES ('TK-9002', 'P1', 'coordinator', :digest, '', "
                "'2026-01-01T00:00:00.000000Z', 'active', '', 1)"
            ),
            {"digest": hashlib.sha256(b"planted").hexdigest()},
        )
    assert [str(d) for d in watch.differences()] == [
        "parties [P2].name: stored 'Forged', rebuilt 'Party P2'",
        "api_tokens [TK-9002]: row in the store but not in the events",
    ]


def test_the_badge_uses_the_servers_watch_and_names_the_changed_row(store):
    _party(store, "P1")
    served = create_app(store, read_cache=False)
    with TestClient(served) as client:
        watch = served.state.projection_watch
        assert '<span class="badge ok">verified</span>' in client.get("/ledger").text
        _party(store, "P2")
        assert '<span class="badge ok">verified</span>' in client.get("/ledger").text
        assert watch._known == 2
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE parties SET country = 'DE' WHERE id = 'P1'"))
        page = client.get("/ledger").text
        assert '<span class="badge bad">verification failed</span>' in page
        assert (
            "projection differs from the log: parties [P1].country: stored &#39;DE&#39;, rebuilt &#39;NL&#39;" in page
        )

"""Text is clean on both databases: control characters (other than tab and line feed),
bidirectional overrides and lone surrogates are refused in every field of every event,
with the field named, by the service, the API (422) and the CLI (exit 2), and nothing is
written. Before the rule, a NUL in a pledge note was stored on SQLite and gave a server
error on PostgreSQL, and a party could be named with a right-to-left override."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.reads import queries
from supplyline.services.records import funding, parties

BAD = [
    ("NUL", "note\x00here"),
    ("escape", "note\x1b[31m"),
    ("carriage return", "line one\rline two"),
    ("C1 control", "note\x85"),
    ("right-to-left override", "pay\u202eyap"),
    ("first strong isolate", "\u2068note\u2069"),
    ("lone surrogate", "note\ud800"),
]


def _setup(store) -> None:
    bus.handle(store, OPERATOR, parties.RegisterParty(id="NL", name="Netherlands", kind="government", country="NL"))


def _pledge(note: str) -> funding.AnnouncePledge:
    return funding.AnnouncePledge(
        funder="NL", amount="100.00", currency="EUR", pledged_on="2025-08-01", mechanism="purl", note=note, id="PL-1"
    )


@pytest.mark.parametrize("what,text", BAD, ids=[b[0] for b in BAD])
def test_unclean_text_is_refused_by_name_on_each_database(store, what, text):
    _setup(store)
    before = event_count(store)
    with pytest.raises(InvalidInput) as refused:
        bus.handle(store, OPERATOR, _pledge(text))
    assert refused.value.field == "note"
    assert "must not contain control or bidirectional-override characters" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        bus.handle(store, OPERATOR, parties.RegisterParty(id="X1", name=f"Evil {text} Corp", kind="company"))
    assert refused.value.field == "name"
    assert event_count(store) == before


def test_tab_and_line_feed_stay_allowed_in_free_text(store):
    _setup(store)
    bus.handle(store, OPERATOR, _pledge("first line\n\tsecond line"))
    with store.read() as conn:
        assert queries.pledge(conn, "PL-1")["note"] == "first line\n\tsecond line"


def test_the_api_answers_422_naming_the_field_on_each_database(store):
    _setup(store)
    secret = tokens.issue_token(store, OPERATOR, tokens.IssueToken("NL", "funder")).secret
    before = event_count(store)
    body = {"funder": "NL", "amount": "1.00", "currency": "EUR", "pledged_on": "2025-08-01", "mechanism": "purl"}
    with TestClient(create_app(store, read_cache=False)) as client:
        for _, text in BAD[:-1]:  # a lone surrogate cannot even be sent as UTF-8 JSON
            answer = client.post(
                "/api/v1/pledges", json={**body, "note": text}, headers={"Authorization": f"Bearer {secret}"}
            )
            assert answer.status_code == 422, answer.text
            assert answer.json()["field"] == "note"
    assert event_count(store) == before


def test_the_cli_exits_2_naming_the_field(sqlite_url):
    runner = CliRunner()
    assert runner.invoke(app, ["--db", sqlite_url, "init"]).exit_code == 0
    result = runner.invoke(
        app, ["--db", sqlite_url, "party", "add", "UA", "--name", "Ukra\u202eine", "--kind", "government"]
    )
    assert result.exit_code == 2
    assert "name" in result.output and "U+202E" in result.output

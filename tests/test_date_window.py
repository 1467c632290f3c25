"""Dates in range: every date a user names lies in the configured window (default
2000-01-01 to 2100-12-31), refused with the field named on the CLI, the API and in
imports; and every report's walk over months stays inside that window, so a date stored
before the rule (a pledge dated 9999-12-31 once made the home page walk 95,000 years)
cannot make a page hang."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.errors import InvalidInput
from supplyline.domain.values import DateWindow, months_spanning, set_date_window
from supplyline.services import bus
from supplyline.services.access import tokens
from supplyline.services.reads import dashboard
from supplyline.services.records import funding, parties, requirements
from supplyline.settings import Settings


@pytest.fixture(autouse=True)
def default_window():
    set_date_window(DateWindow())
    yield
    set_date_window(DateWindow())


def _setup(store) -> None:
    bus.handle(store, OPERATOR, parties.RegisterParty(id="NL", name="Netherlands", kind="government", country="NL"))
    bus.handle(store, OPERATOR, parties.RegisterParty(id="UA", name="Ukraine", kind="government", country="UA"))


def _pledge(**kw) -> funding.AnnouncePledge:
    given = {"pledged_on": "2025-08-01", "id": "PL-1", **kw}
    return funding.AnnouncePledge(funder="NL", amount="100.00", currency="EUR", mechanism="purl", **given)


def _requirement(**kw) -> requirements.DraftRequirement:
    given = {"list_month": "2025-08", **kw}
    return requirements.DraftRequirement(
        recipient="UA",
        priority=1,
        rank=1,
        item="Radio",
        category="communications",
        quantity=1,
        unit="set",
        unit_price="10",
        currency="EUR",
        **given,
    )


CASES = [
    ("pledged_on", lambda s: bus.handle(s, OPERATOR, _pledge(pledged_on="9999-12-31"))),
    ("pledged_on", lambda s: bus.handle(s, OPERATOR, _pledge(pledged_on="0001-01-01"))),
    ("valid_until", lambda s: bus.handle(s, OPERATOR, _pledge(valid_until="2101-01-01"))),
    ("valid_from", lambda s: bus.handle(s, OPERATOR, _pledge(valid_from=date(1999, 12, 31)))),
    (
        "date",
        lambda s: bus.handle(s, OPERATOR, parties.RecordRates(day="1999-12-31", rates={"USD": "1.1"}, source="t")),
    ),
    ("needed_by", lambda s: bus.handle(s, OPERATOR, _requirement(needed_by="9999-12-31"))),
    ("list_month", lambda s: bus.handle(s, OPERATOR, _requirement(list_month="9999-12"))),
    ("list_month", lambda s: bus.handle(s, OPERATOR, _requirement(list_month="1900-01"))),
]


@pytest.mark.parametrize("field,attempt", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_dates_outside_the_window_are_refused_by_field(store, field, attempt):
    _setup(store)
    before = event_count(store)
    with pytest.raises(InvalidInput) as refused:
        attempt(store)
    assert refused.value.field == field
    assert "must lie between 2000-01" in refused.value.message
    assert event_count(store) == before


def test_commit_allocation_and_expiry_dates_are_in_the_window(store):
    _setup(store)
    bus.handle(store, OPERATOR, _pledge())
    with pytest.raises(InvalidInput) as refused:
        bus.handle(store, OPERATOR, funding.CommitPledge(pledge_id="PL-1", on="2101-01-01"))
    assert refused.value.field == "on"
    bus.handle(
        store, OPERATOR, funding.CommitPledge(pledge_id="PL-1", on="2100-12-31")
    )  # the window's last day is in it


def test_the_window_is_configured_in_the_settings(sqlite_store):
    Settings(earliest_date=date(2020, 1, 1), latest_date=date(2030, 12, 31)).apply()
    _setup(sqlite_store)
    with pytest.raises(InvalidInput, match="must lie between 2020-01-01 and 2030-12-31"):
        bus.handle(sqlite_store, OPERATOR, _pledge(pledged_on="2019-12-31"))
    bus.handle(sqlite_store, OPERATOR, _pledge(pledged_on="2030-12-31"))


def test_the_api_and_the_cli_refuse_by_field(sqlite_store, sqlite_url):
    _setup(sqlite_store)
    secret = tokens.issue_token(sqlite_store, OPERATOR, tokens.IssueToken("NL", "funder")).secret
    body = {"funder": "NL", "amount": "1.00", "currency": "EUR", "pledged_on": "9999-12-31", "mechanism": "purl"}
    with TestClient(create_app(sqlite_store, read_cache=False)) as client:
        answer = client.post("/api/v1/pledges", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "pledged_on"
    assert "must lie between 2000-01-01 and 2100-12-31" in answer.json()["detail"]
    announce = "pledge announce --funder NL --amount 5 --currency EUR --date 9999-12-31 --mechanism purl"
    result = CliRunner().invoke(app, ["--db", sqlite_url, *announce.split()])
    assert result.exit_code == 2
    assert "pledged_on" in result.output and "must lie between 2000-01-01 and 2100-12-31" in result.output


def test_month_walks_stay_in_the_window():
    assert months_spanning(["2025-11", "2026-02"]) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    walked = months_spanning(["0001-01", "2025-01", "9999-12"])
    assert walked[0] == "0001-01" and walked[1] == "2000-01" and walked[-2] == "2100-12" and walked[-1] == "9999-12"
    assert len(walked) == 101 * 12 + 2


def test_a_date_stored_before_the_window_cannot_hang_the_home_page(sqlite_store):
    """A ledger written with a wider window (as before the rule) still renders at once."""
    set_date_window(DateWindow(date(1, 1, 1), date(9999, 12, 31)))
    _setup(sqlite_store)
    bus.handle(sqlite_store, OPERATOR, _pledge(pledged_on="9999-12-31", id="PL-FAR", commit=True))
    bus.handle(sqlite_store, OPERATOR, _pledge(pledged_on="2025-08-01", id="PL-NEAR", commit=True))
    bus.handle(sqlite_store, OPERATOR, parties.RecordRates(day="2025-01-02", rates={"USD": "1.1"}, source="t"))
    set_date_window(DateWindow())
    with sqlite_store.read() as conn:
        by_month = dashboard.money_by_month(conn, "EUR")
    months = [m["month"] for m in by_month["months"]]
    assert months[0] == "2025-08" and months[-1] == "9999-12" and len(months) <= 101 * 12 + 1
    assert by_month["totals"]["pledged"] == "200.00"
    with TestClient(create_app(sqlite_store, read_cache=False)) as client:
        assert client.get("/").status_code == 200

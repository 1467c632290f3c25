"""One command class per write, one handler per command, one policy row per command: the bus
(services/bus.py) and the commands' parsing, which happens once, when a command is built."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from conftest import OPERATOR, event_count
from supplyline.api import create_app
from supplyline.cli.main import app
from supplyline.domain.access import POLICY
from supplyline.domain.errors import InvalidInput
from supplyline.domain.money import Money
from supplyline.domain.values import today_utc
from supplyline.engines.interchange.spreadsheet import FileRefused
from supplyline.ledger.disclosure import Withholding
from supplyline.services import bus
from supplyline.services.bus import Command, handles
from supplyline.services.interchange import imports
from supplyline.services.records import funding, parties

PLEDGE = {"funder": "NL", "amount": "12.50", "currency": "EUR", "pledged_on": "2025-08-01", "mechanism": "purl"}


def test_every_command_has_one_handler_and_its_own_policy_row():
    registered = bus.commands()
    assert {funding.AnnouncePledge, funding.CommitPledge, funding.ExpirePledge, funding.Allocate} <= set(registered)
    assert all(command.ACTION in POLICY for command in registered)  # each names its one row
    assert registered[funding.CommitPledge] is funding.commit_pledge


def test_every_command_has_an_endpoint_declaring_its_action(sqlite_store):
    paths = create_app(sqlite_store).openapi()["paths"]
    declared = {
        op["x-supplyline-action"] for item in paths.values() for op in item.values() if "x-supplyline-action" in op
    }
    assert {command.ACTION for command in bus.commands()} - declared == set()


def test_a_command_parses_its_fields_once_into_typed_values():
    cmd = funding.AnnouncePledge(**PLEDGE, categories=["air_defence"], origins=["US"], disclosure=["note=parties"])
    assert cmd.amount == Money(Decimal("12.50"), "EUR")
    assert (cmd.pledged_on, cmd.valid_from, cmd.valid_until) == (date(2025, 8, 1), None, None)
    assert (cmd.categories, cmd.origins) == (("air_defence",), ("US",))
    assert cmd.disclosure == {"note": Withholding("parties", None)}
    assert funding.CommitPledge(pledge_id="PL-1").on == today_utc()  # no date: today (UTC)
    allocation = funding.Allocate(pledge_id="PL-1", package_id="PKG-1", line_no="2", amount="10.5")
    assert (allocation.line_no, allocation.amount, allocation.currency) == (2, Decimal("10.5"), None)


@pytest.mark.parametrize(
    "command,fields,field,message",
    [
        (funding.AnnouncePledge, {**PLEDGE, "amount": "1.234"}, "amount", "has more decimals than EUR has minor units"),
        (funding.AnnouncePledge, {**PLEDGE, "amount": "0"}, "amount", "must be greater than zero"),
        (funding.AnnouncePledge, {**PLEDGE, "currency": "EUX"}, "currency", "EUX"),
        (funding.AnnouncePledge, {**PLEDGE, "pledged_on": "2025-02-31"}, "pledged_on", "must be a date written"),
        (funding.AnnouncePledge, {**PLEDGE, "mechanism": "gift"}, "mechanism", "must be one of"),
        (funding.AnnouncePledge, {**PLEDGE, "categories": ["air_defence", "x"]}, "categories[1]", "must be one of"),
        (funding.AnnouncePledge, {**PLEDGE, "disclosure": ["amount=secret"]}, "disclose[0]", "must be one of"),
        (funding.Allocate, {"pledge_id": "P", "package_id": "K", "line_no": "0", "amount": "1"}, "line", "at least 1"),
        (funding.Allocate, {"pledge_id": "P", "package_id": "K", "line_no": 1, "amount": 1.5}, "amount", "float"),
        (funding.CommitPledge, {"pledge_id": "PL-1", "on": "2101-01-01"}, "on", "must lie between"),
        (funding.ExpirePledge, {"pledge_id": "PL-1", "on": "2101-01-01"}, "on", "must lie between"),
    ],
)
def test_a_bad_field_is_refused_by_name_when_the_command_is_built(command, fields, field, message):
    with pytest.raises(InvalidInput) as refused:
        command(**fields)
    assert refused.value.field == field
    assert message in refused.value.message


def test_a_command_without_a_policy_row_or_a_handler_is_refused_at_once():
    class Unruled(Command):
        ACTION: ClassVar[str] = "pledge.gift"

    with pytest.raises(KeyError, match="no row in the policy table"):
        handles(Unruled)

    class Unhandled(Command):
        ACTION: ClassVar[str] = "pledge.read"

    with pytest.raises(LookupError, match="no handler is registered for Unhandled"):
        bus.handler_for(Unhandled)
    with pytest.raises(ValueError, match="already has a handler"):
        handles(funding.CommitPledge)(funding.commit_pledge)


def test_the_cli_and_the_api_refuse_a_bad_value_with_the_same_message(sqlite_store, sqlite_url):
    bus.handle(sqlite_store, OPERATOR, parties.RegisterParty(id="NL", name="NL", kind="government", country="NL"))
    expected = "pledged_on: must be a date written YYYY-MM-DD (got '2025-02-31')"
    options = ["--funder", "NL", "--amount", "1", "--currency", "EUR", "--date", "2025-02-31", "--mechanism", "purl"]
    result = CliRunner().invoke(app, ["--db", sqlite_url, "pledge", "announce", *options])
    assert (result.exit_code, result.stderr.strip()) == (2, f"refused: {expected}")
    before = event_count(sqlite_store)
    with pytest.raises(InvalidInput) as refused:
        bus.handle(
            sqlite_store, OPERATOR, funding.AnnouncePledge.model_validate({**PLEDGE, "pledged_on": "2025-02-31"})
        )
    assert refused.value.message == expected
    assert event_count(sqlite_store) == before


def test_an_import_reports_every_row_a_command_refuses_with_its_row_number(sqlite_store, tmp_path):
    bus.handle(sqlite_store, OPERATOR, parties.RegisterParty(id="NL", name="NL", kind="government", country="NL"))
    path = tmp_path / "pledges.csv"
    path.write_text(
        "funder,amount,currency,pledged_on,mechanism,categories\n"
        "NL,10,EUR,2025-08-01,purl,\n"
        "NL,10,EUX,2025-08-01,purl,\n"
        "NL,10,EUR,1999-12-31,gift,\n"
        "NL,10,EUR,2025-08-02,purl,air_defence;nope\n",
        encoding="utf-8",
    )
    before = event_count(sqlite_store)
    with pytest.raises(FileRefused) as refused:
        imports.import_pledges(sqlite_store, OPERATOR, path)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (3, "currency"),
        (4, "pledged_on"),
        (4, "mechanism"),
        (5, "categories"),
    ]
    assert event_count(sqlite_store) == before

"""Contract modifications and amendments (issue 15 item 4), on both databases: a rise beyond
the tolerance waits for the recipient and every funder, a top-up pays for it once in force, a
change within the tolerance takes effect at once, and a price fall gives money back."""

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import event_count
from scenario import OP, base
from supplyline.cli.main import app
from supplyline.domain.amendment import DueAmendment, LineAmendment
from supplyline.domain.contract import DeliveryTerms, LineTerms
from supplyline.domain.errors import AwaitingAcceptance, InvalidInput, RuleViolation
from supplyline.services import bus
from supplyline.services.money_flow.conservation import check_money
from supplyline.services.reads.variance import variance
from supplyline.services.records import amendments, contracts, funding, packages, parties
from supplyline.store import schema as t

runner = CliRunner()


def _row(store, table, key, value):
    with store.read() as conn:
        return conn.execute(select(table).where(table.c[key] == value)).mappings().one()


def _kind(store, amendment_id):
    return _row(store, t.contract_amendments, "amendment_id", amendment_id)["kind"]


def contracted(store):
    """NL's PL-A pays USD 10,000 for 100 × USD 100, signed at that price as CT-1 (two due
    dates); DE's PL-D has USD 3,000 unallocated."""
    base(store, pledge_amounts=(("PL-A", "10000.00", "USD"),))
    bus.handle(store, OP, parties.RegisterParty(id="DE", name="Germany", kind="government", country="DE"))
    bus.handle(
        store,
        OP,
        funding.AnnouncePledge(
            funder="DE",
            amount="3000.00",
            currency="USD",
            pledged_on="2025-08-02",
            mechanism="purl",
            id="PL-D",
            commit=True,
        ),
    )
    bus.handle(
        store,
        OP,
        funding.Allocate(pledge_id="PL-A", package_id="PKG-1", line_no=1, amount="10000.00", on="2025-08-03"),
    )
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    bus.handle(store, OP, packages.Decide(package_id="PKG-1", party="US", decision="approve", on="2025-08-05"))
    sign = contracts.SignContract(
        package_id="PKG-1",
        buyer="US",
        supplier="SUP",
        kind="purchase",
        signed_on="2025-08-20",
        lines=(LineTerms(1, 100),),
        schedule=(DeliveryTerms(1, "2026-01-31", 60), DeliveryTerms(1, "2026-03-31", 40)),
        id="CT-1",
    )
    bus.handle(store, OP, sign)


def _amend(store, price, rationale="item_price_variation", **more):
    cmd = amendments.AmendContract(
        contract_id="CT-1",
        rationale=rationale,
        lines=(LineAmendment(1, unit_price=price),),
        description="steel prices",
        on="2025-10-01",
        **more,
    )
    return bus.handle(store, OP, cmd)


def _top_up(amount="1200.00"):
    return funding.Allocate(pledge_id="PL-D", package_id="PKG-1", line_no=1, amount=amount, on="2025-10-10")


def test_a_rise_beyond_the_tolerance_waits_for_every_party_then_a_top_up_pays_it(store):
    contracted(store)
    outcome = _amend(store, "112")
    assert (outcome.id, [e.type for e in outcome.events]) == ("CT-1-A1", ["ContractAmendmentProposed"])
    row = _row(store, t.contract_amendments, "amendment_id", "CT-1-A1")
    assert (row["kind"], row["state"], json.loads(row["awaiting"]), json.loads(row["accepted"])) == (
        "amendment",
        "proposed",
        ["UA", "NL"],
        [],
    )
    assert _row(store, t.contract_lines, "contract_id", "CT-1")["unit_price_minor"] == 10000  # not in force yet

    before = event_count(store)
    with pytest.raises(
        AwaitingAcceptance, match=r"amendment 'CT-1-A1' is not in force: it awaits acceptance by UA, NL"
    ):
        bus.handle(store, OP, _top_up())
    with pytest.raises(AwaitingAcceptance, match="awaits acceptance by UA, NL"):
        _amend(store, "101")
    assert event_count(store) == before

    first = bus.handle(store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="UA"))
    assert [e.type for e in first.events] == ["ContractAmendmentAccepted"]
    with pytest.raises(AwaitingAcceptance, match=r"awaits acceptance by NL$"):
        bus.handle(store, OP, _top_up())
    with pytest.raises(RuleViolation, match="awaits NL: UA has already accepted it"):
        bus.handle(store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="UA"))
    last = bus.handle(
        store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="NL", on="2025-10-05")
    )
    assert [e.type for e in last.events] == [
        "ContractAmendmentAccepted",
        "ContractAmended",
        "RequirementFundingRecorded",
    ]
    assert _row(store, t.contract_lines, "contract_id", "CT-1")["unit_price_minor"] == 11200
    req = _row(store, t.requirements, "id", "R-1")
    assert (req["state"], req["funded_quantity"]) == ("validated", 0)  # USD 10,000 of USD 11,200

    with pytest.raises(RuleViolation, match=r"line 1 needs USD 1,200.00 more, not USD 1,200.01"):
        bus.handle(store, OP, _top_up("1200.01"))
    bus.handle(store, OP, _top_up())
    d, a = _row(store, t.pledges, "id", "PL-D"), _row(store, t.pledges, "id", "PL-A")
    assert (d["allocated_minor"], d["state"], a["allocated_minor"]) == (120000, "partly_allocated", 1000000)
    req = _row(store, t.requirements, "id", "R-1")
    assert (req["state"], req["funded_quantity"]) == ("funded", 100)
    with pytest.raises(RuleViolation, match=r"funded for what it costs \(USD 11,200.00\)"):
        bus.handle(store, OP, _top_up("1.00"))
    with store.read() as conn:
        assert check_money(conn) == []
        [line] = variance(conn)
    assert {k: line[k] for k in ("estimate", "package", "original", "current", "delivered", "reasons")} == {
        "estimate": "USD 10,000.00",
        "package": "USD 10,000.00",
        "original": "USD 10,000.00",
        "current": "USD 11,200.00",
        "delivered": "USD 0.00",
        "reasons": "CT-1-A1 item_price_variation (in_force)",
    }


def test_a_refused_amendment_never_takes_effect(store):
    contracted(store)
    _amend(store, "130")
    bus.handle(
        store,
        OP,
        amendments.RejectAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="NL", reason="over budget"),
    )
    row = _row(store, t.contract_amendments, "amendment_id", "CT-1-A1")
    assert (row["state"], row["rejected_by"], row["reason"]) == ("rejected", "NL", "over budget")
    assert _row(store, t.contract_lines, "contract_id", "CT-1")["unit_price_minor"] == 10000
    with pytest.raises(Exception, match="is rejected: cannot accept"):
        bus.handle(store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="UA"))
    assert _amend(store, "101").id == "CT-1-A2"  # the contract takes changes again


def test_a_fall_within_the_tolerance_takes_effect_at_once_and_gives_the_difference_back(store):
    contracted(store)
    outcome = _amend(store, "95", rationale="price_reduction", schedule=(DueAmendment(2, "2026-04-30"),))
    assert [e.type for e in outcome.events] == [
        "ContractAmendmentProposed",
        "ContractAmended",
        "AllocationReleased",  # its funded units do not change: nothing more is recorded
    ]
    row = _row(store, t.contract_amendments, "amendment_id", "CT-1-A1")
    assert (row["kind"], row["state"], json.loads(row["awaiting"])) == ("modification", "in_force", [])
    assert _row(store, t.contract_lines, "contract_id", "CT-1")["unit_price_minor"] == 9500
    with store.read() as conn:
        dues = conn.execute(select(t.delivery_schedule.c.due).order_by(t.delivery_schedule.c.position)).scalars().all()
        alloc = conn.execute(select(t.allocations)).mappings().one()
        assert check_money(conn) == []
    assert [d.isoformat() for d in dues] == ["2026-01-31", "2026-04-30"]
    assert (alloc["line_amount_minor"], alloc["released_minor"]) == (950000, 50000)
    a = _row(store, t.pledges, "id", "PL-A")
    assert (a["allocated_minor"], a["state"]) == (950000, "partly_allocated")
    req = _row(store, t.requirements, "id", "R-1")
    assert (req["state"], req["funded_quantity"]) == ("funded", 100)
    # the tolerance counts from the signed price: USD 95 to USD 111 is 11 % above USD 100
    assert _kind(store, _amend(store, "111").id) == "amendment"


def test_a_scope_change_is_an_amendment_and_moves_the_schedule(store):
    contracted(store)
    cmd = amendments.AmendContract(
        contract_id="CT-1", rationale="volume_cuts", lines=(LineAmendment(1, quantity=70),), on="2025-10-01"
    )
    assert _kind(store, bus.handle(store, OP, cmd).id) == "amendment"
    bus.handle(store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="UA"))
    out = bus.handle(store, OP, amendments.AcceptAmendment(contract_id="CT-1", amendment_id="CT-1-A1", party="NL"))
    # the 30 units cut stay funded at the package's price, left to contract again
    assert [e.type for e in out.events] == ["ContractAmendmentAccepted", "ContractAmended"]
    with store.read() as conn:
        schedule = conn.execute(select(t.delivery_schedule).order_by(t.delivery_schedule.c.position)).mappings().all()
        assert check_money(conn) == []
    assert [(s["due"].isoformat(), s["quantity"]) for s in schedule] == [("2026-01-31", 60), ("2026-03-31", 10)]
    assert _row(store, t.pledges, "id", "PL-A")["allocated_minor"] == 1000000


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((LineAmendment(2, unit_price="1"),), "line: contract 'CT-1' has no line 2"),
        ((LineAmendment(1, unit_price="-5"),), r"lines\[1\].unit_price"),
        ((LineAmendment(1, quantity=101),), "may hold 0 to 100 units"),
        ((), "an amendment changes at least one line"),
    ],
)
def test_bad_amendments_are_refused_and_write_nothing(store, lines, message):
    contracted(store)
    before = event_count(store)
    with pytest.raises((InvalidInput, RuleViolation), match=message):
        bus.handle(
            store,
            OP,
            amendments.AmendContract(contract_id="CT-1", rationale="third_party", lines=lines, on="2025-10-01"),
        )
    with pytest.raises(InvalidInput, match="rationale"):
        amendments.AmendContract(contract_id="CT-1", rationale="whim", lines=lines)
    assert event_count(store) == before


def test_the_cli_amends_accepts_and_reports_the_variance(store):
    contracted(store)
    url = store.engine.url.render_as_string(hide_password=False)
    amend = ["--db", url, "contract", "amend", "CT-1", "--rationale", "item_price_variation", "--price", "1=115"]
    result = runner.invoke(app, [*amend, "--on", "2025-10-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == "CT-1-A1"
    for party in ("UA", "NL"):
        result = runner.invoke(app, ["--db", url, "contract", "amendment", "accept", "CT-1", "CT-1-A1", "--by", party])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", url, "report", "variance", "--json"])
    assert result.exit_code == 0, result.output
    [line] = json.loads(result.output)
    assert (line["original"], line["current"], line["changes"][0]["new_unit_price"]) == (
        "USD 10,000.00",
        "USD 11,500.00",
        "115.00",
    )
    shown = runner.invoke(app, ["--db", url, "contract", "show", "CT-1", "--json"])
    assert [(a["amendment_id"], a["state"], a["accepted"]) for a in json.loads(shown.output)["amendments"]] == [
        ("CT-1-A1", "in_force", ["UA", "NL"])
    ]
    assert "CT-1-A1" in runner.invoke(app, ["--db", url, "contract", "show", "CT-1"]).output
    with store.read() as conn:
        contract = conn.execute(select(t.contracts)).mappings().one()
    assert contract["version"] == 5  # signed, proposed, accepted twice, in force

"""Money stages (issue 15 items 1, 2 and 5): paid in → transferred → obligated → expended,
returned; every invariant refused by the domain and caught by `check money` when a
projection is edited behind the ledger's back. Real databases, exact figures."""

import json
from datetime import date

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from scenario import OP, allocate, base, funded_and_contracted
from supplyline.cli.main import app
from supplyline.domain.errors import RuleViolation
from supplyline.ledger import disclosure
from supplyline.services import bus
from supplyline.services.money_flow import money
from supplyline.services.money_flow.conservation import check_money
from supplyline.services.money_flow.money_report import money_report
from supplyline.services.records import packages
from supplyline.store import schema as t

runner = CliRunner()


def stages(store, pledge_id="PL-E"):
    with store.read() as conn:
        row = conn.execute(select(t.pledges).where(t.pledges.c.id == pledge_id)).mappings().one()
    return {s: row[f"{s}_minor"] for s in t.MONEY_STAGES} | {"allocated": row["allocated_minor"]}


def test_money_moves_stage_by_stage_with_the_realised_fx_difference_recorded(store):
    funded_and_contracted(store)
    bus.handle(store, OP, money.PayIn(pledge_id="PL-E", amount="8000.00", reference="NL-PAY-0001", on="2025-08-25"))
    out = bus.handle(
        store,
        OP,
        money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="8000.00", reference="NSATU-TX-1", on="2025-09-02"),
    )
    payload = json.loads(out.events[0].payload)
    # USD 9,600 at the transfer's 1.20, USD 400 less than at the allocation's 1.25: recorded, not absorbed
    assert (payload["seller_amount"], payload["fx_difference"], payload["fx"]["rate"]) == (
        {"amount": "9600.00", "currency": "USD"},
        {"amount": "-400.00", "currency": "USD"},
        "1.20",
    )
    bus.handle(store, OP, money.Obligate(contract_id="CT-1", line_no=1, amount="9000.00", on="2025-09-03"))
    bus.handle(
        store, OP, money.Expend(contract_id="CT-1", line_no=1, amount="4500.00", reference="INV-1", on="2025-10-01")
    )
    assert stages(store) == {
        "paid_in": 800000,
        "transferred": 800000,
        "obligated": 750000,  # USD 9,000 of USD 9,600 transferred = EUR 7,500
        "expended": 375000,  # USD 4,500 of USD 9,000 obligated = EUR 3,750
        "released": 0,
        "returned": 0,
        "allocated": 800000,
    }
    with store.read() as conn:
        assert check_money(conn) == []
        report = money_report(conn, currency="USD", on=date(2025, 10, 1))
    assert report["pledges"] == [
        {
            "pledge": "PL-E",
            "funder": "NL",
            "currency": "EUR",
            "committed": "8000.00",
            "paid_in": "8000.00",
            "allocated": "8000.00",
            "unallocated": "0.00",
            "transferred": "8000.00",
            "obligated": "7500.00",
            "expended": "3750.00",
            "released": "0.00",
            "returned": "0.00",
            "converted": {
                "committed": "9600.00",
                "paid_in": "9600.00",
                "allocated": "9600.00",
                "unallocated": "0.00",
                "transferred": "9600.00",
                "obligated": "9000.00",
                "expended": "4500.00",
                "released": "0.00",
                "returned": "0.00",
            },
        }
    ]
    assert report["packages"] == [
        {
            "package": "PKG-1",
            "pledge": "PL-E",
            "funder": "NL",
            "currency": "EUR",
            "allocated": "8000.00",
            "transferred": "8000.00",
            "obligated": "7500.00",
            "expended": "3750.00",
            "released": "0.00",
        }
    ]


REFUSALS = [
    (
        lambda s: bus.handle(s, OP, money.PayIn(pledge_id="PL-E", amount="8000.01", reference="X", on="2025-08-25")),
        "EUR 8,000.00 left to pay in",
    ),
    (
        lambda s: bus.handle(
            s, OP, money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="10.00", reference="X", on="2025-09-02")
        ),
        "EUR 0.00 paid in and not yet transferred or returned, not EUR 10.00",
    ),
    (
        lambda s: bus.handle(s, OP, money.Obligate(contract_id="CT-1", line_no=1, amount="1.00", on="2025-09-03")),
        "package 'PKG-1' has USD 0.00 transferred and not yet obligated",
    ),
    (
        lambda s: bus.handle(
            s, OP, money.Expend(contract_id="CT-1", line_no=1, amount="1.00", reference="INV", on="2025-09-03")
        ),
        "contract 'CT-1' line 1 has obligated USD 0.00",
    ),
    (
        lambda s: bus.handle(s, OP, money.ReturnMoney(pledge_id="PL-E", amount="1.00", reference="X", on="2025-09-02")),
        "pledge 'PL-E' has EUR 0.00 unallocated, not EUR 1.00",
    ),
]


@pytest.mark.parametrize(("attempt", "message"), REFUSALS)
def test_a_stage_never_exceeds_the_one_before_it(store, attempt, message):
    funded_and_contracted(store)
    before = stages(store)
    with pytest.raises(RuleViolation, match=message):
        attempt(store)
    assert stages(store) == before


def test_transfers_obligations_and_spending_are_capped_at_each_step(store):
    funded_and_contracted(store)
    bus.handle(store, OP, money.PayIn(pledge_id="PL-E", amount="5000.00", reference="P1", on="2025-08-25"))
    with pytest.raises(
        RuleViolation, match=r"EUR 5,000.00 paid in and not yet transferred or returned, not EUR 5,000.01"
    ):
        bus.handle(
            store,
            OP,
            money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="5000.01", reference="T", on="2025-09-02"),
        )
    bus.handle(
        store,
        OP,
        money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="5000.00", reference="T", on="2025-09-02"),
    )  # USD 6,000.00
    with pytest.raises(RuleViolation, match=r"has USD 6,000.00 transferred and not yet obligated: USD 6,000.01"):
        bus.handle(store, OP, money.Obligate(contract_id="CT-1", line_no=1, amount="6000.01", on="2025-09-03"))
    bus.handle(store, OP, money.Obligate(contract_id="CT-1", line_no=1, amount="6000.00", on="2025-09-03"))
    with pytest.raises(RuleViolation, match=r"has obligated USD 6,000.00 and has USD 0.00 expended"):
        bus.handle(
            store, OP, money.Expend(contract_id="CT-1", line_no=1, amount="6000.01", reference="I", on="2025-09-04")
        )
    bus.handle(store, OP, money.Expend(contract_id="CT-1", line_no=1, amount="6000.00", reference="I", on="2025-09-04"))
    assert stages(store) == {
        "paid_in": 500000,
        "transferred": 500000,
        "obligated": 500000,
        "expended": 500000,
        "released": 0,
        "returned": 0,
        "allocated": 800000,
    }


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("pledges", "paid_in_minor", 900000, "pledge 'PL-E': paid_in EUR 9,000.00 exceeds committed EUR 8,000.00"),
        (
            "pledges",
            "transferred_minor",
            600000,
            "pledge 'PL-E': transferred EUR 6,000.00 exceeds paid_in EUR 5,000.00",
        ),
        ("pledges", "obligated_minor", 600000, "pledge 'PL-E': obligated EUR 6,000.00 exceeds transferred"),
        ("pledges", "expended_minor", 450000, "pledge 'PL-E': expended EUR 4,500.00 exceeds obligated EUR 4,000.00"),
        ("pledges", "returned_minor", 100, "pledge 'PL-E': returned EUR 1.00 + allocated EUR 8,000.00 is more than"),
        ("money_flows", "amount_minor", 1, "pledge 'PL-E': paid_in EUR 5,000.00 is not the sum of its movements"),
        ("allocations", "amount_minor", 1, "are not what its allocations hold (EUR 0.01)"),
    ],
)
def test_an_edited_projection_is_caught_naming_the_pledge(store, table, column, value, message):
    funded_and_contracted(store)
    bus.handle(store, OP, money.PayIn(pledge_id="PL-E", amount="5000.00", reference="P1", on="2025-08-25"))
    bus.handle(
        store,
        OP,
        money.Transfer(pledge_id="PL-E", package_id="PKG-1", amount="5000.00", reference="T", on="2025-09-02"),
    )
    bus.handle(store, OP, money.Obligate(contract_id="CT-1", line_no=1, amount="4800.00", on="2025-09-03"))  # EUR 4,000
    bus.handle(
        store, OP, money.Expend(contract_id="CT-1", line_no=1, amount="1200.00", reference="I", on="2025-09-04")
    )  # EUR 1,000
    with store.read() as conn:
        assert check_money(conn) == []
    target = t.every_table().tables[table]
    where = target.c.position == 1 if table == "money_flows" else target.c.id.like("PL-E%")
    with store.engine.begin() as conn:
        conn.execute(update(target).where(where).values({column: value}))
    with store.read() as conn:
        problems = check_money(conn)
    assert any(message in p for p in problems), problems


def test_cli_check_money_and_verify_fail_naming_the_pledge(sqlite_store, sqlite_url):
    funded_and_contracted(sqlite_store)
    bus.handle(sqlite_store, OP, money.PayIn(pledge_id="PL-E", amount="5000.00", reference="P1", on="2025-08-25"))
    assert runner.invoke(app, ["--db", sqlite_url, "check", "money"]).exit_code == 0
    with sqlite_store.engine.begin() as conn:
        conn.execute(update(t.pledges).values(transferred_minor=600000))
    result = runner.invoke(app, ["--db", sqlite_url, "check", "money"])
    assert result.exit_code == 1
    assert "pledge 'PL-E': transferred EUR 6,000.00 exceeds paid_in EUR 5,000.00" in result.stderr
    result = runner.invoke(app, ["--db", sqlite_url, "verify", "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert "money not conserved: pledge 'PL-E': transferred EUR 6,000.00 exceeds paid_in EUR 5,000.00" in problems


def test_returned_money_is_no_longer_there_to_allocate(store):
    base(store, pledge_amounts=(("PL-A", "1000.00", "USD"),), line_quantity=10)
    allocate(store, "PL-A", "500.00", "USD")
    bus.handle(store, OP, money.PayIn(pledge_id="PL-A", amount="1000.00", reference="P", on="2025-08-04"))
    bus.handle(store, OP, money.ReturnMoney(pledge_id="PL-A", amount="500.00", reference="R", on="2025-08-05"))
    assert stages(store, "PL-A")["returned"] == 50000
    with store.read() as conn:
        state = conn.execute(select(t.pledges.c.state).where(t.pledges.c.id == "PL-A")).scalar_one()
    assert state == "exhausted"  # 1000 = 500 returned + 500 allocated + 0 unallocated
    with pytest.raises(RuleViolation, match="pledge 'PL-A' is exhausted"):
        allocate(store, "PL-A", "0.01", "USD", on="2025-08-06")


def test_a_release_cannot_take_back_money_already_sent_to_the_seller(store):
    base(store, pledge_amounts=(("PL-A", "10000.00", "USD"),))
    allocate(store, "PL-A", "10000.00", "USD")
    bus.handle(store, OP, money.PayIn(pledge_id="PL-A", amount="10000.00", reference="P", on="2025-08-04"))
    bus.handle(
        store, OP, money.Transfer(pledge_id="PL-A", package_id="PKG-1", amount="1.00", reference="T", on="2025-08-05")
    )
    bus.handle(store, OP, packages.ProposePackage(package_id="PKG-1"))
    reject = packages.Decide(package_id="PKG-1", party="US", decision="reject", reason="no", on="2025-08-09")
    with pytest.raises(RuleViolation, match=r"pledge 'PL-A' transferred USD 1.00 for package 'PKG-1'"):
        bus.handle(store, OP, reject)
    assert stages(store, "PL-A")["released"] == 0


def test_money_paid_against_a_withheld_contract_line_is_withheld_as_strictly_as_its_price(demo_store):
    """DD-PA-1's lines are confidential until 2027-06-30: an obligation or a payment on one
    states what the line costs, so its amounts are sealed at that level when recorded."""
    bus.handle(demo_store, OP, money.PayIn(pledge_id="PL-US-DD-2025", amount="20000000.00", reference="US-1"))
    bus.handle(
        demo_store,
        OP,
        money.Transfer(pledge_id="PL-US-DD-2025", package_id="PKG-DD-1", amount="20000000.00", reference="T"),
    )
    bus.handle(demo_store, OP, money.Obligate(contract_id="DD-PA-1", line_no=1, amount="12000000.00"))
    bus.handle(
        demo_store, OP, money.Expend(contract_id="DD-PA-1", line_no=1, amount="2400000.00", reference="INV-DD-1")
    )
    e = t.events
    with demo_store.read() as conn:
        rows = conn.execute(
            select(e.c.type, e.c.payload).where(e.c.type.in_(("MoneyObligated", "MoneyExpended"))).order_by(e.c.seq)
        ).all()
    sealed = {
        (kind, field): (marker["level"], marker["embargo"])
        for kind, payload in rows
        if json.loads(payload)["contract_id"] == "DD-PA-1"
        for field, marker in disclosure.markers(json.loads(payload)).items()
    }
    assert sealed == {
        ("MoneyObligated", "amount"): ("confidential", "2027-06-30"),
        ("MoneyObligated", "line_amount"): ("confidential", "2027-06-30"),
        ("MoneyExpended", "amount"): ("confidential", "2027-06-30"),
        ("MoneyExpended", "line_amount"): ("confidential", "2027-06-30"),
    }
    # and a payment on a line in clear stays in clear (the Netherlands' on CT-NL-1)
    assert any(
        kind == "MoneyExpended" and '"CT-NL-1"' in payload and "commitment" not in payload for kind, payload in rows
    )

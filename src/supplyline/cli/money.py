"""Money along its stages (issue 15): paid in, transferred, obligated, expended, returned;
`report money` and `check money`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..domain.values import parse_date
from .app import JSON, state
from .common import send
from .contracts import contract
from .enduse import check  # one `check` group: end-use checks and the ledger's figures
from .lazy import lazy
from .pledges import pledge
from .render import CHECK_FAILED, console, emit_json, errors, fail, money, table
from .reports import report

if TYPE_CHECKING:
    from ..services.money_flow import conservation
    from ..services.money_flow import money as money_service
    from ..services.money_flow import money_report as money_reports
else:
    conservation = lazy("supplyline.services.money_flow.conservation")
    money_reports = lazy("supplyline.services.money_flow.money_report")
    money_service = lazy("supplyline.services.money_flow.money")

ON = typer.Option(None, "--on", help="YYYY-MM-DD (default: today)")


@pledge.command("pay-in")
def pledge_pay_in(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="PLEDGE"),
    amount: str = typer.Option(..., "--amount", help="in the pledge's currency"),
    reference: str = typer.Option(..., "--reference", help="the funder's payment reference"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Record the funder's payment into the mechanism's account."""
    send(ctx, money_service.PayIn(pledge_id=pledge_id, amount=amount, reference=reference, on=on), as_json=as_json)


@pledge.command("transfer")
def pledge_transfer(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="PLEDGE"),
    package_id: str = typer.Option(..., "--package"),
    amount: str = typer.Option(..., "--amount", help="in the pledge's currency"),
    reference: str = typer.Option(..., "--reference"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Record a transfer of paid-in money to the seller for a package."""
    cmd = money_service.Transfer(pledge_id=pledge_id, package_id=package_id, amount=amount, reference=reference, on=on)
    send(ctx, cmd, as_json=as_json)


@pledge.command("return")
def pledge_return(
    ctx: typer.Context,
    pledge_id: str = typer.Argument(..., metavar="PLEDGE"),
    amount: str = typer.Option(..., "--amount", help="in the pledge's currency"),
    reference: str = typer.Option(..., "--reference"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Return unallocated paid-in money to the funder."""
    cmd = money_service.ReturnMoney(pledge_id=pledge_id, amount=amount, reference=reference, on=on)
    send(ctx, cmd, as_json=as_json)


@contract.command("obligate")
def contract_obligate(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    line: str = typer.Option(..., "--line", help="contract line number"),
    amount: str = typer.Option(..., "--amount", help="in the contract's currency"),
    pledge_id: str | None = typer.Option(None, "--pledge", help="default: the package's pledges, oldest first"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Obligate transferred money on a contract line."""
    cmd = money_service.Obligate(contract_id=contract_id, line_no=line, amount=amount, pledge_id=pledge_id, on=on)
    send(ctx, cmd, as_json=as_json)


@contract.command("expend")
def contract_expend(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    line: str = typer.Option(..., "--line", help="contract line number"),
    amount: str = typer.Option(..., "--amount", help="in the contract's currency"),
    reference: str = typer.Option(..., "--reference", help="the invoice or delivery paid"),
    pledge_id: str | None = typer.Option(None, "--pledge", help="default: the package's pledges, oldest first"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Pay a supplier out of obligated money."""
    cmd = money_service.Expend(
        contract_id=contract_id, line_no=line, amount=amount, reference=reference, pledge_id=pledge_id, on=on
    )
    send(ctx, cmd, as_json=as_json)


@report.command("money")
def report_money(
    ctx: typer.Context,
    funder: str | None = typer.Option(None, "--funder"),
    package_id: str | None = typer.Option(None, "--package"),
    currency: str | None = typer.Option(None, "--currency", help="also convert to this reporting currency"),
    on: str | None = typer.Option(None, "--on", help="the day whose rate converts (default: today)"),
    as_json: bool = JSON,
) -> None:
    """Committed, paid in, allocated, transferred, obligated, expended, released, returned."""
    day = parse_date("on", on) if on else None
    with state(ctx).reader().read() as conn:
        data = money_reports.money_report(conn, currency=currency, funder=funder, package=package_id, on=day)
    if as_json:
        emit_json(data)
        return
    short = [s for s in money_reports.PLEDGE_STAGES if s != "unallocated"]
    table(
        "money per pledge (its currency)",
        [{**r, **{s: money(r[s], r["currency"]) for s in short}} for r in data["pledges"]],
        [("funder", "funder"), ("pledge", "pledge"), *[(s, s.replace("_", " ")) for s in short]],
        numeric=short,
    )
    table(
        "money per package and pledge",
        [{**r, **{s: money(r[s], r["currency"]) for s in money_reports.PACKAGE_STAGES}} for r in data["packages"]],
        [("package", "package"), ("pledge", "pledge"), *[(s, s) for s in money_reports.PACKAGE_STAGES]],
        numeric=money_reports.PACKAGE_STAGES,
    )
    if "funders" in data:
        rows = [*data["funders"], {"funder": "TOTAL", **data["total"]}]
        table(
            f"money per funder ({data['currency']}, at the rate of {data['on']})",
            [{**r, **{s: money(r[s]) for s in short}} for r in rows],
            [("funder", "funder"), *[(s, s.replace("_", " ")) for s in short]],
            numeric=short,
        )


@check.command("money")
def check_money_command(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Money is conserved per pledge (invariant 7); exit 1 naming every pledge that breaks it."""
    with state(ctx).reader().read() as conn:
        problems = conservation.check_money(conn)
    if as_json:
        emit_json({"ok": not problems, "problems": problems})
        if problems:
            raise typer.Exit(CHECK_FAILED)
        return
    for problem in problems:
        errors.print(f"- {problem}", markup=False, highlight=False, soft_wrap=True)
    if problems:
        fail(f"money not conserved: {problems[0]}", CHECK_FAILED)
    console.print("[green]money conserved[/]: every pledge's stages add up")

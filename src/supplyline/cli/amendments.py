"""Changes to signed contracts (issue 15 item 4): `contract amend`, `contract amendment
accept|reject`, and `report variance`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..domain.amendment_terms import RATIONALES, DueAmendment, LineAmendment
from .app import JSON
from .common import DISCLOSE, list_rows, send
from .contracts import contract
from .lazy import lazy
from .render import split_spec
from .reports import report

if TYPE_CHECKING:
    from ..services.reads import variance
    from ..services.records import amendments
else:
    amendments = lazy("supplyline.services.records.amendments")
    variance = lazy("supplyline.services.reads.variance")

amendment = typer.Typer(no_args_is_help=True, help="Amendments awaiting the recipient's and funders' acceptance.")
contract.add_typer(amendment, name="amendment")
ON = typer.Option(None, "--on", help="YYYY-MM-DD (default: today)")


def _lines(prices: list[str], quantities: list[str]) -> tuple[LineAmendment, ...]:
    """``LINE=PRICE`` and ``LINE=QUANTITY`` options, one change per line named."""
    price = dict(split_spec(f"price[{i}]", text, 2, sep="=") for i, text in enumerate(prices, 1))
    quantity = dict(split_spec(f"quantity[{i}]", text, 2, sep="=") for i, text in enumerate(quantities, 1))
    return tuple(LineAmendment(n, quantity.get(n), price.get(n)) for n in dict.fromkeys([*price, *quantity]))


@contract.command("amend")
def contract_amend(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    rationale: str = typer.Option(..., "--rationale", help=f"one of: {', '.join(RATIONALES)}"),
    price: list[str] = typer.Option([], "--price", help="LINE=UNIT_PRICE: a line's new unit price (repeatable)"),
    quantity: list[str] = typer.Option([], "--quantity", help="LINE=QUANTITY: a line's new quantity (repeatable)"),
    due: list[str] = typer.Option([], "--due", help="ENTRY=DATE: a schedule entry's new due date (repeatable)"),
    description: str = typer.Option("", "--description"),
    on: str | None = ON,
    disclose: list[str] = DISCLOSE,
    as_json: bool = JSON,
) -> None:
    """Change a signed contract: a price within the tolerance or a due date takes effect at
    once; a quantity or a larger price change waits for the recipient and funders."""
    schedule = tuple(DueAmendment(*split_spec(f"due[{i}]", text, 2, sep="=")) for i, text in enumerate(due, 1))
    cmd = amendments.AmendContract(
        contract_id=contract_id,
        rationale=rationale,
        lines=_lines(price, quantity),
        schedule=schedule,
        description=description,
        on=on,
        disclosure=tuple(disclose),
    )
    send(ctx, cmd, as_json=as_json)


@amendment.command("accept")
def amendment_accept(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    amendment_id: str = typer.Argument(..., metavar="AMENDMENT"),
    by: str = typer.Option(..., "--by", help="the accepting party (the recipient or a funder)"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Accept an amendment; the last acceptance puts it in force."""
    cmd = amendments.AcceptAmendment(contract_id=contract_id, amendment_id=amendment_id, party=by, on=on)
    send(ctx, cmd, as_json=as_json)


@amendment.command("reject")
def amendment_reject(
    ctx: typer.Context,
    contract_id: str = typer.Argument(..., metavar="CONTRACT"),
    amendment_id: str = typer.Argument(..., metavar="AMENDMENT"),
    by: str = typer.Option(..., "--by"),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Refuse an amendment: it never takes effect."""
    cmd = amendments.RejectAmendment(contract_id=contract_id, amendment_id=amendment_id, party=by, reason=reason, on=on)
    send(ctx, cmd, as_json=as_json)


@report.command("variance")
def report_variance(
    ctx: typer.Context, package_id: str | None = typer.Option(None, "--package"), as_json: bool = JSON
) -> None:
    """Per contract line: the requirement's estimate, the package price, the original and the
    current contract, the value delivered, and each change's reason."""
    list_rows(
        ctx,
        lambda c: variance.variance(c, package_id=package_id),
        as_json,
        "variance (for the units signed; current and delivered at the current price)",
        [
            ("contract_id", "contract"),
            ("line_no", "line"),
            ("item", "item"),
            ("estimate", "estimate"),
            ("package", "package"),
            ("original", "original"),
            ("current", "current"),
            ("delivered", "delivered"),
            ("reasons", "reasons"),
        ],
        numeric=("estimate", "package", "original", "current", "delivered"),
    )

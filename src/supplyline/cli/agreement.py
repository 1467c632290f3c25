"""Who agrees to a package before its seller decides (issue 17, item 2): the coordinator's
validation or return to draft, the funders' concurrences, each mechanism's steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON
from .common import send
from .lazy import lazy
from .packages import package

if TYPE_CHECKING:
    from ..services.records import agreement
else:
    agreement = lazy("supplyline.services.records.agreement")

PACKAGE = typer.Argument(..., metavar="PACKAGE")
ON = typer.Option(None, "--on")


@package.command("validate")
def package_validate(
    ctx: typer.Context,
    package_id: str = PACKAGE,
    by: str | None = typer.Option(None, "--by", help="the validating coordinator (default: the acting party)"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Validate a proposed package, as the coordinator, before its seller decides."""
    send(ctx, agreement.ValidatePackage(package_id=package_id, by=by, on=on), as_json=as_json)


@package.command("return")
def package_return(
    ctx: typer.Context,
    package_id: str = PACKAGE,
    reasons: str = typer.Option(..., "--reasons"),
    by: str | None = typer.Option(None, "--by", help="the returning coordinator (default: the acting party)"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Return a proposed package to draft, saying why (its steps start again)."""
    cmd = agreement.ReturnPackage(package_id=package_id, reasons=reasons, by=by, on=on)
    send(ctx, cmd, as_json=as_json)


@package.command("concur")
def package_concur(
    ctx: typer.Context,
    package_id: str = PACKAGE,
    funder: str | None = typer.Option(None, "--funder", help="the concurring funder (default: the acting party)"),
    object_: str | None = typer.Option(None, "--object", metavar="REASON", help="object instead, saying why"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Concur, as a funder whose pledge pays for it, with a proposed package (or object)."""
    verdict, reason = ("object", object_) if object_ is not None else ("concur", "")
    cmd = agreement.Concur(package_id=package_id, verdict=verdict, reason=reason, funder=funder, on=on)
    send(ctx, cmd, as_json=as_json)


@package.command("steps")
def package_steps(
    ctx: typer.Context,
    mechanism: str = typer.Argument(..., metavar="MECHANISM"),
    steps: list[str] = typer.Argument(None, metavar="[STEP]...", help="validation, concurrence; none: no steps"),
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """Configure the steps a mechanism's packages pass before approval (recorded in the ledger)."""
    cmd = agreement.ConfigureApprovalSteps(mechanism=mechanism, steps=tuple(steps or ()), on=on)
    send(ctx, cmd, as_json=as_json)

"""`supplyline allocate`: fund the most important needs first, optimally, within every earmark."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import typer

from .app import JSON, app, state
from .lazy import lazy
from .render import console, emit_json, money, split_spec, table

if TYPE_CHECKING:
    from ..services.plans import allocation as service
else:
    service = lazy("supplyline.services.plans.allocation")

SHOWN = 15
#: the counts and amounts inside a reason, so that lines left open for the same cause are
#: counted together on screen (a tier keeps its number: the cause differs by tier)
_FIGURES = re.compile(r"(?<!tier-)\b\d[\d,.]*")


@app.command("allocate")
def allocate(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="compute and explain the plan, record nothing"),
    as_json: bool = JSON,
    min_package: str | None = typer.Option(
        None, "--min-package", metavar="AMOUNT", help="minimum value of a package, in the plan currency"
    ),
    time_limit: str = typer.Option("60", "--time-limit", metavar="S", help="seconds the solver may take"),
    on: str | None = typer.Option(None, "--on", help="allocation day (rates, validity windows); default today"),
    currency: str = typer.Option("USD", "--currency", help="the plan currency for money shown and --min-package"),
    seller: list[str] = typer.Option(
        [],
        "--seller",
        metavar="MECHANISM=PARTY",
        help="seller of new packages of a mechanism (default: as on its latest package)",
    ),
    instant: bool = typer.Option(
        False, "--instant", help="the instant plan (LP relaxation rounded down); dry runs only"
    ),
    solver: str = typer.Option("race", "--solver", help="race (HiGHS and CBC at once, first wins) | highs | cbc"),
) -> None:
    """Fund the most important requirement lines first, optimally, within every pledge's earmarks."""
    sellers = {}
    for text in seller:
        mechanism, party = split_spec("seller", text, 2, sep="=")
        sellers[mechanism.strip()] = party.strip()
    st = state(ctx)
    cmd = service.RunAllocation(
        on=on,
        currency=currency,
        min_package=min_package,
        time_limit=time_limit,
        dry_run=dry_run,
        instant=instant,
        solver=solver,
        sellers=sellers,
    )
    # a dry run writes nothing: the ledger's signing key need not be loaded
    data = service.run_allocation(st.reader() if dry_run else st.store(), st.acting, cmd)
    if as_json:
        emit_json(data)
        return
    _print(data)


def _print(data: Mapping[str, Any]) -> None:
    verb = "recorded" if data["recorded"] else "planned (nothing recorded)"
    console.print(
        f"[bold]allocation on {data['on']}[/]: {data['label']} plan, {verb}; solver {data['solver']} "
        f"({data['mode']}), proven gap {data['gap']:.2e}"
    )
    table(
        "coverage per tier (share of each open line funded, summed)",
        data["tiers"],
        [
            ("tier", "tier"),
            ("lines", "lines"),
            ("coverage", "coverage"),
            ("bound", "bound"),
            ("gap", "gap"),
            ("greedy", "greedy (by hand)"),
            ("method", "certified by"),
        ],
        numeric=("lines", "coverage", "bound", "gap", "greedy"),
    )
    table(
        "packages",
        [{**p, "value": money(p["value"], p["currency"])} for p in data["packages"]],
        [
            ("package", "package"),
            ("mechanism", "mechanism"),
            ("recipient", "recipient"),
            ("origin", "made in"),
            ("value", "value"),
            ("lines", "lines"),
        ],
        numeric=("value", "lines"),
    )
    console.print(
        f"{len(data['allocations'])} allocations; timings (s): "
        + ", ".join(f"{k} {v:.3f}" for k, v in data["timings"].items())
    )
    _print_unfunded(data["unfunded"])
    if data["pledges_left"]:
        table(
            _first("pledges with money left", data["pledges_left"]),
            [{**p, "left": money(p["left"], p["currency"])} for p in data["pledges_left"][:SHOWN]],
            [("pledge_id", "pledge"), ("funder", "funder"), ("left", "left"), ("reason", "why")],
            numeric=("left",),
        )
    for price in data["earmark_prices"][:SHOWN]:
        console.print(f"price of an earmark: {price['text']}")


def _first(title: str, rows: list) -> str:
    """A table's title that says when it shows only the first rows (--json has them all)."""
    return title if len(rows) <= SHOWN else f"{title}: the first {SHOWN} of {len(rows)} (all of them with --json)"


def _cause(reason: str) -> str:
    """A reason without what differs from line to line: the words before its details."""
    return _FIGURES.sub("N", reason.removeprefix("the rest: ").split(" (")[0].split(":")[0])


def _print_unfunded(unfunded: list[dict]) -> None:
    """The lines left open, counted by reason, and the first of them."""
    reasons = Counter(_cause(line["reason"]) for line in unfunded)
    if reasons:
        table(
            "lines not (fully) funded, by reason (N: a count or amount that differs from line to line)",
            [{"reason": r, "lines": n} for r, n in reasons.most_common()],
            [("reason", "reason"), ("lines", "lines")],
            numeric=("lines",),
        )
        table(
            _first("lines not (fully) funded", unfunded),
            unfunded[:SHOWN],
            [
                ("requirement_id", "requirement"),
                ("tier", "tier"),
                ("funded_quantity", "funded"),
                ("open_quantity", "open"),
                ("reason", "why"),
            ],
        )

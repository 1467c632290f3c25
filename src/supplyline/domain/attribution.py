"""Which pledges paid for a value: the pro-rata attribution behind every trace and funnel.

A package line is paid by one or more allocations. Whatever part of the line is later
contracted or delivered is attributed to those pledges in proportion to what each put
into the line, split to the cent so that the parts add up exactly to the whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from .money import Money, split_pro_rata


@dataclass(frozen=True)
class Funding:
    """What one pledge put into one package line (its allocations to it, summed)."""

    pledge_id: str
    funder: str
    pledge_amount: Money  # in the pledge's currency
    line_amount: Money  # in the package's currency


@dataclass(frozen=True)
class Share:
    funding: Funding
    line_amount: Money  # part of the attributed value, in the package's currency
    pledge_amount: Money  # the same part, in the pledge's currency, at the allocation's own rate


def attribute(value: Money, fundings: list[Funding]) -> list[Share]:
    """Split ``value`` (package currency) over the line's fundings, exactly."""
    if not fundings:
        return []
    parts = split_pro_rata(value, [f.line_amount.amount for f in fundings])
    shares = []
    for funding, part in zip(fundings, parts, strict=False):
        if funding.line_amount.is_zero:
            in_pledge = Money.zero(funding.pledge_amount.currency)
        else:
            ratio = part.amount / funding.line_amount.amount
            in_pledge = Money.rounded(funding.pledge_amount.amount * ratio, funding.pledge_amount.currency)
        shares.append(Share(funding, part, in_pledge))
    return shares


def merge_fundings(rows: list[Funding]) -> list[Funding]:
    """Sum several allocations of the same pledge to the same line."""
    merged: dict[str, Funding] = {}
    for row in rows:
        prior = merged.get(row.pledge_id)
        merged[row.pledge_id] = (
            row
            if prior is None
            else Funding(
                row.pledge_id, row.funder, prior.pledge_amount + row.pledge_amount, prior.line_amount + row.line_amount
            )
        )
    return sorted(merged.values(), key=lambda f: f.pledge_id)

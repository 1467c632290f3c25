"""Events of money moving along its stages, each on the stream of the pledge it belongs to
(so one lock guards every stage of one funder's money): paid in, transferred to the seller,
obligated on a contract line, expended to a supplier, returned to the funder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..money import Money
from .base import Event
from .funding import RateUsed


@dataclass(frozen=True, kw_only=True)
class PledgePaidIn(Event):
    """The funder paid into the mechanism's account (``reference``: its payment reference)."""

    amount: Money  # in the pledge's currency
    reference: str
    paid_on: date


@dataclass(frozen=True, kw_only=True)
class MoneyTransferred(Event):
    """The coordinator transferred money of the account to the seller for a package."""

    package_id: str
    amount: Money  # in the pledge's currency
    seller_amount: Money  # in the package's currency, at the transfer's dated rate
    fx: RateUsed | None  # the transfer's rate; None when both are in one currency
    fx_difference: Money  # seller_amount minus the same amount at the allocations' rate (realised, not absorbed)
    reference: str
    transferred_on: date


@dataclass(frozen=True, kw_only=True)
class MoneyObligated(Event):
    """The seller obligated transferred money on a contract line."""

    package_id: str
    contract_id: str
    contract_line_no: int
    amount: Money  # in the pledge's currency
    line_amount: Money  # in the contract's currency
    obligated_on: date


@dataclass(frozen=True, kw_only=True)
class MoneyExpended(Event):
    """The seller paid a supplier against delivery or invoice, out of obligated money."""

    package_id: str
    contract_id: str
    contract_line_no: int
    amount: Money  # in the pledge's currency
    line_amount: Money  # in the contract's currency
    reference: str  # the invoice or delivery paid
    expended_on: date


@dataclass(frozen=True, kw_only=True)
class MoneyReturned(Event):
    """Unallocated money paid in, given back to the funder."""

    amount: Money  # in the pledge's currency
    reference: str
    returned_on: date

"""Money along its stages (issue 15): payments in, transfers, returns, obligations, expenditures."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .common import Amount, Day, Id, LineNo, RequestModel

Reference = Field(min_length=1, max_length=100, description="the payment, transfer or invoice reference")


class PaymentCreate(RequestModel):
    amount: Amount = Field(description="in the pledge's currency")
    reference: str = Reference
    on: Day | None = None


class TransferCreate(RequestModel):
    package_id: Id
    amount: Amount = Field(description="in the pledge's currency")
    reference: str = Reference
    on: Day | None = None


class ObligationCreate(RequestModel):
    line_no: LineNo
    amount: Amount = Field(description="in the contract's currency")
    pledge_id: Id | None = Field(None, description="default: the package's pledges, oldest first")
    on: Day | None = None


class ExpenditureCreate(ObligationCreate):
    reference: str = Reference


class MoneyReportRead(BaseModel):
    """Every stage side by side: per pledge (its currency, and converted), per package, per funder."""

    on: str
    pledges: list[dict[str, object]]
    packages: list[dict[str, object]]
    undisclosed: int
    currency: str | None = None
    funders: list[dict[str, str]] | None = None
    total: dict[str, str] | None = None
    rates_used: list[dict[str, object]] | None = None
    unconverted: list[str] | None = None

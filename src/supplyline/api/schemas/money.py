"""Money along its stages (issue 15): payments in, transfers, returns, obligations, expenditures."""

from __future__ import annotations

from pydantic import Field

from ...services.reads import report_models as rm
from ..derive import read_model
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


#: the figures in a reporting currency are null without one (and so left out of the answer)
MoneyReportRead = read_model(
    "MoneyReportRead",
    rm.MoneyReport,
    __name__,
    withheld=False,
    blanked=("currency", "funders", "total", "rates_used", "unconverted"),
)

"""Packages of requirement lines, their approval, and the trace of a package."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...services.reads import governance_models as gm
from ...services.reads import report_models as rm
from ...services.reads.read_models import (
    CheckItemRecord,
    DecisionRecord,
    PackageDetail,
    PackageLineRecord,
    PackageRecord,
    PackageStepRecord,
)
from ..derive import many, page_of, read_model
from .common import (
    Amount,
    Count,
    Currency,
    Day,
    Disclose,
    Id,
    Mechanism,
    Name,
    Origin,
    RequestModel,
    Text,
)
from .contracts import ContractRead
from .evidence import EVIDENCE


class PackageCreate(RequestModel):
    title: Name
    mechanism: Mechanism
    seller: Id
    recipient: Id
    currency: Currency
    approvers: list[Id] = Field(default_factory=list, max_length=20, description="default: the seller")
    id: Id | None = None
    disclose: Disclose = None


class PackageLineCreate(RequestModel):
    requirement_id: Id
    quantity: Count
    unit_price: Amount | None = Field(None, description="default: the requirement's estimate")
    origin: Origin | None = None
    disclose: Disclose = None


class DecisionCreate(RequestModel):
    party: Id = Field(description="the deciding party: the token's own party")
    decision: Literal["approve", "reject"]
    reason: Text = ""
    on: Day | None = None


class LineCancelAction(RequestModel):
    reason: Text = Field(description="why the line is taken out")
    on: Day | None = Field(None, description="the day it happened (default: today, UTC)")


class ReturnAction(RequestModel):
    reasons: Text = Field(min_length=1, description="why the package goes back to draft")
    on: Day | None = None
    disclose: Disclose = None


class ConcurrenceCreate(RequestModel):
    verdict: Literal["concur", "object"] = "concur"
    reason: Text = Field("", description="needed to object")
    on: Day | None = None
    disclose: Disclose = None


class ApprovalStepsCreate(RequestModel):
    steps: list[Literal["validation", "concurrence"]] = Field(
        default_factory=list, max_length=2, description="none: the seller decides alone"
    )
    on: Day | None = None


ApprovalStepsRead = read_model("ApprovalStepsRead", gm.ApprovalSteps, __name__, withheld=False)
PackageRead = read_model("PackageRead", PackageRecord, __name__)
PackageLineRead = read_model("PackageLineRead", PackageLineRecord, __name__)
DecisionRead = read_model("DecisionRead", DecisionRecord, __name__, withheld=False)
CheckItemRead = read_model("CheckItemRead", CheckItemRecord, __name__, withheld=False)
PackageStepRead = read_model("PackageStepRead", PackageStepRecord, __name__)
#: one package, with its lines, the decisions on it, its contracts and its evidence (issue 18)
PackageDetailRead = read_model(
    "PackageDetailRead",
    PackageDetail,
    __name__,
    lines=(many(PackageLineRead), ...),
    decisions=(many(DecisionRead), ...),
    checklist=(many(CheckItemRead), ...),
    steps=(many(PackageStepRead), ...),
    contracts=(many(ContractRead), ...),
    **EVIDENCE,
)


#: the trace of a package (``services/reads/trace.py``): each part the gate may trim carries
#: the ``withheld`` list of what it blanked there; the parts nest under their own names
TracePackageRead = read_model("TracePackageRead", rm.TracePackage, __name__, withheld=False)
FundedByRead = read_model(
    "FundedByRead",
    rm.FundedBy,
    __name__,
    withheld=False,
    listed=True,
    blanked=("allocation_id", "pledge_id", "amount", "currency", "line_amount"),
)
TraceLineRead = read_model(
    "TraceLineRead", rm.TraceLine, __name__, withheld=False, listed=True, blanked=("item", "quantity", "unit_price")
)
TraceContractLineRead = read_model(
    "TraceContractLineRead",
    rm.TraceContractLine,
    __name__,
    withheld=False,
    listed=True,
    blanked=("supplier", "kind", "signed_on", "item", "quantity", "unit_price"),
)
TraceLotRead = read_model("TraceLotRead", rm.TraceLot, __name__, withheld=False, unpublished=("quality",))
TraceAmendmentRead = read_model(
    "TraceAmendmentRead",
    rm.TraceAmendment,
    __name__,
    withheld=False,
    listed=True,
    blanked=("description", "old_quantity", "new_quantity", "old_unit_price", "new_unit_price"),
)
TraceApprovalRead = read_model("TraceApprovalRead", rm.TraceApproval, __name__, withheld=False)
TraceContractRefRead = read_model(
    "TraceContractRefRead", rm.TraceContractRef, __name__, withheld=False, listed=True, blanked=("unit_price",)
)
PaidByRead = read_model(
    "PaidByRead",
    rm.PaidBy,
    __name__,
    withheld=False,
    listed=True,
    blanked=("pledge_id", "amount", "pledge_amount", "pledge_currency"),
)
TracePaymentRead = read_model(
    "TracePaymentRead",
    rm.TracePayment,
    __name__,
    withheld=False,
    listed=True,
    blanked=("pledge_id", "position", "reference", "amount", "currency", "seller_amount"),
)
TraceSerialsRead = read_model("TraceSerialsRead", rm.TraceSerials, __name__, withheld=False)
DeliveredRead = read_model(
    "DeliveredRead",
    rm.Delivered,
    __name__,
    withheld=False,
    listed=True,
    blanked=("shipped_on", "received_on", "shipped", "received", "discrepancy", "value"),
)
OpenFindingsRead = read_model("OpenFindingsRead", rm.OpenFindings, __name__, withheld=False)
TraceRead = read_model("TraceRead", rm.Trace, __name__, withheld=False)

PackagePage = page_of("PackagePage", PackageRead, __name__)

"""End-use monitoring: serial rules, sites, checks, dispositions, the compliance report."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ...domain.enduse import CHECK_KINDS, DISPOSITIONS
from ...domain.serials import SerialRow
from ...services.reads import report_models as rm
from ..derive import page_of, read_model
from .common import Day, Disclose, Id, LineNo, Name, RequestModel, Text

SerialNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$", examples=["PAC3-00001"])]
#: at most a shipment's worth of serials in one request (the 20 MB body limit holds too)
Serials = Annotated[list[SerialNumber], Field(min_length=1, max_length=200_000)]


class SerialLineCreate(RequestModel):
    """A serial and the contract line it belongs to (needed when several lines carry serials)."""

    serial: SerialNumber
    line: LineNo | None = None


def rows(serials: list[str] | list[SerialLineCreate]) -> tuple[SerialRow, ...]:
    """The body's serials as rows numbered from 1 (a refusal names the row)."""
    out = []
    for i, given in enumerate(serials, start=1):
        if isinstance(given, SerialLineCreate):
            out.append(SerialRow(i, given.serial, given.line))
        else:
            out.append(SerialRow(i, str(given)))
    return tuple(out)


class SerialRuleCreate(RequestModel):
    category: Annotated[str, Field(max_length=40)] | None = None
    requirement: Id | None = None
    required: bool = True


class SiteCreate(RequestModel):
    party: Id = Field(description="the party whose site it is (the token's own)")
    code: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", description="your code, never coordinates")
    ]
    name: Name
    id: Id | None = None
    disclose: Disclose = None


SiteRead = read_model("SiteRead", rm.SiteRecord, __name__, withheld=False, blanked=("code", "name"))
SitePage = page_of("SitePage", SiteRead, __name__, doc="A page of sites.")


class CheckCreate(RequestModel):
    kind: Annotated[str, Field(json_schema_extra={"enum": list(CHECK_KINDS)})]
    checked_on: Day
    site: Annotated[str, Field(max_length=64, description="the site's code or id")]
    serials: Serials
    id: Id | None = None


class DispositionCreate(RequestModel):
    kind: Annotated[str, Field(json_schema_extra={"enum": list(DISPOSITIONS)})]
    disposed_on: Day
    serials: Serials
    evidence_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    authorisation: Text = ""
    note: Text = ""
    id: Id | None = None
    disclose: Disclose = None


#: the API publishes a serial's state and whereabouts, not the parties and lines it came by
SerialHistoryRead = read_model(
    "SerialHistoryRead",
    rm.SerialHistory,
    __name__,
    withheld=False,
    unpublished=("shipment_id", "contract_line_no", "package_line_no", "requirement_id", "recipient", "seller"),
    history=(list[dict[str, Any]], ...),
)
SerialProofRead = read_model("SerialProofRead", rm.SerialProof, __name__, withheld=False)

# the compliance report: a role reads the parts and breakdowns its role sees (the public, its series)
EndUseFiguresRead = read_model("EndUseFiguresRead", rm.EndUseFigures, __name__, withheld=False)
EndUseRulesRead = read_model("EndUseRulesRead", rm.EndUseRules, __name__, withheld=False)
OverdueSerialRead = read_model("OverdueSerialRead", rm.OverdueSerial, __name__, withheld=False)
PublicComplianceRead = read_model("PublicComplianceRead", rm.PublicCompliance, __name__, withheld=False)
_BREAKDOWNS = [
    read_model(f"EndUse{by}FiguresRead", getattr(rm, f"EndUse{by}Figures"), __name__, withheld=False)
    for by in ("Category", "Site", "Package", "Funder")
]
EndUseReportRead = read_model("EndUseReportRead", rm.EndUseReport, __name__, withheld=False)


class HandoverCreate(RequestModel):
    from_site: Annotated[
        str | None,
        Field(
            max_length=64,
            description="the giving site's code or id; null: the seller hands over its dispatch's serials in transit",
        ),
    ] = None
    to_site: Annotated[str, Field(max_length=64)]
    handed_on: Day
    serials: Serials
    id: Id | None = None


class HandoverConfirmationAction(RequestModel):
    confirmed_on: Day
    missing: list[SerialNumber] = Field(default_factory=list, max_length=200_000)
    damaged: list[SerialNumber] = Field(default_factory=list, max_length=200_000)
    extra: list[SerialNumber] = Field(default_factory=list, max_length=200_000)

"""Files in and out: spreadsheet imports, the Kiel comparison, the OCDS export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...services.interchange import interchange_models as im
from ..derive import read_model
from .common import RateUsedRead, RequestModel, UnconvertedRead  # noqa: F401 - published before the reports that hold them


class UploadCreate(RequestModel):
    """What an upload asked for, as its Idempotency-Key remembers it: each file by its SHA-256."""

    files: dict[str, str]
    options: dict[str, Any]


class FileProblemRead(BaseModel):
    sheet: str | None
    row: int | None = Field(description="as the spreadsheet numbers it")
    column: str | None = Field(description="under the file's own header")
    value: str | None
    reason: str


class RejectFileRead(BaseModel):
    filename: str
    media_type: str
    content_base64: str = Field(
        description="the rejected rows in the file's own format and layout, with a last "
        "column supplyline_errors: fix them and import this file"
    )


class RoundedRead(BaseModel):
    row: int
    field: str
    from_: str = Field(alias="from", description="the amount as the file wrote it")
    to: str


class PartyCreatedRead(BaseModel):
    id: str
    name: str
    kind: str
    country: str | None
    from_: str = Field(alias="from", description="the file's word for it")


class ImportedRead(BaseModel):
    source: str = Field(description="the file's name")
    sheet: str | None
    rows: int
    recorded: list[str] = Field(description="ids recorded now")
    unchanged: list[str] = Field(description="ids the ledger already held with the same values")
    rejected: list[FileProblemRead] = Field(description="with skip_invalid: what is wrong with the rows left out")
    reject_file: RejectFileRead | None
    events: int
    dry_run: bool = Field(False, description="with dry_run: what would be written; nothing was")
    skipped: dict[str, int] = Field(default_factory=dict, description="rows the mapping's skip_when left out, by why")
    rounded: list[RoundedRead] = Field(default_factory=list, description="amounts rounded by the mapping's rounding")
    parties_created: list[PartyCreatedRead] = Field(default_factory=list)
    refused_rows: int = 0


class FxImportedRead(BaseModel):
    source: str
    days: int
    recorded: list[str] = Field(description="business days recorded now")
    unchanged: int
    ignored_columns: list[str] = Field(description="currencies that are no longer ISO 4217 money")
    events: int
    first: str | None
    last: str | None


class KielImportedRead(BaseModel):
    source: str
    release: str
    donors: int
    months: int
    recorded: list[str] = Field(description="donors whose figures were recorded now")
    unchanged: list[str]
    events: int
    purl: dict[str, str | int | bool | None] = Field(
        default_factory=dict, description="the PURL series read from procurement_trends.csv beside the file"
    )


KielMonthRead = read_model("KielMonthRead", im.KielMonth, __name__, withheld=False)
KielDonorRead = read_model("KielDonorRead", im.KielDonor, __name__, withheld=False)
KielTotalRead = read_model("KielTotalRead", im.KielTotal, __name__, withheld=False)
KielPurlFiguresRead = read_model("KielPurlFiguresRead", im.KielPurlFigures, __name__, withheld=False)
KielPurlMonthRead = read_model("KielPurlMonthRead", im.KielPurlMonth, __name__, withheld=False)
KielPurlRead = read_model("KielPurlRead", im.KielPurl, __name__, withheld=False)
KielComparisonRead = read_model("KielComparisonRead", im.KielComparison, __name__, withheld=False)


class OcdsPublisherRead(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


class OcdsReleasePackageRead(BaseModel):
    """An OCDS 1.1.5 release package (the full schema: standard.open-contracting.org)."""

    model_config = ConfigDict(extra="allow")

    uri: str
    version: str
    publishedDate: str
    publisher: OcdsPublisherRead
    extensions: list[str] = []
    releases: list[dict[str, Any]]

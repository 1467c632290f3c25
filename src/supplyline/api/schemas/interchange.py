"""Files in and out: spreadsheet imports, the Kiel comparison, the OCDS export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .common import RateUsedRead, RequestModel, UnconvertedRead


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


class ImportedRead(BaseModel):
    source: str = Field(description="the file's name")
    sheet: str | None
    rows: int
    recorded: list[str] = Field(description="ids recorded now")
    unchanged: list[str] = Field(description="ids the ledger already held with the same values")
    rejected: list[FileProblemRead] = Field(description="with skip_invalid: what is wrong with the rows left out")
    reject_file: RejectFileRead | None
    events: int


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


class KielFiguresRead(BaseModel):
    pledged: str
    kiel_military: str


class KielMonthRead(KielFiguresRead):
    month: str


class KielDonorRead(KielFiguresRead):
    donor: str = Field(description="ISO 3166 alpha-3, or EU")
    name: str
    funders: list[str]
    difference: str
    months: list[KielMonthRead]


class KielTotalRead(KielFiguresRead):
    difference: str


class KielComparisonRead(BaseModel):
    release: str
    currency: str
    since: str
    until: str
    donors: list[KielDonorRead]
    total: KielTotalRead
    funders_without_country: list[str]
    undisclosed_pledges: int = Field(description="pledges left out because their amount is withheld from the caller")
    rates_used: list[RateUsedRead]
    unconverted: list[UnconvertedRead] = []


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

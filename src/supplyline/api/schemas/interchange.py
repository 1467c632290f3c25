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


class KielFiguresRead(BaseModel):
    pledged: str
    kiel_military: str


class KielMonthRead(KielFiguresRead):
    month: str


class KielDonorRead(KielFiguresRead):
    donor: str = Field(description="ISO 3166 alpha-3, or EU")
    name: str
    funders: list[str]
    months: list[KielMonthRead]


class KielTotalRead(KielFiguresRead):
    pass


class KielPurlFiguresRead(BaseModel):
    pledged_purl: str = Field(description="supplyline's PURL pledges, converted at each pledge's date")
    kiel_purl: str = Field(description="the tracker's NATO PURL series, converted at each month's end")
    difference: str = Field(description="pledged_purl - kiel_purl")


class KielPurlMonthRead(KielPurlFiguresRead):
    month: str


class KielPurlRead(BaseModel):
    series: str
    source: str
    months: list[KielPurlMonthRead]
    total: KielPurlFiguresRead
    undisclosed_pledges: int
    unconverted: list[UnconvertedRead] = []


class KielComparisonRead(BaseModel):
    release: str
    currency: str
    since: str
    until: str
    purl: KielPurlRead | None = Field(description="PURL pledges beside the tracker's PURL series (like for like)")
    context: str = Field(description="what the per-donor table is: context, not like for like")
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

"""Files in and out: spreadsheet imports, the Kiel comparison, the OCDS export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...services.interchange import interchange_models as im
from ..derive import many, read_model
from .common import RateUsedRead, RequestModel, UnconvertedRead  # noqa: F401 - published before the reports that hold them


class UploadCreate(RequestModel):
    """What an upload asked for, as its Idempotency-Key remembers it: each file by its SHA-256."""

    files: dict[str, str]
    options: dict[str, Any]


class RejectFileRead(BaseModel):
    filename: str
    media_type: str
    content_base64: str = Field(
        description="the rejected rows in the file's own format and layout, with a last "
        "column supplyline_errors: fix them and import this file"
    )


FileProblemRead = read_model("FileProblemRead", im.FileProblem, __name__, withheld=False)
RoundedRead = read_model("RoundedRead", im.Rounded, __name__, withheld=False)
PartyCreatedRead = read_model("PartyCreatedRead", im.PartyCreated, __name__, withheld=False)
#: the rejected rows are answered as the file itself, not where the service wrote it
ImportedRead = read_model(
    "ImportedRead",
    im.ImportedFile,
    __name__,
    withheld=False,
    reject_file=(RejectFileRead | None, ...),
    dry_run=(bool, False),
    rounded=(many(RoundedRead), Field(default_factory=list)),
    parties_created=(many(PartyCreatedRead), Field(default_factory=list)),
    refused_rows=(int, 0),
)
FxImportedRead = read_model("FxImportedRead", im.FxImported, __name__, withheld=False)
KielImportedRead = read_model("KielImportedRead", im.KielImported, __name__, withheld=False)
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

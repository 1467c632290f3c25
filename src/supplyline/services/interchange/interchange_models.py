"""What the interchange's reports answer, as typed records: the one declaration of each (the
API's response models derive from these, ``api/derive.py``). Amounts are text, as elsewhere.
"""

from __future__ import annotations

from typing import Annotated, NotRequired

from typing_extensions import Doc, TypedDict

from ..reads.report_models import RateUsed, Unconverted

# ---- the Kiel tracker beside supplyline's pledges ----


class KielFigures(TypedDict):
    pledged: str
    kiel_military: str


class KielMonth(KielFigures):
    month: str


class KielDonor(KielFigures):
    donor: Annotated[str, Doc("ISO 3166 alpha-3, or EU")]
    name: str
    funders: list[str]
    months: list[KielMonth]


class KielTotal(KielFigures):
    pass


class KielPurlFigures(TypedDict):
    pledged_purl: Annotated[str, Doc("supplyline's PURL pledges, converted at each pledge's date")]
    kiel_purl: Annotated[str, Doc("the tracker's NATO PURL series, converted at each month's end")]
    difference: Annotated[str, Doc("pledged_purl - kiel_purl")]


class KielPurlMonth(KielPurlFigures):
    month: str


class KielPurl(TypedDict):
    series: str
    source: str
    months: list[KielPurlMonth]
    total: KielPurlFigures
    undisclosed_pledges: int
    unconverted: NotRequired[list[Unconverted]]


class KielComparison(TypedDict):
    release: str
    currency: str
    since: str
    until: str
    purl: Annotated[KielPurl | None, Doc("PURL pledges beside the tracker's PURL series (like for like)")]
    context: Annotated[str, Doc("what the per-donor table is: context, not like for like")]
    donors: list[KielDonor]
    total: KielTotal
    funders_without_country: list[str]
    undisclosed_pledges: Annotated[int, Doc("pledges left out because their amount is withheld from the caller")]
    rates_used: list[RateUsed]
    unconverted: NotRequired[list[Unconverted]]


# ---- what an import recorded ----


class FileProblem(TypedDict):
    sheet: str | None
    row: Annotated[int | None, Doc("as the spreadsheet numbers it")]
    column: Annotated[str | None, Doc("under the file's own header")]
    value: str | None
    reason: str


#: an amount the mapping's rounding rounded: the row, the field, ``from`` what the file wrote ``to`` what is recorded
Rounded = TypedDict(
    "Rounded", {"row": int, "field": str, "from": Annotated[str, Doc("the amount as the file wrote it")], "to": str}
)
#: a party an import created, ``from`` the file's word for it
PartyCreated = TypedDict(
    "PartyCreated",
    {
        "id": str,
        "name": str,
        "kind": str,
        "country": str | None,
        "from": Annotated[str, Doc("the file's word for it")],
    },
)


class ImportedFile(TypedDict):
    source: Annotated[str, Doc("the file's name")]
    sheet: str | None
    rows: int
    recorded: Annotated[list[str], Doc("ids recorded now")]
    unchanged: Annotated[list[str], Doc("ids the ledger already held with the same values")]
    rejected: Annotated[list[FileProblem], Doc("with skip_invalid: what is wrong with the rows left out")]
    reject_file: str | None  # where the rejected rows were written (the API answers the file itself)
    events: int
    dry_run: NotRequired[Annotated[bool, Doc("with dry_run: what would be written; nothing was")]]
    skipped: NotRequired[Annotated[dict[str, int], Doc("rows the mapping's skip_when left out, by why")]]
    rounded: NotRequired[Annotated[list[Rounded], Doc("amounts rounded by the mapping's rounding")]]
    parties_created: NotRequired[list[PartyCreated]]
    refused_rows: NotRequired[int]


class FxImported(TypedDict):
    source: str
    days: int
    recorded: Annotated[list[str], Doc("business days recorded now")]
    unchanged: int
    ignored_columns: Annotated[list[str], Doc("currencies that are no longer ISO 4217 money")]
    events: int
    first: str | None
    last: str | None


class KielImported(TypedDict):
    source: str
    release: str
    donors: int
    months: int
    recorded: Annotated[list[str], Doc("donors whose figures were recorded now")]
    unchanged: list[str]
    events: int
    purl: NotRequired[
        Annotated[
            dict[str, str | int | bool | None], Doc("the PURL series read from procurement_trends.csv beside the file")
        ]
    ]

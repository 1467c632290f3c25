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

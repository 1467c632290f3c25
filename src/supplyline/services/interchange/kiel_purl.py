"""supplyline's PURL pledges beside the Kiel tracker's NATO PURL series, month by month.

The tracker publishes, with each release, the money that went to Ukraine through PURL
(``procurement_trends.csv``, column ``nato_purl``, billions of EUR per month). Both sides count
the same thing (money pledged to the mechanism), so their difference means something: a gap
is a pledge one of them has and the other has not (yet). The per-donor table of all mechanisms
beside all military allocations is context, not like for like, and carries no difference.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ...domain.kiel import kiel_stream_id
from ...domain.money import Money
from ...domain.values import month_of
from ...engines.interchange.kiel import PURL_SERIES
from ...ledger.canonical import parse
from ...store import schema as t
from ..access.withholding import Index, Reader
from ..reads.report_models import Unconverted
from ..reads.reports import Converter
from .interchange_models import KielPurl, KielPurlFigures, KielPurlMonth

#: What the per-donor table is, said wherever it is shown.
CONTEXT = (
    "context, not like for like: supplyline's pledges under every mechanism beside the tracker's "
    "military allocations of the same donors (bilateral aid, stocks and other channels included)"
)


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:])
    return date(year, number, calendar.monthrange(year, number)[1])


def purl_series(conn: Connection, release: str) -> dict | None:
    """The release's recorded PURL series (the event's data), or None when it has none."""
    stream = f"kiel:{kiel_stream_id(release, PURL_SERIES.upper())}"
    e = t.events
    payload = conn.execute(
        select(e.c.payload).where(e.c.stream_id == stream, e.c.type == "KielSeriesRecorded")
    ).scalar_one_or_none()
    return None if payload is None else parse(payload)


def purl_comparison(
    conn: Connection, release: str, to: Converter, since: str, until: str, reader: Reader, index: Index | None
) -> KielPurl | None:
    """Per month of the window: PURL pledges (at each pledge's date) and the tracker's PURL
    series (at the month's end), and their difference; None when the release has no series."""
    series = purl_series(conn, release)
    if series is None:
        return None
    zero = Money.zero(to.target)
    months: dict[str, dict[str, Money]] = defaultdict(lambda: {"pledged_purl": zero, "kiel_purl": zero})
    p = t.pledges
    undisclosed = 0
    unconverted: list[Unconverted] = []

    def add(month: str, key: str, money: Money, on: date, **about: str) -> None:
        converted = to(money, on)
        if converted is None:  # no rate for that day: named in the answer, not counted
            unconverted.append(to.unconverted(key, money, on, **about))
        else:
            months[month][key] += converted

    for row in conn.execute(
        select(p.c.id, p.c.amount_minor, p.c.amount_currency, p.c.pledged_on).where(p.c.mechanism == "purl")
    ):
        if index and index.any_hidden("pledges", [(row.id,)], reader, ("amount", "pledged_on", "mechanism")):
            undisclosed += 1
            continue
        month = month_of(row.pledged_on)
        if since <= month <= until:
            add(
                month,
                "pledged_purl",
                Money.from_minor(row.amount_minor, row.amount_currency),
                row.pledged_on,
                pledge=row.id,
            )
    for month, figure in series["months"].items():
        if since <= month <= until:
            add(month, "kiel_purl", Money.parse(figure["amount"], series["currency"]), month_end(month))
    rows: list[KielPurlMonth] = []
    total = {"pledged_purl": zero, "kiel_purl": zero}
    for month, figures in sorted(months.items()):
        if figures["pledged_purl"].is_zero and figures["kiel_purl"].is_zero:
            continue
        for key in total:
            total[key] += figures[key]
        rows.append({"month": month, **_shown(figures)})
    return {
        "series": PURL_SERIES,
        "source": f"Kiel Institute Ukraine Support Tracker, release {release}, procurement_trends.csv "
        f"({series['unit']}, rounded {series['rounding'].replace('_', '-')} to the cent)",
        "months": rows,
        "total": _shown(total),
        "undisclosed_pledges": undisclosed,
        "unconverted": unconverted,
    }


def _shown(figures: dict[str, Money]) -> KielPurlFigures:
    return {
        "pledged_purl": str(figures["pledged_purl"].amount),
        "kiel_purl": str(figures["kiel_purl"].amount),
        "difference": str((figures["pledged_purl"] - figures["kiel_purl"]).amount),
    }

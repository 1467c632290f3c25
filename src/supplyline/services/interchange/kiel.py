"""The Kiel Institute's Ukraine Support Tracker: importing a release, comparing with it.

Analysts already read the tracker; putting supplyline's pledges next to its military
allocations, per donor and month, shows where the two agree and where one of them misses
something. The tracker's figures are recorded as events (``domain.kiel``), so the
comparison is as verifiable as the rest of the ledger.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pycountry
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ...domain import kiel as domain
from ...domain.errors import InvalidInput, NotFound
from ...domain.kiel import KielDonorRelease, kiel_stream_id
from ...domain.money import Money
from ...domain.values import month_of, parse_month
from ...engines.interchange.kiel import PURL_SERIES, ReleaseInfo, read_data_explorer, read_release_info, read_series
from ...store import schema as t
from ...store.eventstore import Store
from ..access.withholding import OPERATOR, Index, Reader
from ..context import Actor
from ..reads.report_models import Unconverted
from ..reads.reports import Converter, funnel
from .interchange_models import KielComparison, KielDonor, KielImported, KielMonth, KielTotal
from .kiel_purl import CONTEXT, month_end, purl_comparison


@dataclass
class KielImportResult:
    source: str
    release: str
    donors: int
    months: int
    recorded: list[str] = field(default_factory=list)  # donors whose figures were recorded now
    unchanged: list[str] = field(default_factory=list)
    events: int = 0
    #: procurement_trends.csv beside the file: its PURL series (months, recorded now or not), or why not read
    purl: dict = field(default_factory=dict)

    def to_json(self) -> KielImported:
        return cast(KielImported, dict(self.__dict__))


def import_kiel(store: Store, actor: Actor, path: Path | str, *, release: str | None = None) -> KielImportResult:
    """Record a release's monthly donor figures. The release is named by ``release_info.csv``
    beside the file, or by ``release`` (they must agree when both are there). The tracker's
    PURL series is read from ``procurement_trends.csv`` beside the file when it is there."""
    path = Path(path)
    info_path = path.with_name("release_info.csv")
    info = read_release_info(info_path) if info_path.exists() else None
    if info is None and not release:
        raise InvalidInput("release", None, f"no release_info.csv beside {path.name}: name the release (--release 29)")
    if info is not None and release and release != info.release:
        raise InvalidInput("release", release, f"release_info.csv beside the file says release {info.release}")
    info = info or ReleaseInfo(str(release))
    data = read_data_explorer(path, info)
    trends = path.with_name("procurement_trends.csv")
    series = read_series(trends) if trends.exists() else None
    result = KielImportResult(data.source, info.release, len(data.donors), sum(len(d.months) for d in data.donors))
    meta = {**actor.meta(), "import": {"file": data.source, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}}
    with store.write(actor.party, meta) as uow:
        uow.preload(KielDonorRelease, [kiel_stream_id(info.release, d.donor) for d in data.donors])
        for donor in data.donors:
            entity = uow.get(KielDonorRelease, kiel_stream_id(info.release, donor.donor))
            events = domain.record_figures(
                entity,
                release=info.release,
                donor=donor.donor,
                name=donor.name,
                months=donor.months,
                period=info.period,
                published=info.published.isoformat() if info.published else None,
            )
            stored = uow.record(entity, events)
            (result.recorded if stored else result.unchanged).append(donor.donor)
            result.events += len(stored)
        if series is None:
            result.purl = {"source": None, "note": f"no {trends.name} beside {path.name}: no PURL series"}
        else:
            entity = uow.get(KielDonorRelease, kiel_stream_id(info.release, PURL_SERIES.upper()))
            events = domain.record_series(
                entity,
                release=info.release,
                series=PURL_SERIES,
                name="NATO PURL (Kiel procurement trends)",
                months=series.months,
            )
            stored = uow.record(entity, events)
            result.events += len(stored)
            result.purl = {"source": series.source, "months": len(series.months), "recorded": bool(stored)}
    return result


def releases(conn: Connection) -> list[str]:
    k = t.kiel_allocations
    found = conn.execute(select(k.c.release).distinct()).scalars().all()
    return sorted(found, key=lambda r: (len(r), r))


def donor_of_country(country: str | None) -> str | None:
    """The tracker's donor code (ISO 3166 alpha-3) of a party's country (alpha-2)."""
    if not country:
        return None
    found = pycountry.countries.get(alpha_2=country)
    return found.alpha_3 if found else None


def comparison(
    conn: Connection,
    *,
    currency: str = "EUR",
    release: str | None = None,
    since: str | None = None,
    until: str | None = None,
    reader: Reader = OPERATOR,
    index: Index | None = None,
) -> KielComparison:
    """supplyline's PURL pledges beside the tracker's PURL series (``purl``, see ``kiel_purl``), and
    as context, per donor and month, all pledges beside the tracker's military allocations.

    Donors are the countries of the parties that pledged. The window runs from the month of
    the first pledge (or ``since``) to the tracker's last month (or ``until``). Pledges are
    converted at the rate of their date, the tracker's euros at the rate of the month's end.
    A pledge whose amount is withheld from ``reader`` is left out (and counted)."""
    known = releases(conn)
    if not known:
        raise NotFound("Kiel tracker release", release or "any", field="release")
    release = release or known[-1]
    if release not in known:
        raise NotFound("Kiel tracker release", release, field="release")
    to = Converter(conn, currency)
    k, p, parties = t.kiel_allocations, t.pledges, t.parties
    kiel_last = conn.execute(select(func.max(k.c.month)).where(k.c.release == release)).scalar_one()
    pledges = conn.execute(
        select(p.c.id, p.c.funder, parties.c.country, p.c.amount_minor, p.c.amount_currency, p.c.pledged_on)
        .select_from(p.join(parties, parties.c.id == p.c.funder))
        .order_by(p.c.pledged_on)
    ).all()
    first = (
        month_of(pledges[0].pledged_on)
        if pledges
        else conn.execute(select(func.min(k.c.month)).where(k.c.release == release)).scalar_one()
    )
    since = parse_month("since", since) if since else first
    until = parse_month("until", until) if until else kiel_last
    if until < since:
        raise InvalidInput("until", until, f"is before the window opens ({since})")
    index = index if index is not None else Index(conn)
    grid = _Grid(to, since, until)
    for row in pledges:
        grid.add_pledge(row, index, reader)
    grid.add_kiel(conn, release)
    donors, grand = grid.donors()
    return {
        "release": release,
        "currency": to.target,
        "since": since,
        "until": until,
        "purl": purl_comparison(conn, release, to, since, until, reader, index),
        "context": CONTEXT,
        "donors": donors,
        "total": KielTotal(pledged=str(grand["pledged"].amount), kiel_military=str(grand["kiel_military"].amount)),
        "funders_without_country": sorted(grid.unmatched),
        "undisclosed_pledges": grid.undisclosed,
        "rates_used": to.rates(),
        "unconverted": grid.unconverted,
    }


class _Grid:
    """Per donor and month within the window: what was pledged and the tracker's military
    allocations, in the target currency; and what could not be placed or converted."""

    def __init__(self, to: Converter, since: str, until: str) -> None:
        self.to, self.since, self.until = to, since, until
        self.zero = zero = Money.zero(to.target)
        self.cells: dict[str, dict[str, dict[str, Money]]] = defaultdict(
            lambda: defaultdict(lambda: {"pledged": zero, "kiel_military": zero})
        )
        self.funders: dict[str, set[str]] = defaultdict(set)
        self.unmatched: set[str] = set()
        self.undisclosed = 0
        self.unconverted: list[Unconverted] = []
        self.names: dict[str, str] = {}

    def add_pledge(self, row: Any, index: Index, reader: Reader) -> None:
        if index and index.any_hidden("pledges", [(row.id,)], reader, ("amount", "funder", "pledged_on")):
            self.undisclosed += 1
            return
        donor = donor_of_country(row.country)
        if donor is None:
            self.unmatched.add(row.funder)
            return
        self.funders[donor].add(row.funder)
        month = month_of(row.pledged_on)
        if self.since <= month <= self.until:
            pledged = Money.from_minor(row.amount_minor, row.amount_currency)
            converted = self.to(pledged, row.pledged_on)
            if converted is None:
                self.unconverted.append(self.to.unconverted("pledged", pledged, row.pledged_on, funder=row.funder))
            else:
                self.cells[donor][month]["pledged"] += converted

    def add_kiel(self, conn: Connection, release: str) -> None:
        """The tracker's military allocations of the donors that pledged, within the window."""
        k = t.kiel_allocations
        for kiel_row in conn.execute(
            select(k.c.donor, k.c.donor_name, k.c.month, k.c.military_minor, k.c.currency).where(
                k.c.release == release,
                k.c.donor.in_(list(self.funders)),
                k.c.month >= self.since,
                k.c.month <= self.until,
            )
        ):
            self.names[kiel_row.donor] = kiel_row.donor_name
            military = Money.from_minor(kiel_row.military_minor, kiel_row.currency)
            converted = self.to(military, month_end(kiel_row.month))
            if converted is None:
                self.unconverted.append(
                    self.to.unconverted("kiel_military", military, month_end(kiel_row.month), donor=kiel_row.donor)
                )
            else:
                self.cells[kiel_row.donor][kiel_row.month]["kiel_military"] += converted

    def donors(self) -> tuple[list[KielDonor], dict[str, Money]]:
        """One row per donor with its months, and the grand totals."""
        zero, cells = self.zero, self.cells
        donors: list[KielDonor] = []
        grand = {"pledged": zero, "kiel_military": zero}
        for donor in sorted(self.funders):
            months = [
                KielMonth(
                    month=m, pledged=str(figures["pledged"].amount), kiel_military=str(figures["kiel_military"].amount)
                )
                for m, figures in sorted(cells[donor].items())
                if not (figures["pledged"].is_zero and figures["kiel_military"].is_zero)
            ]
            totals = {
                key: sum((cells[donor][m][key] for m in cells[donor]), zero) for key in ("pledged", "kiel_military")
            }
            for key in grand:
                grand[key] += totals[key]
            country = pycountry.countries.get(alpha_3=donor)
            donors.append(
                {
                    "donor": donor,
                    "name": self.names.get(donor) or (country.name if country else donor),
                    "funders": sorted(self.funders[donor]),
                    "pledged": str(totals["pledged"].amount),
                    "kiel_military": str(totals["kiel_military"].amount),
                    "months": months,
                }
            )
        return donors, grand


def funnel_compared(
    conn: Connection,
    currency: str = "EUR",
    *,
    compare: bool = False,
    release: str | None = None,
    reader: Reader = OPERATOR,
) -> dict:
    """The funnel per funder as ``reader`` may see it; with ``compare``, the Kiel comparison
    beside it under ``kiel``."""
    data: dict[str, Any] = dict(funnel(conn, currency, reader))
    if compare:
        data["kiel"] = comparison(conn, currency=currency, release=release, reader=reader)
    return data

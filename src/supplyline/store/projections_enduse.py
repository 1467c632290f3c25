"""Projections of end-use monitoring's small records: rules, sites, checks, dispositions.

The serial index (``end_use_items``, the manifests) is not among them: it is written by the
end-use services with bulk statements (store/serials.py), since folding millions of serials
into entities would make every check cost as much as the whole programme.
"""

from __future__ import annotations

from sqlalchemy import Table

from ..domain.custody import Handover
from ..domain.enduse import Disposition, EndUseCheck, EndUseRules, Site
from . import schema as t
from .table_rows import same_named


def rules_rows(r: EndUseRules) -> dict[Table, list[dict]]:
    return {
        t.serial_rules: [{"scope": "category", "key": c} for c in sorted(r.categories)]
        + [{"scope": "requirement", "key": k} for k in sorted(r.requirements)],
        t.inventory_rules: [
            {"id": r.id, "initial_days": r.initial_days, "interval_days": r.interval_days, "version": r.version}
        ],
    }


def site_rows(s: Site) -> dict[Table, list[dict]]:
    return {t.sites: [same_named(s, "id", "party", "code", "name", "version")]}


def check_rows(c: EndUseCheck) -> dict[Table, list[dict]]:
    columns = ("id", "kind", "checked_on", "inspector", "site_id", "sighted", "manifest_root", "version")
    return {t.end_use_checks: [same_named(c, *columns)]}


def disposition_rows(d: Disposition) -> dict[Table, list[dict]]:
    columns = ("id", "kind", "disposed_on", "count", "manifest_root", "authorisation", "evidence_sha256", "note")
    return {t.dispositions: [same_named(d, *columns, "version")]}


def handover_rows(h: Handover) -> dict[Table, list[dict]]:
    fields = ("from_party", "to_party", "from_site_id", "to_site_id", "handed_on", "count", "manifest_root")
    more = ("confirmed_on", "missing", "damaged", "extra", "version")
    return {t.handovers: [same_named(h, "id", "state", *fields, *more)]}


#: entity kind and its rows, for ``projections.PROJECTIONS``
ROWS = (
    (EndUseRules, rules_rows),
    (Site, site_rows),
    (EndUseCheck, check_rows),
    (Disposition, disposition_rows),
    (Handover, handover_rows),
)
TABLES: tuple[Table, ...] = (t.serial_rules, t.inventory_rules, t.sites, t.end_use_checks, t.dispositions, t.handovers)

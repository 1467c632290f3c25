"""The tables kept in modules of their own (end-use monitoring, co-production planning,
evidence, notifications, who agrees to what, contract changes): ``store/schema.py`` names
them, and each module is loaded at the first use of one of its tables, so that a command
that needs none of them (a pledge list) does not build them. Anything that walks
``metadata``'s tables asks ``every_table()`` for it.
"""

from __future__ import annotations

import sys
from importlib import import_module

from sqlalchemy import MetaData, Table

#: module (in store/) -> the tables it defines
KEPT_APART: dict[str, tuple[str, ...]] = {
    "schema_enduse": (
        "dispositions",
        "end_use_checks",
        "end_use_cohorts",
        "end_use_items",
        "inventory_rules",
        "manifest_serials",
        "serial_manifests",
        "serial_rules",
        "sites",
        "handovers",
    ),
    "schema_planning": (
        "facility_item_terms",
        "production_plans",
        "production_plan_parts",
        "production_plan_shortfalls",
    ),
    "schema_evidence": (
        "documents",
        "findings",
    ),
    "schema_notify": (
        "subscriptions",
        "notify_outbox",
    ),
    "schema_agreement": (
        "approval_steps",
        "package_steps",
        "list_versions",
        "list_version_lines",
        "list_version_approvals",
    ),
    "schema_amendments": ("contract_amendments",),
}
_MODULE_OF = {name: module for module, names in KEPT_APART.items() for name in names}


def table_kept_apart(name: str) -> Table:
    """``schema.<name>`` for a table kept apart (the schema module's ``__getattr__``)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'supplyline.store.schema' has no attribute {name!r}")
    table: Table = getattr(import_module(f"{__package__}.{module}"), name)
    setattr(sys.modules[f"{__package__}.schema"], name, table)
    return table


def every_table() -> MetaData:
    """The schema's ``metadata`` with every table on it."""
    for module in KEPT_APART:
        import_module(f"{__package__}.{module}")
    return import_module(f"{__package__}.schema").metadata

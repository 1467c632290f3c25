"""Indexes for the API's lists (issue 20 item 1): each list's sort key, so that a page is read
in key order after its cursor (``services/reads/paging.py``), and the party columns the read
policy's query filters on (``services/access/visible.py``)."""

from __future__ import annotations

from sqlalchemy import Index

from .schema import metadata

#: name -> (table, columns), as migration 0025 creates them
LIST_INDEXES = {
    "ix_pledges_pledged_on_id": ("pledges", ("pledged_on", "id")),
    "ix_pledges_funder": ("pledges", ("funder",)),
    "ix_requirements_priority_rank_id": ("requirements", ("priority", "rank", "id")),
    "ix_requirements_recipient": ("requirements", ("recipient",)),
    "ix_shipments_shipped_on_id": ("shipments", ("shipped_on", "id")),
    "ix_packages_seller": ("packages", ("seller",)),
    "ix_packages_recipient": ("packages", ("recipient",)),
    "ix_contracts_buyer": ("contracts", ("buyer",)),
    "ix_contracts_supplier": ("contracts", ("supplier",)),
    "ix_facility_owners_party": ("facility_owners", ("party",)),
}

for _name, (_table, _columns) in LIST_INDEXES.items():
    Index(_name, *(metadata.tables[_table].c[column] for column in _columns))

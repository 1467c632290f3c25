"""OCDS ``contracts[].amendments`` (issue 15 item 4): each change to a contract in force.

An amendment names its rationale (one of supplyline's list, after Prozorro's
``rationaleTypes``), its description unless withheld, the day it took effect and, as OCDS
1.1.5 has them, the release it amends (``amendsReleaseID``: the process's release as of the
last event before it was proposed) and the release that carries it (``releaseID``: as of the
event that put it in force). Proposed and refused changes are not amendments of the contract
and are not published.
"""

from __future__ import annotations

from typing import Any

from .ocds_parts import _datetime, _Index, _Release

RATIONALE_TEXT = {
    "volume_cuts": "Volume cut",
    "item_price_variation": "Variation of the item price",
    "quality_improvement": "Quality improvement",
    "third_party": "Circumstances of a third party",
    "duration_extension": "Extension of the duration",
    "price_reduction": "Price reduction",
    "tax_rate": "Change of a tax rate",
    "fiscal_year_extension": "Extension into the next fiscal year",
}


def add_amendments(contract: dict[str, Any], by: _Index, rel: _Release, releases: dict[str, dict]) -> None:
    """The OCDS ``contract``'s amendments in force, if any (``contract_amendments``)."""
    found = amendments(contract["id"], by, rel, releases)
    if found:
        contract["amendments"] = found


def amendments(contract_id: str, by: _Index, rel: _Release, releases: dict[str, dict]) -> list[dict[str, Any]]:
    """The contract's amendments in force, in the order proposed; ``releases``: per amendment
    id, the ids of the release it amends and the one that carries it, and when it took effect."""
    out = []
    rows = sorted(by.where("contract_amendments", contract_id=contract_id), key=lambda r: r["position"])
    for row in rows:
        if row.get("state") != "in_force":
            continue
        rel.seen("contract_amendments", row)
        ids = releases.get(row["amendment_id"], {})
        amendment: dict[str, Any] = {"id": row["amendment_id"]}
        if ids.get("date") or row.get("effective_on"):
            amendment["date"] = ids.get("date") or _datetime(row["effective_on"])
        amendment["rationale"] = f"{row['rationale']}: {RATIONALE_TEXT.get(row['rationale'], row['rationale'])}"
        if row.get("description"):
            amendment["description"] = row["description"]
        for key in ("amendsReleaseID", "releaseID"):
            if ids.get(key):
                amendment[key] = ids[key]
        out.append(amendment)
    return out

"""The changes to a package's contracts, as the package page shows them (issue 15 item 4)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ..services.access import views
from ..services.reads import queries
from ..services.reads.governance_models import VarianceLine
from ..services.reads.variance import variance_report


def package_amendments(who, conn: Connection, detail: dict) -> list[dict]:
    """Every change to the package's contracts the viewer sees, trimmed as the contract is."""
    out: list[dict] = []
    for contract in detail.get("contracts", ()):
        record = {"id": contract["id"], "amendments": queries.contract_amendments(conn, contract["id"])}
        out += views.present(who, "contract", record)["amendments"]
    return out


def package_variance(who, conn: Connection, package_id: str) -> tuple[list[VarianceLine], int]:
    """`report variance` for the package's contract lines the viewer sees, and how many were
    left out as withheld from it."""
    if not who.may("report.variance"):
        return [], 0
    _, reader = who.withholding
    return variance_report(
        conn, package_id=package_id, reader=reader, readable=lambda cid: bool(who.readable("contract", [cid]))
    )

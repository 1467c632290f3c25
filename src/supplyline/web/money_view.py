"""The money stages as a page's viewer may see them (issue 15 item 5): the money page, and
the stages shown on the overview and package pages."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ..services.money_flow.money_report import PACKAGE_STAGES, PLEDGE_STAGES, money_report
from ..services.reads.report_models import MoneyReport
from . import session

__all__ = ["PACKAGE_STAGES", "PLEDGE_STAGES", "money_view"]


def money_view(
    who: session.PageViewer, conn: Connection, *, currency: str | None = None, package: str | None = None
) -> MoneyReport | None:
    """`report money` as ``who`` may see it (a funder its own pledges), or None when it may not:
    the money page, and the stages on the overview and package pages."""
    if not who.may("report.money"):
        return None
    index, reader = who.withholding
    principal = who.principal
    funder = principal.party if principal.role == "funder" else None  # a funder sees its own
    return money_report(conn, currency=currency, funder=funder, package=package, reader=reader, index=index)

"""The end-use monitoring page: what each viewer may see of the compliance figures
(services/end_use/enduse_views.py decides), and the recipient's inventories due in 30 days."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from ..domain.values import today_utc
from ..services.end_use.enduse_report import Filters, deadlines, due_soon
from ..services.end_use.enduse_views import _parties_packages, end_use_report
from ..store import schema as t
from . import session
from .i18n import N_
from .pages import _page, _store, router
from .tables import Column, ReportSheet, file_answer, links

PUBLIC_COLUMNS = [
    Column("month", N_("Month")),
    Column("category", N_("Category")),
    Column("compliant_pct", N_("Items not delinquent (%)"), "rate"),
]
#: roles that see site codes (docs/end-use.md): those that hold, answer for or inspect the items
SITE_ROLES = ("recipient", "seller", "auditor")


@router.get("/end-use", response_class=HTMLResponse)
def end_use(
    request: Request, lang: str | None = Query(None, max_length=2), package: str | None = Query(None, max_length=64)
):
    today = today_utc()
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        principal = who.principal
        report = end_use_report(conn, principal, today, Filters(package_id=package))
        rules = deadlines(conn)
        todo, sites = None, {}
        if principal.role in SITE_ROLES and principal.party is not None:
            if principal.role == "recipient":
                todo = due_soon(
                    conn, today, Filters(package_id=package, packages=_parties_packages(conn, principal.party))
                )
            s = t.sites
            query = select(s.c.id, s.c.code)
            if principal.role == "recipient":  # its own sites; sellers and auditors see every site's code
                query = query.where(s.c.party == principal.party)
            sites = {row.id: row.code for row in conn.execute(query)}
    public = report.get("public")
    sheet = ReportSheet("end-use-by-month", PUBLIC_COLUMNS, [dict(r) for r in public or []])  # also as a file
    if public is not None and (as_file := file_answer(request, [sheet], "end-use")) is not None:
        return as_file
    return _page(
        request,
        "end_use.html",
        who,
        title=N_("End-use monitoring"),
        rules=rules,
        public=public,
        public_files=links(request, sheet),
        report=report,
        todo=todo,
        sites=sites,
    )

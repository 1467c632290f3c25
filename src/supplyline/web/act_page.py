"""What the signed-in party can do from the dashboard (issue 21 item 5): one page listing the
forms open to it now, each beside the record it acts on; the forms' redirects come back here
when the record has no page of its own."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..domain import access
from ..services.reads import queries
from . import acting, session
from .acting import About
from .form_kit import N_
from .forms import package_actions
from .pages import _page, router
from .record_forms import RECEIVE


@router.get("/act", response_class=HTMLResponse)
def act_page(request: Request, done: str | None = Query(None, max_length=80)):
    with request.app.state.store.read() as conn:
        who = session.viewer(request, conn)
        principal = who.principal
        party = principal.party or ""
        packages = [
            (row, actions)
            for row in who.keep("package", [dict(p) for p in queries.list_packages(conn)])
            if row["state"] in ("draft", "proposed")
            and (actions := package_actions(who, conn, dict(queries.package(conn, row["id"]))))
        ]
        pledges = [
            row
            for row in who.keep("pledge", [dict(p) for p in queries.list_pledges(conn, state="announced")])
            if acting.may(conn, principal, "pledge.commit", About("pledge", row["id"]))
        ]
        arriving = [
            row
            for row in who.keep("shipment", [dict(s) for s in queries.list_shipments(conn, state="shipped")])
            if acting.may(conn, principal, RECEIVE.action, RECEIVE.about(row["id"], principal))
        ]
        may_announce = acting.may(conn, principal, "pledge.announce", About("pledge", owners=[party]))
    return _page(
        request,
        "forms/act.html",
        who,
        title=N_("Act"),
        done=done,
        packages=packages,
        pledges=pledges,
        arriving=arriving,
        may_announce=may_announce,
        may_allocate=access.scope_of(principal.role, "allocation.record") is not None,
    )

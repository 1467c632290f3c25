"""Who agrees to what, on the dashboard (issue 17): a version of the prioritised list with its
approvals and its difference from another version (items 1, linked from the requirements
page), and the signed-in party's webhook subscriptions (item 5)."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.errors import NotFound
from ..services.notify import subscriptions
from ..services.reads import lists
from . import session
from .evidence_page import _not_shown as not_shown
from .i18n import N_
from .pages import router
from .rendering import page as _page
from .rendering import store as _store

#: a subscription's states, as the page shows them
STATES = (N_("active"), N_("paused"), N_("removed"))


@router.get("/lists/{version_id}", response_class=HTMLResponse)
def list_version_page(request: Request, version_id: str, compare: str | None = Query(None, max_length=60)) -> Response:
    """A list version: its lines in order, who approved it when, and what changed from another
    version of the same recipient's list (the one before it unless ``compare`` names one)."""
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if not who.can_read("list_version", version_id):
            return not_shown(request, who, "list version", version_id)
        version = lists.list_version(conn, version_id)
        others = who.keep("list_version", [dict(v) for v in lists.list_versions(conn, recipient=version["recipient"])])
        others = [v for v in others if v["id"] != version_id]
        older = [v for v in others if v["month"] < version["month"]]
        # the one before it by default, else the first after it
        chosen = compare or (older[-1]["id"] if older else (others[0]["id"] if others else None))
        if chosen and chosen not in {v["id"] for v in others}:
            return not_shown(request, who, "list version", chosen)
        change = None
        if chosen:
            first, second = sorted([chosen, version_id], key=lambda i: lists.list_version(conn, i)["month"])
            change = lists.list_diff(conn, first, second)
        in_force = lists.in_force(conn).get(version["recipient"]) == version_id
    return _page(
        request,
        "list_version.html",
        who,
        title=N_("List version"),
        version=version,
        others=others,
        chosen=chosen,
        change=change,
        in_force=in_force,
    )


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request) -> Response:
    """The signed-in party's subscriptions (never their secrets), as ``subscription list``."""
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if not who.may("subscription.read") or who.principal.party is None:
            return _page(request, "subscriptions.html", who, status_code=403, title=N_("Subscriptions"), rows=None)
        rows = subscriptions.list_subscriptions(conn, who.principal.party)
    return _page(request, "subscriptions.html", who, title=N_("Subscriptions"), rows=rows)


__all__ = ["NotFound", "list_version_page", "subscriptions_page"]

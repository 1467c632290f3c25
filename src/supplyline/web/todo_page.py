"""The needs-action page (issue 17, item 4): what waits on the signed-in party, oldest
first, the items kept as ``GET /api/v1/todo`` keeps them."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from ..services.reads import todo
from .i18n import N_
from .late_page import dated_page
from .pages import router

#: the page each kind of record links to
LINKS = {"package": "/packages/{}"}


@router.get("/todo", response_class=HTMLResponse)
def todo_page(
    request: Request,
    lang: str | None = Query(None, max_length=2),
    as_of: str | None = Query(None, max_length=10),
):
    return dated_page(request, N_("To do"), as_of, "todo.read", todo.needs_action, "todo.html", "queue", links=LINKS)

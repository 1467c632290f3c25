"""What every dashboard form shares (issue 21 item 5): its inputs, its page, and the one way
it is shown (GET) and taken (POST, then a redirect, then GET), so each works with JavaScript
off. A form declares the command it sends and the record it acts on; ``acting`` decides and
sends, as the API's gate does.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection

from ..domain.access import Principal
from ..services.bus import Command
from . import acting, session
from .acting import About, FormRefused, Posted
from .i18n import N_
from .pages import _page, router
from .rendering import templates


def _field_id(name: str) -> str:
    """An element id for an input named like ``lines[2].quantity``."""
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")


templates.env.filters["field_id"] = _field_id


@dataclass(frozen=True)
class Field:
    """One input of a form: ``name`` as posted (and as the service names it in a refusal,
    unless the form maps it); ``kind`` text, textarea, date, number, choice, select or check."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    default: str = ""
    #: what the label and hint name (%(line)s), filled in after they are translated
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    """What a form page shows: its title, a line saying what it does, its inputs, its button."""

    title: str
    intro: str
    button: str
    fields: tuple[Field, ...] = ()
    #: the command's field names that the form names otherwise
    renamed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    """One form on one kind of record: the page it is at and goes back to (``{}`` is the
    record's id), the record it acts on, what it loads to show, and the command it sends."""

    form: Form
    action: str
    path: str
    back: str
    about: Callable[[str, Principal], About]
    load: Callable[[Connection, str], dict]
    build: Callable[[str, str, Posted], Command]
    #: inputs that depend on the record (a receipt's lines); the form's own when None
    fields: Callable[[dict], tuple[Field, ...]] | None = None
    #: where to go once done, from the record's id and the id the command answered
    done: Callable[[str, str], str] | None = None
    #: a line naming the record, above the form
    summary: Callable[[dict], str] = lambda _record: ""


def form_page(
    request: Request,
    who: session.PageViewer,
    spec: Spec,
    record_id: str,
    record: dict,
    *,
    values: Mapping[str, str] | None = None,
    version: int | None = None,
    refused: FormRefused | None = None,
) -> HTMLResponse:
    """The form, filled with what was typed, and a refusal beside the field it concerns (or
    above the form when it concerns none of them)."""
    shown = spec.fields(record) if spec.fields is not None else spec.form.fields
    names = {f.name for f in shown}
    errors = {}
    if refused is not None and refused.field:
        # a list's item (categories[2]) is shown beside the list's input
        name = refused.field if refused.field in names else refused.field.split("[")[0]
        if name in names:
            errors[name] = refused.message
    problem = refused.message if refused and not errors else None
    return _page(
        request,
        "forms/form.html",
        who,
        status_code=refused.status if refused else 200,
        title=spec.form.title,
        form=spec.form,
        fields=shown,
        action=spec.path.format(record_id),
        back=spec.back.format(record_id),
        summary=spec.summary(record),
        version=version if refused else record.get("version"),
        values={**{f.name: f.default for f in shown}, **(values or {})},
        errors=errors,
        problem=problem,
        once=secrets.token_urlsafe(16),  # the form's own key: posted twice, it writes once
    )


def refused_page(request: Request, who: session.PageViewer | None, refused: FormRefused) -> HTMLResponse:
    """A form that cannot be shown or taken at all (no session token, not the party's)."""
    return _page(request, "error.html", who, status_code=refused.status, title=N_("Not done"), message=refused.message)


def _judged(request: Request, spec: Spec, record_id: str, who: session.PageViewer) -> dict:
    """The record, if the viewer may use this form on it at all (403 or 404 otherwise)."""
    with request.app.state.store.read() as conn:
        acting.judge(conn, who.principal, spec.action, spec.about(record_id, who.principal))
        return spec.load(conn, record_id)


def show(request: Request, spec: Spec, record_id: str = "") -> Response:
    """GET: the form, to a party that may use it."""
    with request.app.state.store.read() as conn:
        who = session.viewer(request, conn)
    try:
        if who.principal.is_public:
            raise FormRefused(403, "sign in to use this form")
        record = _judged(request, spec, record_id, who)
    except FormRefused as exc:
        return refused_page(request, who, exc)
    return form_page(request, who, spec, record_id, record)


async def take(request: Request, spec: Spec, record_id: str = "") -> Response:
    """POST: the command sent, then a redirect; or the form again with the refusal."""
    try:
        posted = await acting.posted(request)
    except FormRefused as exc:
        return refused_page(request, None, exc)
    who = posted.who
    try:
        record = _judged(request, spec, record_id, who)
    except FormRefused as exc:
        return refused_page(request, who, exc)
    try:
        outcome = acting.send(
            request,
            who,
            spec.about(record_id, who.principal),
            lambda: spec.build(record_id, who.principal.party or "", posted),
            expected=posted.version,
            fields=spec.form.renamed,
            once=posted.get("once")[:64],
        )
    except FormRefused as exc:
        shown = dict(posted.values)
        return form_page(request, who, spec, record_id, record, values=shown, version=posted.version, refused=exc)
    done = spec.done(record_id, outcome.id) if spec.done else spec.back.format(record_id)
    return RedirectResponse(done, status_code=303)


def add_form(spec: Spec, record: str | None = None) -> None:
    """Serve ``spec`` at its path: GET shows it, POST takes it. ``record``: the name of the
    path parameter its ``{}`` stands for (None: the form creates its record)."""
    path = spec.path.format("{" + record + "}") if record else spec.path

    def record_id(request: Request) -> str:
        return str(request.path_params[record]) if record else ""

    def get(request: Request) -> Response:
        return show(request, spec, record_id(request))

    async def post(request: Request) -> Response:
        return await take(request, spec, record_id(request))

    router.add_api_route(path, get, methods=["GET"], include_in_schema=False)
    router.add_api_route(path, post, methods=["POST"], include_in_schema=False)


def open_to(who: session.PageViewer, conn: Connection, spec: Spec, record_id: str) -> list[tuple[str, str]]:
    """The form as a button for a record's page, as (address, title), if the viewer may use it."""
    about = spec.about(record_id, who.principal)
    return (
        [(spec.path.format(record_id), spec.form.title)] if acting.may(conn, who.principal, spec.action, about) else []
    )

"""How a dashboard page is rendered: the templates, their filters (numbers and dates in the
reader's locale), the navigation, and the frame every page shares (language, signed-in party)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from ..domain.errors import Refused
from . import i18n, session
from .i18n import N_
from .words import WORDS, say

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


@pass_context
def _money(context: Context, value: str | Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = i18n.format_number(context.get("lang", i18n.DEFAULT), value)
    return f"{currency} {text}" if currency else text


@pass_context
def _millions(context: Context, value: str | Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = i18n.format_number(context.get("lang", i18n.DEFAULT), Decimal(value) / 1_000_000, places=1) + " M"
    return f"{currency} {text}" if currency else text


@pass_context
def _count(context: Context, value: int | None) -> str:
    return "—" if value is None else i18n.format_number(context.get("lang", i18n.DEFAULT), value, places=0)


@pass_context
def _date(context: Context, value) -> str:
    return i18n.format_date(context.get("lang", i18n.DEFAULT), value)


templates.env.filters["money"] = _money
templates.env.filters["count"] = _count
templates.env.filters["millions"] = _millions
templates.env.filters["date"] = _date
templates.env.filters["label"] = lambda s: str(s).replace("_", " ")
templates.env.globals["words"] = WORDS


@pass_context
def _say(context: Context, code: str | None, group: str) -> str:
    return say(context.get("lang", i18n.DEFAULT), group, code)


templates.env.filters["say"] = _say

NAV = [
    ("/", N_("Overview")),
    ("/requirements", N_("Requirements")),
    ("/packages", N_("Packages")),
    ("/production", N_("Drone Deal production")),
    ("/end-use", N_("End use")),
    ("/late", N_("Late")),
    ("/todo", N_("To do")),
    ("/act", N_("Act")),
    ("/findings", N_("Findings")),
    ("/ledger", N_("Ledger")),
]


def page(
    request: Request, template: str, who: session.PageViewer | None = None, status_code: int = 200, **context
) -> HTMLResponse:
    lang = i18n.request_language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "nav": NAV,
            "path": request.url.path,
            "who": who,
            "switch_url": _switch_url(request, lang),
            **i18n.template_context(lang),
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in i18n.LANGUAGES:  # the switch's choice is remembered for a year
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def _switch_url(request: Request, lang: str) -> str:
    """This page in the other language, its query kept (a plain link: works without JavaScript)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", "en" if lang == "uk" else "uk"))
    return f"{request.url.path}?{urlencode(query)}"


def store(request: Request):
    return request.app.state.store


def refused(request: Request, exc: Refused, status: int = 400) -> HTMLResponse:
    """Input the page cannot take: said in the page, under a title that says so."""
    return page(request, "error.html", None, status_code=status, title=N_("Input not accepted"), message=exc.message)

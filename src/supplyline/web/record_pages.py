"""A page for every record kind (issue 21 item 1): a party (a funder's page says where its
money went), a pledge, a requirement and an event of the log; contracts, shipments, orders and
facilities are in ``chain_pages``. Each shows the record as the API shows it to the viewer
(the same presenter: withheld fields say until when), its history in words, each event
linked to its own page, and its place in the chain pledge → allocation → package → contract
→ shipment → receipt as links. A record the viewer may not see answers 404, as the API does."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from ..domain import access
from ..domain.errors import NotFound
from ..services.access import views
from ..services.access.ownership import RESOLVERS
from ..services.evidence.evidence_views import with_evidence
from ..services.money_flow.money_report import money_report
from ..services.reads import queries, record_views, reports
from . import links, session
from .evidence_page import _not_shown as not_shown  # the same 404 page as a document's
from .form_kit import open_to
from .pages import router
from .record_forms import COMMIT
from .rendering import page as _page
from .rendering import store as _store
from .rendering import templates

templates.env.filters["record_link"] = links.readable_link
templates.env.filters["event_link"] = links.event_link


def shown(who: session.PageViewer, kind: str, record: dict) -> dict:
    """A record as the API answers it to ``who``: trimmed, with its documents and findings."""
    return with_evidence(who, kind, views.present(who, kind, record))


def readable(who: session.PageViewer, kind: str, ids) -> list[str]:
    return sorted(who.readable(kind, ids))


def record_page(request: Request, template: str, who: session.PageViewer, title: str, **context) -> HTMLResponse:
    return _page(request, template, who, title=title, **context)


def guarded(
    request: Request, kind: str, record_id: str, template: str, build: Callable[[session.PageViewer, Connection], dict]
) -> Response:
    """The page of one record, built by ``build`` in one read, for a viewer who may read it;
    404 otherwise, the same whether it does not exist or is not the viewer's (as the API)."""
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        if not who.can_read(kind, record_id):
            return not_shown(request, who, kind, record_id)
        context = build(who, conn)
    return record_page(request, template, who, context.pop("title", record_id), **context)


def contracts_of(who: session.PageViewer, conn: Connection, packages) -> list[str]:
    return readable(who, "contract", [c["id"] for p in packages for c in queries.list_contracts(conn, package_id=p)])


def paid_for(who: session.PageViewer, conn: Connection, package_ids, keep=lambda entry: True) -> list[dict]:
    """The receipts of these packages (their trace, as ``who`` may see it) that ``keep`` admits:
    what was delivered, from which shipment, paid by which pledges."""
    out = []
    for package_id in readable(who, "package", package_ids):
        trace = views.present(who, "trace", dict(reports.trace(conn, package_id)))
        out += [entry for entry in (dict(e, package_id=package_id) for e in trace["delivered"]) if keep(entry)]
    return out


def may_see_money(who: session.PageViewer, funder: str) -> bool:
    """Whether ``who`` may read ``funder``'s money (``report money``): its own, or any's."""
    scope = access.scope_of(who.principal.role, "report.money")
    return scope is access.Scope.ANY or (scope is not None and who.principal.party == funder)


def funder_money(who: session.PageViewer, conn: Connection, funder: str) -> list[dict] | None:
    """Every pledge of ``funder`` with its packages: allocated (as ``report money`` says),
    contracted and delivered, in the pledge's currency; None when ``who`` may not see them."""
    if not may_see_money(who, funder):
        return None
    index, reader = who.withholding
    money = money_report(conn, funder=funder, reader=reader, index=index)
    chain = record_views.chain_stages(conn, {p["pledge"] for p in money["pledges"]}, reader, index)
    return record_views.funder_money(dict(money), chain)


@router.get("/parties/{party_id}", response_class=HTMLResponse)
def party_page(request: Request, party_id: str):
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        try:
            party = queries.party(conn, party_id)
        except NotFound:
            return not_shown(request, who, "party", party_id)
        related = {kind: readable(who, kind, ids) for kind, ids in record_views.party_records(conn, party_id).items()}
        index, reader = who.withholding
        funnel = reports.funnel(conn, "USD", reader, index)
        row = next((r for r in funnel["funders"] if r["funder"] == party_id), None)
        money = funder_money(who, conn, party_id)
        history = record_views.history(conn, f"party:{party_id}")
    return record_page(
        request,
        "party.html",
        who,
        party["name"],
        party=dict(party),
        related=related,
        funnel_row=row,
        funnel_currency=funnel["currency"],
        money=money,
        history=history,
    )


@router.get("/pledges/{pledge_id}", response_class=HTMLResponse)
def pledge_page(request: Request, pledge_id: str):
    def build(who: session.PageViewer, conn: Connection) -> dict:
        pledge = shown(who, "pledge", dict(queries.pledge(conn, pledge_id)))
        packages = {a["package_id"] for a in pledge["allocations"]}
        return {
            "pledge": pledge,
            "money": next(
                (p for p in funder_money(who, conn, pledge["funder"]) or [] if p["pledge"] == pledge_id), None
            ),
            "contracts": contracts_of(who, conn, packages),
            "receipts": paid_for(who, conn, packages, lambda e: any(p["pledge_id"] == pledge_id for p in e["paid_by"])),
            "history": record_views.history(conn, f"pledge:{pledge_id}"),
            "actions": open_to(who, conn, COMMIT, pledge_id) if pledge["state"] == "announced" else [],
        }

    return guarded(request, "pledge", pledge_id, "pledge.html", build)


@router.get("/requirements/{requirement_id}", response_class=HTMLResponse)
def requirement_page(request: Request, requirement_id: str):
    def build(who: session.PageViewer, conn: Connection) -> dict:
        requirement = shown(who, "requirement", dict(queries.requirement(conn, requirement_id)))
        packages = {p["package_id"] for p in requirement["packages"]}
        lines = {(p["package_id"], p["line_no"]) for p in requirement["packages"]}
        return {
            "requirement": requirement,
            "contracts": contracts_of(who, conn, packages),
            "receipts": paid_for(
                who, conn, packages, lambda e: (e["package_id"], e["package_line"]["line_no"]) in lines
            ),
            "history": record_views.history(conn, f"requirement:{requirement_id}"),
        }

    return guarded(request, "requirement", requirement_id, "requirement.html", build)


@router.get("/ledger/events/{seq}", response_class=HTMLResponse)
def event_page(request: Request, seq: int):
    """An event as the published log holds it: public, withheld fields as commitments."""
    with _store(request).read() as conn:
        who = session.viewer(request, conn)
        try:
            found = record_views.event(conn, seq)
        except NotFound:
            return not_shown(request, who, "event", str(seq))
        head = queries.ledger_summary(conn)["events"]
        kind, _, record_id = found["stream_id"].partition(":")
        if kind in RESOLVERS and not who.can_read(kind, record_id):  # its history in the log, not a 404
            found["record_link"] = f"/ledger?record={found['stream_id']}"
    return record_page(request, "event.html", who, f"#{seq}", event=found, head=head)

"""How a dashboard form writes: the same command class and handler the API's endpoint sends
through the bus, decided by the same policy table, with the session's form token (CSRF) and
the record's version as the form saw it (If-Match).

A form is refused whole: nothing is written, and the refusal comes back with its status
(403 without the session's token or for a party that may not act, 404 for a record the
party may not see, 409 for a stale version or a step out of turn, 422 for bad input) and
the message placed beside the form field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from fastapi import Request
from sqlalchemy.engine import Connection

from ..domain import access, errors
from ..domain.access import Principal, Target, Verdict
from ..services import bus, idempotency
from ..services.access import sessions
from ..services.access.ownership import LABELS, Ownership
from ..services.bus import Command
from ..services.context import Actor, Outcome
from ..store.eventstore import read_head
from . import session

T = TypeVar("T")

#: refusals that concern the record's state or version rather than the values typed
CONFLICTS = (
    errors.VersionConflict,
    errors.TransitionRefused,
    errors.StepsOutstanding,
    errors.AlreadyExists,
    errors.AwaitingAcceptance,
    errors.InputChanged,
)


@dataclass
class FormRefused(Exception):
    """A form not taken: ``field`` names the form field the message belongs beside (None:
    the form as a whole)."""

    status: int
    message: str
    field: str | None = None


@dataclass(frozen=True)
class About:
    """The record a form acts on (``record_id``), or creates (``owners``); ``acting`` narrows
    who may act on it, as the API's endpoint narrows it."""

    kind: str
    record_id: str | None = None
    acting: Callable[[Connection], Iterable[str]] | None = None
    owners: Iterable[str] = ()


@dataclass
class Posted:
    """A posted form with who posted it: the fields as typed, and the version it was shown."""

    who: session.PageViewer
    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default).strip()

    @property
    def version(self) -> int | None:
        """The record's version the form was shown (its If-Match); None when it names none."""
        text = self.get("version")
        if not text:
            return None
        if not text.isdigit() or len(text) > 9:
            raise FormRefused(422, f"version: expected the record's version number (got '{text}')", "version")
        return int(text)


async def posted(request: Request) -> Posted:
    """The form and its poster; 403 unless it carries the poster's session form token."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    with request.app.state.store.read() as conn:
        who = session.viewer(request, conn)
    if who.principal.is_public or not sessions.same(values.get("csrf"), who.csrf):
        raise FormRefused(403, "the form has expired or was not sent from this dashboard: sign in and try again")
    return Posted(who, values)


def verdict(conn: Connection, principal: Principal, action: str, about: About) -> tuple[Verdict, str]:
    """The policy table's verdict on ``principal`` doing ``action``, and what it concerns."""
    label = LABELS.get(about.kind, about.kind)
    if about.record_id is None:
        owners = frozenset(about.owners)
        return access.authorize(principal, action, Target.creating(about.kind, owners)), f"a {label}"
    found = Ownership(conn).of(about.kind, about.record_id)
    what = f"{label} '{about.record_id}'"
    if found is None or not access.can_read(principal, about.kind, found):
        return Verdict.HIDE, what
    acting = frozenset(about.acting(conn)) if about.acting is not None else None
    return access.authorize(principal, action, Target(about.kind, found, acting)), what


def may(conn: Connection, principal: Principal, action: str, about: About) -> bool:
    """Whether the form for ``action`` is the principal's to see (the page shows it only then)."""
    return not principal.is_public and verdict(conn, principal, action, about)[0] is Verdict.ALLOW


def judge(conn: Connection, principal: Principal, action: str, about: About) -> None:
    """404 for a record the principal may not see (as for one that does not exist), 403 for
    one it sees but may not act on."""
    found, what = verdict(conn, principal, action, about)
    if found is Verdict.HIDE:
        raise FormRefused(404, f"{what} does not exist or is not visible to {principal.party or 'the public'}")
    if found is Verdict.FORBID:
        raise FormRefused(403, f"{principal.party} acting as {principal.role} may not {action} {what}")


def run(
    request: Request,
    who: session.PageViewer,
    action: str,
    about: About | None,
    work: Callable[[Actor], T],
    *,
    fields: Mapping[str, str] | None = None,
) -> T:
    """Authorise ``action`` (on ``about``; None: on no one record, the role decides) and do
    ``work`` as the poster, in one transaction, as the API's gate does; a refusal becomes a
    ``FormRefused`` naming the form field (``fields`` maps the service's field names to the
    form's where they differ)."""
    store = request.app.state.store
    principal = who.principal
    try:
        with store.transaction() as conn:
            if about is None:
                if access.authorize(principal, action) is not Verdict.ALLOW:
                    raise FormRefused(403, f"the {principal.role} role has no permission for {action}")
            else:
                judge(conn, principal, action, about)
            done = work(Actor(principal.party or "", principal.token_id, via="web"))
            head, _ = read_head(conn)
    except errors.Refused as exc:
        raise refusal(exc, fields or {}) from exc
    request.app.state.ledger_watch.advanced(head)
    return done


def send(
    request: Request,
    who: session.PageViewer,
    about: About,
    build: Callable[[], Command],
    *,
    expected: int | None = None,
    fields: Mapping[str, str] | None = None,
    once: str = "",
) -> Outcome:
    """Send the command ``build`` makes through the bus, the API's endpoint's command and
    handler, guarded by the version the form was shown (If-Match). ``once``: the form's own
    key, kept as the API keeps an Idempotency-Key, so that a form posted twice (a double
    click, a reload of the POST) writes once and the second answer is the first one's."""
    try:  # parsed before the ledger is locked (the form's record was judged first, as the API judges it)
        cmd = build()
    except errors.Refused as exc:
        raise refusal(exc, fields or {}) from exc
    store = request.app.state.store
    key = f"form:{once}"
    asked = idempotency.fingerprint("POST", request.url.path)

    def work(actor: Actor) -> Outcome:
        with store.transaction() as conn:  # the transaction ``run`` holds
            first = idempotency.recall(conn, actor.token_id or "", key) if once else None
            if first is not None and first.request_sha256 == asked and isinstance(first.body, dict):
                return Outcome(str(first.body["id"]))
            outcome = bus.handle(store, actor, cmd, expected_version=expected)
            if once and first is None:
                remembered = idempotency.Remembered(asked, 303, {}, {"id": outcome.id})
                idempotency.remember(conn, actor.token_id or "", key, remembered)
            return outcome

    return run(request, who, cmd.ACTION, about, work, fields=fields)


def refusal(exc: errors.Refused, fields: Mapping[str, str]) -> FormRefused:
    """The service's refusal as the form shows it: its status, and the form field its
    ``field`` names (``lines[2].quantity`` stays as it is: the form names its inputs so)."""
    if isinstance(exc, CONFLICTS):
        status = 409
    elif isinstance(exc, errors.NotFound) and exc.field is None:
        status = 404
    else:
        status = 422
    name = fields.get(exc.field, exc.field) if exc.field else None
    return FormRefused(status, exc.message, name)

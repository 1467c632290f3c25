"""Every request passes here: who is asking, may they, and (for writes) is it a retry.

An endpoint declares the action it performs and how to find the record it is about; the
gate authenticates the bearer token, asks ``domain.access.authorize`` (the one place that
decides), trims what it returns with ``services.access.views.present``, and runs writes in one
transaction together with their Idempotency-Key. Endpoints run as plain functions in
FastAPI's thread pool, and each one's database work happens on one connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from ..domain import access
from ..domain.access import ANONYMOUS, Principal, Target, Verdict
from ..domain.values import today_utc
from ..services import idempotency
from ..services.access import tokens, views
from ..services.access.ownership import LABELS, RESOLVERS, Ownership
from ..services.context import Actor, Outcome
from ..services.evidence.evidence_views import with_evidence
from ..services.log.transparency import WithheldField
from ..store.eventstore import Store, read_head
from .cursors import paginate
from .problems import ApiProblem

bearer = HTTPBearer(auto_error=False, description="an API token: `supplyline token create --party P --role R`")

IDEMPOTENCY_KEY = r'^("[\x21\x23-\x7e]{1,255}"|[\x21\x23-\x7e]{1,255})$'
IF_MATCH = r'^(\*|"[0-9]{1,9}"|[0-9]{1,9})$'

ACTION = "x-supplyline-action"


@dataclass
class Answer:
    """What a command answers when {id, events} is not all it has to say (an import's rows,
    the plan just accepted): ``body`` is the answer, ``events`` what was appended."""

    id: str
    body: dict
    events: list = default(default_factory=list)

    def to_json(self) -> dict:
        return self.body


Run = Callable[[Actor, "int | None"], "Outcome | Answer"]


def acts(action: str) -> dict[str, Any]:
    """Decorator arguments declaring an endpoint's policy action: the gate decides by it, and
    the OpenAPI document shows who may call the endpoint."""
    scopes = access.POLICY[action]  # an action without a policy row fails at import
    allowed = ", ".join(f"{role} ({scope.value})" for role, scope in scopes.items() if role != access.PUBLIC)
    public = "the public too, without a token" if access.PUBLIC in scopes else "not the public"
    return {
        "openapi_extra": {ACTION: action},
        "description": f"Policy action `{action}`: {allowed or 'no token role'}; {public}. "
        "own = the caller's party owns the record, shared = it is shared with it, any = every record.",
    }


def label(kind: str) -> str:
    return LABELS.get(kind, kind)


def hidden(kind: str, record_id: str, principal: Principal, *, field: str | None = None) -> ApiProblem:
    """The one answer for "no such record" and "not yours to see": they must not differ."""
    who = principal.party or "the public"
    status = 422 if field else 404
    return ApiProblem(
        status, "not-found", f"{label(kind)} '{record_id}' does not exist or is not visible to {who}", field=field
    )


# --- what an endpoint is about -------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A record the request body names: it must exist, and (unless ``visible`` is False, for
    records whose existence is not confidential) be one the caller may read."""

    kind: str
    id: str
    field: str
    visible: bool = True


@dataclass(frozen=True)
class About:
    """The record an endpoint acts on, as the endpoint declares it."""

    kind: str
    record_id: str | None = None  # None: the request creates it
    acting: Callable[[Connection], Iterable[str]] | None = None
    owners: Iterable[str] | Callable[[Ownership], Iterable[str]] = ()
    refs: Sequence[Ref] = ()


def existing(kind: str, record_id: str, *, acting: Callable[[Connection], Iterable[str]] | None = None) -> About:
    """An existing record addressed by the URL; ``acting`` narrows who may act on it."""
    return About(kind, record_id, acting=acting)


def creating(kind: str, owners: Iterable[str] | Callable[[Ownership], Iterable[str]], *refs: Ref) -> About:
    """A record the request creates, owned by ``owners`` (read from the request or from ``refs``)."""
    return About(kind, owners=owners, refs=refs)


# --- the gate --------------------------------------------------------------------------------


@dataclass
class Gate:
    store: Store
    secret: str | None
    request: Request
    response: Response
    idempotency_key: str | None = None
    if_match: str | None = None

    @property
    def action(self) -> str:
        """The policy action the endpoint declared with ``acts`` (one declaration serves the
        decision and the OpenAPI document)."""
        return self.request.scope["route"].openapi_extra[ACTION]

    # who is asking -----------------------------------------------------------------------
    def caller(self, conn: Connection) -> Principal:
        """Who the token says the caller is (the public without one); 401 for a bad token."""
        if self.secret is None:
            return ANONYMOUS
        found = tokens.authenticate(self.store, conn, self.secret)
        if found is None:
            raise ApiProblem(
                401,
                "unauthenticated",
                "the bearer token is unknown or revoked",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return found

    def principal(self, conn: Connection, action: str) -> Principal:
        """The caller, if allowed to perform ``action`` on something: 401 or 403 if not."""
        principal = self.caller(conn)
        _may(principal, action)
        return principal

    def _judge(self, principal: Principal, action: str, about: About, own: Ownership) -> Target:
        """Reading comes first: a record the caller may not read is answered 404 before any
        other check (the body's refs, who acts, the version, the command's own rules), so
        no answer about a hidden record differs from the answer about a missing one."""
        found = None
        if about.record_id is not None:
            found = own.of(about.kind, about.record_id)
            if found is None or not access.can_read(principal, about.kind, found):
                raise hidden(about.kind, about.record_id, principal)
        for ref in about.refs:
            named = own.of(ref.kind, ref.id)
            if named is None or (ref.visible and not access.can_read(principal, ref.kind, named)):
                raise hidden(ref.kind, ref.id, principal, field=ref.field)
        if about.record_id is None:
            owners = about.owners(own) if callable(about.owners) else about.owners
            target = Target.creating(about.kind, frozenset(owners))
        else:
            assert found is not None  # looked up above
            target = Target(about.kind, found, frozenset(about.acting(own.conn)) if about.acting else None)
        verdict = access.authorize(principal, action, target)
        if verdict is Verdict.HIDE:
            raise hidden(about.kind, about.record_id or "?", principal)
        if verdict is Verdict.FORBID:
            what = (
                f"a {label(about.kind)} for {', '.join(sorted(target.parties.owners)) or 'nobody'}"
                if target.new
                else f"{label(about.kind)} '{about.record_id}'"
            )
            raise ApiProblem(403, "forbidden", f"{principal.party} acting as {principal.role} may not {action} {what}")
        return target

    # reads -------------------------------------------------------------------------------
    def one(
        self, kind: str, record_id: str, fetch: Callable[[Connection], dict], *, present_as: str | None = None
    ) -> dict:
        """One record the caller may read, trimmed for them, with its version as the ETag."""
        action = self.action
        with self.store.read() as conn:
            principal = self.principal(conn, action)
            own = Ownership(conn)
            self._judge(principal, action, existing(kind, record_id), own)
            viewer = views.Viewer(principal, own)
            record = views.present(viewer, present_as or kind, fetch(conn))
            if present_as is None:
                record = with_evidence(viewer, kind, record)
        if isinstance(record.get("version"), int):
            self.response.headers["ETag"] = f'"{record["version"]}"'
        return record

    def many(
        self,
        kind: str | None,
        fetch: Callable[[Connection], list[dict]],
        *,
        key: Callable[[dict], tuple],
        cursor: str | None,
        limit: int,
    ) -> dict:
        """A page of the records the caller may read (``kind`` None: public reference data)."""
        action = self.action
        with self.store.read() as conn:
            principal = self.principal(conn, action)
            rows = fetch(conn)
            if kind is not None:
                own = Ownership(conn)
                if access.scope_of(principal.role, action) is not access.Scope.ANY:
                    parties = own.all(kind)
                    rows = [
                        r for r in rows if r["id"] in parties and access.can_read(principal, kind, parties[r["id"]])
                    ]
                viewer = views.Viewer(principal, own)
                rows = [views.present(viewer, kind, r) for r in rows]
            return paginate(rows, key, cursor, limit)

    def overall(self, fetch: Callable[[Connection, Principal], Any]) -> Any:
        """Something about the ledger as a whole (a report, a verification)."""
        with self.store.read() as conn:
            return fetch(conn, self.principal(conn, self.action))

    def stream_events(self, kind: str, record_id: str, fetch: Callable[[Connection], Any]) -> Any:
        """The events of one stream, for whoever may read the record the stream builds."""
        action = f"{kind}.read"
        with self.store.read() as conn:
            principal = self.principal(conn, action)
            self._judge(principal, action, existing(kind, record_id), Ownership(conn))
            return fetch(conn)

    def withheld(self, locate: Callable[[Connection], WithheldField], fetch: Callable[[], Any]) -> Any:
        """A withheld field's value, for a caller entitled to it (``access.withheld_field``);
        once its embargo has passed it is public, as in the public log. The event and its
        markers are public, so a caller not entitled is refused (403), never told 404."""
        with self.store.read() as conn:
            principal = self.caller(conn)
            found = locate(conn)
            if not found.public_on(today_utc()):
                action = self.action
                _may(principal, action)
                kind, record_id = found.record
                parties = Ownership(conn).of(kind, record_id) if kind in RESOLVERS else None
                target = access.withheld_field(kind, parties or access.Parties(), found.level, found.recorded_by)
                if access.authorize(principal, action, target) is not Verdict.ALLOW:
                    raise ApiProblem(
                        403,
                        "forbidden",
                        f"field '{found.field}' of event #{found.seq} is {found.level}: "
                        f"{principal.party or 'the public'} acting as {principal.role} may not see it",
                    )
        return fetch()

    def own_rows(self, kind: str, owner_field: str) -> Callable[[Connection, list], None]:
        """For an import: each row must create a record the caller may create (a funder's
        own pledges), and a row naming an existing record by id must name one the caller
        may read. Checked on the import's own connection before any row is decided; the
        first refusal lists every such row and nothing is written."""

        def admit(conn: Connection, rows: list) -> None:
            principal = self.caller(conn)
            own = Ownership(conn)
            foreign, taken = [], []
            for row in rows:
                owner = row.values.get(owner_field)
                if access.authorize(principal, self.action, Target.creating(kind, {owner})) is not Verdict.ALLOW:
                    foreign.append(
                        _row_error(
                            row,
                            owner_field,
                            owner,
                            f"is not {principal.party}: a {principal.role} imports its own {label(kind)}s only",
                        )
                    )
                record_id = row.values.get("id")
                found = own.of(kind, record_id) if record_id else None
                if found is not None and not access.can_read(principal, kind, found):
                    taken.append(_row_error(row, "id", record_id, f"{label(kind)} '{record_id}' already exists"))
            if foreign:
                raise ApiProblem(
                    403,
                    "forbidden",
                    f"{len(foreign)} row(s) are not the {principal.role}'s own to import "
                    f"(first: row {foreign[0]['row']}); nothing was written",
                    field="file",
                    errors=foreign,
                )
            if taken:
                raise ApiProblem(
                    409,
                    "already-exists",
                    f"{len(taken)} row(s) name ids already used (first: row {taken[0]['row']}); nothing was written",
                    field="file",
                    errors=taken,
                )

        return admit

    # writes ------------------------------------------------------------------------------
    def write(
        self, about: About | None, run: Run, *, payload: BaseModel | None = None, created: str | bool = False
    ) -> Response:
        """Authorise and run one command; with an Idempotency-Key, at most once.

        ``about`` None: the command concerns no one record decided here (an import, whose
        rows are checked as they are read). ``created``: the command creates a record
        (answered with 201); given as the path of its collection, the answer's Location
        names it."""
        action = self.action
        with self.store.read() as conn:
            principal = self.principal(conn, action)
        if principal.token_id is None:  # no policy row lets the public write; should one ever, still not anonymously
            raise ApiProblem(
                401, "unauthenticated", f"{action} needs an API token", headers={"WWW-Authenticate": "Bearer"}
            )
        key = _unquote(self.idempotency_key)
        request_sha = idempotency.fingerprint(
            self.request.method,
            self.request.url.path,
            str(self.request.url.query),
            payload.model_dump(mode="json") if payload is not None else None,
            self.if_match,
        )
        if key is not None:
            with self.store.read() as conn:
                first = idempotency.recall(conn, principal.token_id, key)
            if first is not None:
                return _replay(first, request_sha)
        expected = _expected_version(self.if_match)
        with self.store.transaction() as conn:
            if key is not None:
                first = idempotency.recall(conn, principal.token_id, key)
                if first is not None:
                    return _replay(first, request_sha)
            if about is not None:
                target = self._judge(principal, action, about, Ownership(conn))
            outcome = run(Actor(principal.party or "", principal.token_id, via="api"), expected)
            stream = f"{target.kind}:{about.record_id or outcome.id}" if about is not None else None
            answer = _answer(outcome, stream, request_sha, created)
            if key is not None:
                idempotency.remember(conn, principal.token_id, key, answer)
            head, _ = read_head(conn)
        self.request.app.state.ledger_watch.advanced(head)
        return _render(answer)


def _may(principal: Principal, action: str) -> None:
    """401 or 403 unless the principal's role has some scope for ``action``."""
    if access.scope_of(principal.role, action) is None:
        if principal.is_public:
            raise ApiProblem(
                401,
                "unauthenticated",
                f"{action} needs an API token (Authorization: Bearer …)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        raise ApiProblem(403, "forbidden", f"the {principal.role} role has no permission for {action}")


def _row_error(row, column: str, value: object, message: str) -> dict:
    return {
        "field": "file",
        "location": "body",
        "message": message,
        "sheet": None,
        "row": row.number,
        "column": column,
        "value": None if value is None else str(value),
    }


def _unquote(key: str | None) -> str | None:
    if key is None:
        return None
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match == "*":
        return None
    return int(if_match.strip('"'))


def _answer(
    outcome: Outcome | Answer, stream: str | None, request_sha: str, created: str | bool
) -> idempotency.Remembered:
    headers: dict[str, str] = {}
    versions = [e.stream_version for e in outcome.events if e.stream_id == stream]
    if versions:
        headers["ETag"] = f'"{versions[-1]}"'
    if isinstance(created, str):
        headers["Location"] = f"{created}/{outcome.id}"
    return idempotency.Remembered(request_sha, 201 if created else 200, headers, outcome.to_json())


def _replay(first: idempotency.Remembered, request_sha: str) -> Response:
    if first.request_sha256 != request_sha:
        raise ApiProblem(
            422,
            "idempotency-key-reused",
            "this Idempotency-Key was already used for a different request; use a new key for a new request",
            field="Idempotency-Key",
        )
    return _render(first, replayed=True)


def _render(answer: idempotency.Remembered, *, replayed: bool = False) -> Response:
    # canonical JSON, so that a replay is byte for byte the first answer
    headers = {**answer.headers, "Idempotent-Replayed": "true"} if replayed else answer.headers
    return Response(
        idempotency.body_text(answer), status_code=answer.status, headers=headers, media_type="application/json"
    )


# --- dependencies ----------------------------------------------------------------------------


def _secret(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials is not None else None


async def reading(
    request: Request, response: Response, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Gate:
    return Gate(request.app.state.store, _secret(credentials), request, response)


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY,
        description="repeat it when retrying: a repeated key returns the first response and writes nothing",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=IF_MATCH,
        description='the record\'s version as its ETag gave it, e.g. "3": a stale one is refused with 409',
    ),
]


async def writing(
    request: Request,
    response: Response,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    idempotency_key: IdempotencyKey = None,
) -> Gate:
    return Gate(request.app.state.store, _secret(credentials), request, response, idempotency_key)


async def updating(
    request: Request,
    response: Response,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Gate:
    return Gate(request.app.state.store, _secret(credentials), request, response, idempotency_key, if_match)


__all__ = ["Answer", "Gate", "Ref", "acts", "creating", "existing", "reading", "updating", "writing"]

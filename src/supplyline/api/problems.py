"""Errors as RFC 9457 problem documents (application/problem+json), naming the failing field.

Refusals raised by the services keep their kind and field; request validation errors from
FastAPI are reported the same way, with field paths written as the domain writes them
(``lines[1].quantity``, counting from 1).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from ..domain import errors
from ..engines.interchange.spreadsheet import FileRefused

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("supplyline.api")


class FieldError(BaseModel):
    field: str = Field(description="the failing field, e.g. lines[1].quantity, or the uploaded file (file, mapping)")
    location: str = Field(description="body, query, path or header")
    message: str
    sheet: str | None = Field(None, description="in an uploaded file: the sheet")
    row: int | None = Field(None, description="in an uploaded file: the row, as the spreadsheet numbers it")
    column: str | None = Field(None, description="in an uploaded file: the column, under the file's own header")
    value: str | None = Field(None, description="in an uploaded file: the value found")


class Problem(BaseModel):
    type: str = Field(description="a URN naming the kind of problem, e.g. urn:supplyline:problem:invalid-input")
    title: str
    status: int
    detail: str
    instance: str | None = Field(None, description="the request path")
    field: str | None = Field(None, description="the field that failed, when one did")
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """A refusal decided by the API layer itself (authentication, authorisation, headers)."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        field: str | None = None,
        headers: dict | None = None,
        errors: list[dict] | None = None,
    ):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.field = status, kind, detail, field
        self.headers = headers or {}
        self.errors = errors


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Unprocessable content",
    500: "Internal error",
    503: "Service unavailable",
}

#: how each kind of refusal from the services is answered
STATUS_OF_REFUSAL: dict[type[errors.Refused], int] = {
    errors.InvalidInput: 422,
    errors.RuleViolation: 422,
    errors.NotFound: 404,
    errors.AlreadyExists: 409,
    errors.TransitionRefused: 409,
    errors.StepsOutstanding: 409,
    errors.VersionConflict: 409,
    errors.AwaitingAcceptance: 409,
    errors.InputChanged: 409,
    FileRefused: 422,
}


def problem(
    status: int,
    kind: str,
    detail: str,
    request: Request,
    *,
    field: str | None = None,
    errors_: list[dict] | None = None,
    headers: dict | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:supplyline:problem:{kind}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if field is not None:
        body["field"] = field
    if errors_:
        body["errors"] = errors_
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def refusal_status(exc: errors.Refused) -> int:
    if isinstance(exc, errors.NotFound) and exc.field is not None:
        return 422  # a record named in the request body, not the one the URL addresses
    for cls in type(exc).__mro__:
        if cls in STATUS_OF_REFUSAL:
            return STATUS_OF_REFUSAL[cls]
    return 400


def file_errors(exc: FileRefused) -> list[dict]:
    """Every problem of a refused file, with its sheet, row, column and value."""
    return [
        {
            "field": exc.field or "file",
            "location": "body",
            "message": p.reason,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": None if p.value is None else str(p.value),
        }
        for p in exc.problems
    ]


def field_path(loc: tuple | list) -> tuple[str, str]:
    """(location, field) of a pydantic error location, indices counted from 1."""
    where, *rest = loc or ("body",)
    path = ""
    for part in rest:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return str(where), path or str(where)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for whichever path template matches ``path``."""
    if not hasattr(app.state, "path_methods"):
        app.state.path_methods = [
            (compile_path(template)[0], {m.upper() for m in operations})
            for template, operations in app.openapi()["paths"].items()
        ]
    methods = set().union(*(found for regex, found in app.state.path_methods if regex.match(path)))
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem):
        return problem(
            exc.status, exc.kind, exc.detail, request, field=exc.field, headers=exc.headers, errors_=exc.errors
        )

    @app.exception_handler(errors.Refused)
    async def _refused(request: Request, exc: errors.Refused):
        found = file_errors(exc) if isinstance(exc, FileRefused) else None
        return problem(refusal_status(exc), exc.kind, exc.message, request, field=exc.field, errors_=found)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        found = []
        for error in exc.errors():
            # a body that is not JSON at all is located by character position: name the body
            loc = ("body",) if error.get("type") == "json_invalid" else error.get("loc", ())
            location, path = field_path(loc)
            found.append({"field": path, "location": location, "message": str(error.get("msg", "is invalid"))})
        first = found[0] if found else {"field": "body", "location": "body", "message": "is invalid"}
        detail = f"{first['field']}: {first['message']}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")
        return problem(422, "invalid-input", detail, request, field=first["field"], errors_=found)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 400:  # FastAPI could not even read the body
            form = request.headers.get("content-type", "").startswith(
                ("multipart/", "application/x-www-form-urlencoded")
            )
            what = "a readable multipart/form-data upload" if form else "valid JSON text"
            return problem(400, "malformed-body", f"the request body is not {what}", request, field="body")
        if exc.status_code == 405:
            # Starlette names only the first route's methods; a path may have several
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem(exc.status_code, kind, str(exc.detail), request, headers=headers)

    @app.exception_handler(OperationalError)
    async def _database(request: Request, exc: OperationalError):
        log.warning("database unavailable: %s", exc.orig)
        return problem(
            503,
            "database-unavailable",
            "the database is busy or unreachable; retry shortly",
            request,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # a bug: say so without leaking internals; the log has the traceback
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "internal-error", "an unexpected error occurred", request)


def documented(description: str) -> dict:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


#: the problem answers every operation may give, for the OpenAPI document
RESPONSES: dict[int | str, dict] = {
    400: documented("the request body is not JSON text (or not a readable multipart upload)"),
    401: documented("no token where one is needed, or an unknown or revoked token"),
    403: documented("the token's role or party may not do this"),
    404: documented("no such record, or none visible to the caller (the two are answered alike)"),
    409: documented(
        "the record's state or version does not allow this (If-Match, life cycle, duplicate id), "
        "or what a decision was computed from changed since"
    ),
    422: documented("a field is malformed or breaks a rule; `field` names it"),
    503: documented("the database is busy or unreachable (retry), or the server cannot sign checkpoints"),
}

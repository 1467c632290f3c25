"""The application factory: one FastAPI app on one store, its routers, errors and OpenAPI."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline

from .. import settings as settings_module
from .. import web
from ..domain.errors import InvalidInput
from ..services import freshness
from ..services.context import open_store
from ..services.log import signing, transparency
from ..services.log.projection_watch import ProjectionWatch
from ..settings import Settings
from ..store.eventstore import Store
from ..store.replicas import Replicas
from . import problems
from .cache import ReadCache
from .read_after import ReadYourWrites
from .routes import ROUTERS
from .uploads import UploadLimit

PREFIX = "/api/v1"


def create_app(
    store: Store | None = None,
    settings: Settings | None = None,
    *,
    read_cache: bool = True,
    projections: ProjectionWatch | None = None,
    key_file: Path | None = None,
) -> FastAPI:
    """An app serving ``store`` (default: the database the settings name, which must be
    initialised and up to date). ``read_cache``: answer repeated reads from memory while the
    ledger has not moved (PostgreSQL only; see api/cache.py). ``projections``: the running
    check of the projections (`serve` hands over the one its start check set up). ``key_file``:
    the ledger's signing key (default: where ``transparency.key_path`` finds it for ``store``)."""
    settings = (settings or settings_module.load()).apply()
    if key_file is None:
        db_url = store.engine.url.render_as_string(hide_password=False) if store is not None else settings.db
        key_file = transparency.key_path(settings, db_url)
    if store is None:
        store = open_store(settings.db)
        signing.attach(store, key_file, background=True)
    if settings.read_db and store.replicas is None:
        store.replicas = open_replicas(store, settings)
    watch = freshness.watch(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if read_cache:
            watch.start()
        try:
            yield
        finally:
            watch.stop()
            if store.replicas is not None:
                store.replicas.dispose()

    # the docs page's scripts are served from the package, not fetched from a CDN
    app = FastAPIOffline(
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs/static",
        lifespan=lifespan,
        title="supplyline",
        version="1",
        summary="An auditable ledger from a partner's pledge to the delivery of the last item.",
        description=(
            "Every capability of the supplyline CLI. Authenticate with `Authorization: Bearer <token>` "
            "(`supplyline token create --party P --role R`); without a token you are the public. "
            "Errors are RFC 9457 problem documents naming the failing field. Writes accept an "
            "`Idempotency-Key`; updates accept `If-Match` with the version a read returned as its `ETag`."
        ),
        openapi_url=f"{PREFIX}/openapi.json",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.key_file = key_file  # the API's and the dashboard's one signing key
    app.state.ledger_watch = watch
    app.state.projection_watch = projections or ProjectionWatch(store)
    _mount(app, watch, settings)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    return app


def open_replicas(store: Store, settings: Settings) -> Replicas:
    """The replicas ``SUPPLYLINE_READ_DB`` names, for a store on PostgreSQL (their primary)."""
    if store.engine.dialect.name != "postgresql":
        raise InvalidInput("read_db", settings.read_db, "needs SUPPLYLINE_DB on PostgreSQL, the replicas' primary")
    return Replicas.parse(settings.read_db, wait=settings.read_db_wait)


def _mount(app: FastAPI, watch: freshness.LedgerWatch, settings: Settings) -> None:
    """The problem documents, the middleware (read cache, body limits) and the routes: the
    API's and the dashboard's."""
    problems.install(app)
    # the checkpoint gains its witnesses' cosignatures after the write: never answered from memory
    uncached = (f"{PREFIX}/ledger/", f"{PREFIX}/events", f"{PREFIX}/log/checkpoint")
    app.add_middleware(ReadCache, watch=watch, prefix=PREFIX, uncached=uncached)
    app.add_middleware(UploadLimit, prefix=f"{PREFIX}/imports/")
    # every other body (JSON, the dashboard's forms) is small: refused before it is parsed
    app.add_middleware(UploadLimit, prefix="/", limit=settings.max_body_bytes, besides=(f"{PREFIX}/imports/",))
    if app.state.store.replicas is not None:  # outermost: the cache reads what it sets
        # the log's checkpoints and proofs on the primary: from one request to the next the log
        # must never look shorter (a monitor would call it a rollback), and a size a client saw
        # must be there to prove; the log scales out as static tiles instead (docs/deploy.md)
        app.add_middleware(ReadYourWrites, secure=settings.secure_cookies, primary=(f"{PREFIX}/log/",))
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX, responses=problems.RESPONSES)
    # the dashboard: pages for people, over the same services and the same policy
    app.include_router(web.router)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, description=app.description, routes=app.routes
        )
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (problems.Problem, problems.FieldError):
            schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas["Problem"].pop("$defs", None)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "security" in operation:
                    # the token is optional: the public calls the public endpoints without one,
                    # and the policy table answers 401 where a token is needed
                    operation["security"] = [{}, *operation["security"]]
        app.openapi_schema = schema
    return app.openapi_schema


def app_from_environment() -> FastAPI:
    """The app on the database named by the environment (for multi-process servers)."""
    return create_app()

"""`supplyline serve`: the HTTP API on the configured database."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

import typer

from .app import app, state
from .lazy import lazy
from .render import CHECK_FAILED, console, errors, fail
from .transparency import key_path

if TYPE_CHECKING:
    from ..services.log import integrity, projection_watch, signing
    from ..services.notify import worker as notify_worker
    from ..store import eventstore
else:
    projection_watch = lazy("supplyline.services.log.projection_watch")
    eventstore = lazy("supplyline.store.eventstore")
    integrity = lazy("supplyline.services.log.integrity")
    signing = lazy("supplyline.services.log.signing")
    notify_worker = lazy("supplyline.services.notify.worker")


@app.command()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="server processes"),
    unverified: bool = typer.Option(
        False, "--unverified", help="serve even if the ledger does not verify (the dashboard's badge says why)"
    ),
    no_notify: bool = typer.Option(False, "--no-notify", help="do not deliver notifications (run `notify run`)"),
) -> None:
    """Serve the dashboard (/) and the HTTP API (/api/v1/, docs at /docs) until interrupted."""
    import uvicorn

    from ..api import create_app

    st = state(ctx)
    store = st.store()  # refuse now, with the CLI's message, if the database is not initialised
    projections = projection_watch.ProjectionWatch(store)  # set up by the start check, then moved write by write
    if not unverified:
        _check_before_serving(ctx, store, projections)
    signing.attach(store, key_path(ctx), background=True)  # witnesses asked off the request path
    if not no_notify:
        notify_worker.start(store)  # in this process, beside the server: writers never wait on it
    console.print(
        f"dashboard: http://{host}:{port}/   API: http://{host}:{port}/api/v1/   docs: http://{host}:{port}/docs"
    )
    console.print("stop with Ctrl-C")
    if workers == 1:
        watching = threading.Thread(
            target=_keep_checking, args=(projections,), name="supplyline-projections", daemon=True
        )
        watching.start()
        uvicorn.run(
            create_app(store, projections=projections, key_file=key_path(ctx)),
            host=host,
            port=port,
            log_level="warning",
        )
        return
    # each worker process builds its own app (and engine) from the environment
    import os

    os.environ["SUPPLYLINE_DB"] = st.db
    uvicorn.run(
        "supplyline.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def _keep_checking(projections: projection_watch.ProjectionWatch, every: float = 30.0) -> None:
    """The projections checked while serving (each differing table is logged as an error;
    the dashboard's badge names the rows)."""
    while True:
        time.sleep(every)
        try:
            projections.differences()
        except Exception:  # a failed check must not stop the server; it is retried
            logging.getLogger("supplyline.projections").exception("checking the projections failed")


def _check_before_serving(
    ctx: typer.Context, store: eventstore.Store, projections: projection_watch.ProjectionWatch
) -> None:
    """Refuse to serve a ledger that does not verify: the chain, the key the log names, the
    signed checkpoints and the projections, all named."""
    result = integrity.check(store, key_file=key_path(ctx), watch=projections)
    if result.ok:
        console.print(f"ledger verified: {result.checked_summary()}", highlight=False)
        return
    for problem in result.messages():
        errors.print(f"- {problem}", markup=False, highlight=False, soft_wrap=True)
    fail(
        f"refusing to serve: the ledger does not verify ({result.messages()[0]}); "
        "run `supplyline verify`, or serve with --unverified",
        CHECK_FAILED,
    )

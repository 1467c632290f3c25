"""`supplyline serve`: the HTTP API on the configured database."""

from __future__ import annotations

import typer

from .app import app, state
from .render import console


@app.command()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="server processes"),
) -> None:
    """Serve the dashboard (/) and the HTTP API (/api/v1/, docs at /docs) until interrupted."""
    import uvicorn

    from ..api import create_app

    st = state(ctx)
    st.store()  # refuse now, with the CLI's message, if the database is not initialised
    console.print(
        f"dashboard: http://{host}:{port}/   API: http://{host}:{port}/api/v1/   docs: http://{host}:{port}/docs"
    )
    console.print("stop with Ctrl-C")
    if workers == 1:
        uvicorn.run(create_app(st.store()), host=host, port=port, log_level="warning")
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

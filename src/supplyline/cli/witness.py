"""`supplyline witness …`: run a witness (C2SP tlog-witness) with your own key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .app import app
from .lazy import lazy
from .render import console

if TYPE_CHECKING:
    from ..services.log import witness as witnesses
else:
    witnesses = lazy("supplyline.services.log.witness")

witness_app = typer.Typer(no_args_is_help=True, help="A witness: cosigns a log's checkpoints that extend what it saw.")
app.add_typer(witness_app, name="witness")
KEY = typer.Option(..., "--key", help="the witness's signing key file")


@witness_app.command("init")
def witness_init(
    key: Path = KEY,
    name: str = typer.Option(..., "--name", help="the witness's name, e.g. witness.example.org/funder-nl"),
) -> None:
    """Create the witness's key (never overwrites one) and print its verifier key."""
    cosigner, created = witnesses.create_cosigner(key, name)
    console.print(f"witness key {'created' if created else 'kept'} at {key}", highlight=False)
    typer.echo(str(cosigner.key))


@witness_app.command("key")
def witness_key(key: Path = KEY) -> None:
    """Print the witness's verifier key (for policy files: `witness NAME KEY URL`)."""
    typer.echo(str(witnesses.load_cosigner(key).key))


@witness_app.command("serve")
def witness_serve(
    key: Path = KEY,
    log: list[str] = typer.Option(..., "--log", help="a log's verifier key to witness (repeatable)"),
    state_dir: Path = typer.Option(..., "--state", help="directory of the latest checkpoint per log"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8100, "--port", min=1, max=65535),
    fsync: bool = typer.Option(
        False,
        "--fsync",
        help="flush each cosigned checkpoint to disk before answering, so the witness remembers it "
        "after a power loss too (costs one disk flush per checkpoint); without it, after a crash of the witness",
    ),
) -> None:
    """Serve add-checkpoint and the monitors' checkpoint until interrupted."""
    import uvicorn

    from ..api.witness_app import create_witness_app

    witness = witnesses.Witness(witnesses.load_cosigner(key), witnesses.load_logs(log), state_dir, fsync=fsync)
    console.print(f"witness {witness.cosigner.key} on http://{host}:{port}/add-checkpoint", highlight=False)
    uvicorn.run(create_witness_app(witness), host=host, port=port, log_level="warning")

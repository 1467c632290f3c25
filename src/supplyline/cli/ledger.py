"""Commands on the ledger itself: init, verify, rebuild, events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .app import JSON, app, state
from .lazy import lazy
from .render import CHECK_FAILED, console, emit_json, errors, fail, table
from .transparency import key_path

if TYPE_CHECKING:
    from .. import settings as settings_module
    from ..services.log import checks, integrity, signing, transparency
    from ..services.reads import queries
else:
    settings_module = lazy("supplyline.settings")
    checks = lazy("supplyline.services.log.checks")
    integrity = lazy("supplyline.services.log.integrity")
    signing = lazy("supplyline.services.log.signing")
    transparency = lazy("supplyline.services.log.transparency")
    queries = lazy("supplyline.services.reads.queries")


@app.command()
def init(
    ctx: typer.Context,
    log_name: str | None = typer.Option(
        None,
        "--log-name",
        help="name of a new signing key and checkpoint origin "
        "(default: $SUPPLYLINE_LOG_NAME or supplyline.local/ledger)",
    ),
) -> None:
    """Create the database (or bring its schema up to date) and the ledger's signing key."""
    st = state(ctx)
    store = st.store(create=True)
    with store.read() as conn:
        summary = queries.ledger_summary(conn)
    path = key_path(ctx)
    signer, created = transparency.ensure_key(path, log_name or settings_module.load().log_name)
    signing.attach(store, path)
    pinned = signing.pin_key(store, st.acting)
    if pinned is not None:
        console.print(f"the log now names its signing key (event #{pinned.events[0].seq}, KeyPinned)")
    console.print(f"ledger ready at {st.db} ({summary['events'] + (pinned is not None)} events)")
    console.print(
        f"signing key {'created' if created else 'kept'} at {path}; verifier key: {signer.verifier}",
        markup=False,
        highlight=False,
    )


@app.command()
def verify(
    ctx: typer.Context,
    as_json: bool = JSON,
    projections: bool = typer.Option(True, "--projections/--no-projections", help="also compare the projections"),
) -> None:
    """Re-walk the hash chain, check the key the log names, the signed checkpoints the log must
    extend and the projections; exit 1 naming what does not match."""
    result = integrity.check(state(ctx).store(), key_file=key_path(ctx), projections=projections)
    finding = result.chain.finding
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "checked": result.chain.checked,
                "head": result.chain.head_hash,
                "first_bad_event": finding.seq if finding else None,
                "problem": result.messages()[0] if result.messages() else None,
                "problems": result.messages(),
                "signed_size": result.signed_size,
                "key": str(result.pinned) if result.pinned else None,
                "notes": result.notes,
            }
        )
        if not result.ok:
            raise typer.Exit(CHECK_FAILED)
        return
    if finding:
        fail(f"ledger verification FAILED: {finding.message}", CHECK_FAILED)
    if result.problems:
        for problem in result.problems:
            errors.print(f"- {problem}", markup=False, highlight=False, soft_wrap=True)
        fail(f"ledger verification FAILED: {result.problems[0]}", CHECK_FAILED)
    signed = f"; signed up to #{result.signed_size} by {result.pinned}" if result.pinned else ""
    console.print(f"[green]ledger verified[/]: {result.checked_summary()}{signed}", highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", markup=False, highlight=False)


@app.command()
def rebuild(
    ctx: typer.Context,
    check: bool = typer.Option(False, "--check", help="only compare; exit 1 with a diff if projections differ"),
    as_json: bool = JSON,
) -> None:
    """Rebuild every projection from the events alone (or, with --check, compare)."""
    store = state(ctx).store()
    if not check:
        written = checks.rebuild_projections(store)
        console.print(f"projections rebuilt from the events: {written} rows")
        return
    differences = checks.check_projections(store)
    if as_json:
        emit_json({"ok": not differences, "differences": [str(d) for d in differences]})
    elif differences:
        for difference in differences[:200]:
            console.print(str(difference), markup=False, highlight=False)
        if len(differences) > 200:
            console.print(f"… and {len(differences) - 200} more")
    else:
        console.print("[green]projections match a rebuild from the events[/]")
    if differences:
        if not as_json:
            fail(f"{len(differences)} difference(s) between stored projections and the rebuild", CHECK_FAILED)
        raise typer.Exit(CHECK_FAILED)


@app.command()
def events(
    ctx: typer.Context,
    stream: str | None = typer.Option(None, "--stream", help="only this stream, e.g. pledge:PL-0001"),
    limit: int = typer.Option(30, "--limit", min=1, max=10000),
    as_json: bool = JSON,
) -> None:
    """The latest events of the ledger (newest first)."""
    with state(ctx).reader().read() as conn:
        rows = queries.list_events(conn, stream_id=stream, limit=limit)
    if as_json:
        emit_json(rows)
        return
    table(
        "events",
        rows,
        [
            ("seq", "#"),
            ("recorded_at", "recorded (UTC)"),
            ("actor", "actor"),
            ("stream_id", "stream"),
            ("type", "type"),
            ("hash", "hash"),
        ],
        numeric=("seq",),
    )

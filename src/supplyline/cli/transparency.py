"""Transparency commands: checkpoint, proof, audit, key, publish, reveal.

``audit …`` never opens the database: it is what a funder's auditor or a journalist runs on
files they were handed (exit 0 valid, 1 invalid with the reason, 2 unusable input).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..domain.errors import InvalidInput
from .app import JSON, app, state
from .lazy import lazy
from .render import CHECK_FAILED, console, emit_json, fail

if TYPE_CHECKING:
    from ..ledger import audit as audits
    from ..ledger import serial_audit
    from ..services.log import audit_inputs as inputs
    from ..services.log import transparency
else:
    audits = lazy("supplyline.ledger.audit")
    serial_audit = lazy("supplyline.ledger.serial_audit")
    inputs = lazy("supplyline.services.log.audit_inputs")
    transparency = lazy("supplyline.services.log.transparency")

proof_app = typer.Typer(
    no_args_is_help=True, help="Proofs for outsiders: inclusion of an event, consistency of two trees."
)
audit_app = typer.Typer(no_args_is_help=True, help="Check proofs, checkpoints and reveals without a database.")
key_app = typer.Typer(no_args_is_help=True, help="The ledger's signing key.")
publish_app = typer.Typer(no_args_is_help=True, help="Static publication of the log.")
app.add_typer(proof_app, name="proof")
app.add_typer(audit_app, name="audit")
app.add_typer(key_app, name="key")
app.add_typer(publish_app, name="publish")

OUT = typer.Option(None, "--out", help="write to this file instead of standard output")
KEY = typer.Option(None, "--key", help="the log's verifier key (name+id+key) or a file holding it")
POLICY = typer.Option(
    None, "--policy", help="a tlog-policy file: checkpoints must be signed by its log and cosigned by its quorum"
)


def _trust(key: str | None, policy: str | None) -> audits.Trust | None:
    if policy:
        return inputs.policy_file(policy)
    return inputs.verifier_key(key) if key else None


def key_path(ctx: typer.Context) -> Path:
    return state(ctx).key_file


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        console.print(f"written to {out}")


@app.command()
def checkpoint(
    ctx: typer.Context,
    size: str | None = typer.Option(None, "--size", help="sign the tree of the first SIZE events (default: all)"),
    with_time: bool = typer.Option(False, "--time", help="add an extension line with the signing time (UTC)"),
    out: Path | None = OUT,
) -> None:
    """Sign the ledger's Merkle tree head as a C2SP checkpoint (the head: with the witnesses'
    cosignatures of it, when they gave them)."""
    signer = transparency.load_key(key_path(ctx))
    store = state(ctx).store()
    if size is None and not with_time:
        _write(transparency.published_checkpoint(store, signer, key_path(ctx)).note, out)
        return
    _write(transparency.checkpoint(store, signer, size=size, with_time=with_time).note, out)


@proof_app.command("inclusion")
def proof_inclusion(
    ctx: typer.Context,
    event: str = typer.Argument(..., metavar="EVENT", help="the event's sequence number or hash"),
    size: str | None = typer.Option(None, "--size", help="in the tree of the first SIZE events (default: all)"),
    out: Path | None = OUT,
) -> None:
    """Prove that an event is in the log (self-contained JSON, with the event's public view)."""
    doc = transparency.inclusion_proof(state(ctx).store(), event, size=size)
    _write(transparency.document(doc), out)


@proof_app.command("consistency")
def proof_consistency(
    ctx: typer.Context,
    old_size: str = typer.Argument(..., metavar="OLD_SIZE"),
    new_size: str | None = typer.Argument(None, metavar="[NEW_SIZE]", help="default: the whole log"),
    out: Path | None = OUT,
) -> None:
    """Prove that the tree of OLD_SIZE events is a prefix of the tree of NEW_SIZE events."""
    _write(transparency.document(transparency.consistency_proof(state(ctx).store(), old_size, new_size)), out)


@app.command()
def reveal(
    ctx: typer.Context,
    event: str = typer.Argument(..., metavar="EVENT", help="the event's sequence number or hash"),
    field: str = typer.Argument(..., metavar="FIELD", help="the withheld field, e.g. amount"),
    size: str | None = typer.Option(None, "--size", help="prove inclusion in the tree of the first SIZE events"),
    out: Path | None = OUT,
) -> None:
    """Reveal a withheld field's value and salt, with the proof that the log committed to it."""
    _write(transparency.document(transparency.reveal(state(ctx).store(), event, field, size=size)), out)


@key_app.command("export")
def key_export(ctx: typer.Context, out: Path | None = OUT) -> None:
    """Print the verifier key (name+key ID+public key) that checks this ledger's checkpoints."""
    _write(f"{transparency.load_key(key_path(ctx)).verifier}\n", out)


@key_app.command("rotate")
def key_rotate(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Hand the log over to a new signing key: a KeyRotated event signed by the current key.
    The new key replaces the key file; the old one is kept beside it, retired. Witnesses and
    auditors pinned to the old key need the new verifier key."""
    from ..services.log import signing

    st = state(ctx)
    path = key_path(ctx)
    verifier, outcome, retired = signing.rotate_key(st.store(), st.acting, path)
    seq = outcome.events[0].seq
    if as_json:
        emit_json({"key": str(verifier), "event": seq, "key_file": str(path), "retired": str(retired)})
        return
    console.print(f"the log's signing key was rotated (event #{seq}, KeyRotated, signed by the old key)")
    console.print(f"new verifier key: {verifier}", markup=False, highlight=False)
    console.print(f"the old key is kept at {retired}; give the new verifier key to your witnesses and auditors")


@publish_app.command("tiles")
def publish_tiles(
    ctx: typer.Context, directory: Path = typer.Argument(..., metavar="DIR"), as_json: bool = JSON
) -> None:
    """Write the checkpoint, tiles and entry bundles (C2SP tlog-tiles) for any static server."""
    signer = transparency.load_key(key_path(ctx))
    result = transparency.publish_tiles(state(ctx).store(), signer, directory, key_path(ctx))
    if as_json:
        emit_json(
            {"size": result.size, "written": result.written, "unchanged": result.kept, "directory": str(directory)}
        )
        return
    console.print(
        f"published the log of {result.size} events to {directory}: {result.written} files written, "
        f"{result.kept} unchanged"
    )


@publish_app.command("events")
def publish_events(ctx: typer.Context, file: Path = typer.Argument(..., metavar="FILE")) -> None:
    """Write the public view of every event, one JSON line each (withheld fields as commitments)."""
    with file.open("w", encoding="utf-8") as out:
        count = transparency.public_log(state(ctx).store(), out)
    console.print(f"{count} events written to {file}")


# --- audit: no database ---------------------------------------------------------------------------


def _run(check, *args, **kwargs) -> None:
    try:
        summary = check(*args, **kwargs)
    except audits.AuditFailed as exc:
        fail(f"INVALID: {exc}", CHECK_FAILED)
    except audits.AuditCannotRun as exc:  # bad input, as a file that cannot be read
        raise InvalidInput(exc.field, None, exc.reason) from None
    console.print(f"[green]valid[/]: {summary}", highlight=False)


def _optional(path: str | None, what: str) -> bytes | None:
    return inputs.read_bytes(path, what) if path else None


@audit_app.command("inclusion")
def audit_inclusion(
    file: str = typer.Argument(..., metavar="FILE", help="an inclusion proof (or reveal) JSON file"),
    checkpoint_file: str | None = typer.Option(
        None, "--checkpoint", help="a signed checkpoint to check the root against"
    ),
    key: str | None = KEY,
    tiles_at: str | None = typer.Option(None, "--tiles", help="also prove it from published tiles (DIR or URL)"),
    policy: str | None = POLICY,
) -> None:
    """Check an inclusion proof: exit 0 valid, 1 invalid (with the reason)."""
    verifier = _trust(key, policy)
    _run(
        audits.audit_inclusion,
        inputs.read_bytes(file, "file"),
        verifier=verifier,
        checkpoint=_optional(checkpoint_file, "checkpoint"),
        published=inputs.published(tiles_at) if tiles_at else None,
    )


@audit_app.command("serial")
def audit_serial(
    file: str = typer.Argument(..., metavar="FILE", help="a serial's proof file (`supplyline serial prove --out`)"),
    checkpoint_file: str | None = typer.Option(
        None, "--checkpoint", help="a signed checkpoint to check the log's root against"
    ),
    key: str | None = KEY,
    tiles_at: str | None = typer.Option(None, "--tiles", help="also prove the event from published tiles"),
    policy: str | None = POLICY,
) -> None:
    """Check that a serial is in a manifest whose root and count an event of the log states,
    and that the event is in the log: exit 0 valid, 1 invalid (with the reason)."""
    _run(
        serial_audit.audit_serial,
        inputs.read_bytes(file, "file"),
        verifier=_trust(key, policy),
        checkpoint=_optional(checkpoint_file, "checkpoint"),
        published=inputs.published(tiles_at) if tiles_at else None,
    )


@audit_app.command("consistency")
def audit_consistency(
    file: str = typer.Argument(..., metavar="FILE", help="a consistency proof JSON file"),
    checkpoint_files: list[str] = typer.Option(
        [], "--checkpoint", help="signed checkpoint(s) of either tree (repeatable)"
    ),
    key: str | None = KEY,
    policy: str | None = POLICY,
) -> None:
    """Check a consistency proof: exit 0 valid, 1 invalid (with the reason)."""
    verifier = _trust(key, policy)
    _run(
        audits.audit_consistency,
        inputs.read_bytes(file, "file"),
        verifier=verifier,
        checkpoints=[inputs.read_bytes(c, "checkpoint") for c in checkpoint_files],
    )


@audit_app.command("checkpoints")
def audit_checkpoints(
    old: str = typer.Argument(..., metavar="OLD", help="the older signed checkpoint"),
    new: str = typer.Argument(..., metavar="NEW", help="the newer signed checkpoint"),
    key: str | None = KEY,
    proof: str | None = typer.Option(None, "--proof", help="a consistency proof file from OLD's size to NEW's"),
    tiles_at: str | None = typer.Option(None, "--tiles", help="take the proof from published tiles (DIR or URL)"),
    policy: str | None = POLICY,
) -> None:
    """Check that NEW extends OLD, so a rewritten history is caught: exit 0 or 1."""
    _run(
        audits.audit_checkpoints,
        inputs.read_bytes(old, "old checkpoint"),
        inputs.read_bytes(new, "new checkpoint"),
        verifier=_trust(key, policy),
        proof=_optional(proof, "proof"),
        published=inputs.published(tiles_at) if tiles_at else None,
    )


@audit_app.command("reveal")
def audit_reveal(
    file: str = typer.Argument(..., metavar="FILE", help="a file written by `supplyline reveal`"),
    checkpoint_file: str | None = typer.Option(
        None, "--checkpoint", help="a signed checkpoint to check the root against"
    ),
    key: str | None = KEY,
) -> None:
    """Check a revealed value against its commitment in the signed log: exit 0 or 1."""
    verifier = inputs.verifier_key(key) if key else None
    _run(
        audits.audit_reveal,
        inputs.read_bytes(file, "file"),
        verifier=verifier,
        checkpoint=_optional(checkpoint_file, "checkpoint"),
    )


@audit_app.command("log")
def audit_log(
    file: str = typer.Argument(..., metavar="FILE", help="a public log written by `supplyline publish events`"),
    checkpoint_file: str | None = typer.Option(None, "--checkpoint", help="a signed checkpoint of the log"),
    key: str | None = KEY,
    policy: str | None = POLICY,
) -> None:
    """Re-walk a public log and check it against a signed checkpoint: exit 0 or 1."""
    verifier = _trust(key, policy)
    lines = inputs.read_bytes(file, "file").splitlines()
    _run(audits.audit_log, lines, verifier=verifier, checkpoint=_optional(checkpoint_file, "checkpoint"))


@audit_app.command("follow")
def audit_follow(
    tiles_at: str = typer.Option(..., "--tiles", help="the published log (DIR or URL)"),
    state_file: Path = typer.Option(Path("monitor.json"), "--state", help="what was seen so far (resumes from it)"),
    key: str | None = KEY,
    policy: str | None = POLICY,
    interval: float = typer.Option(60.0, "--interval", min=0.1, help="seconds between rounds"),
    once: bool = typer.Option(False, "--once", help="one round, then exit"),
) -> None:
    """Keep following a published log: each new checkpoint must extend the last seen, every
    new tile and entry must match the tree. Exit 1 naming the first inconsistency."""
    import time

    from ..services.log import monitor

    trust = _trust(key, policy)
    while True:
        _run(monitor.follow_once, tiles_at, trust, state_file)
        if once:
            return
        time.sleep(interval)

"""The signing key at work: attached to a store (signing on commit), pinned in the log,
rotated by the old key."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ... import settings as settings_module
from ...domain import logkey
from ...domain.errors import InvalidInput
from ...domain.logkey import LOG, LogKey
from ...ledger.note import Signer, Verifier
from ...ledger.policy import Policy, PolicyError, parse_policy
from ...store import keyfile
from ...store.eventstore import Store
from ...store.signing import CommitSigner, checkpoint_file
from ..context import Actor, Outcome
from .witnessing import Witnessing, cosigned_file


def attach(
    store: Store, key_file: Path, *, background: bool = False, warn: Callable[[str], None] | None = None
) -> CommitSigner | None:
    """Sign every write of ``store`` with the key at ``key_file`` (if there is one there),
    and have the witnesses of ``SUPPLYLINE_WITNESS_POLICY`` cosign each new checkpoint
    (``background``: from a thread of its own, as the server does; ``warn``: told of each
    witness that did not cosign, besides the log)."""
    if not key_file.exists():
        return None
    store.signing = CommitSigner(keyfile.load(key_file), checkpoint_file(key_file), key_file=key_file)
    settings = settings_module.load()
    if settings.witness_policy:
        policy = load_policy(settings.witness_policy)
        witnessing = Witnessing(
            store, policy, cosigned_file(key_file), timeout=settings.witness_timeout, background=background
        )
        if warn is not None:
            witnessing.told.append(warn)
        store.signing.on_commit.append(witnessing.submit)
    return store.signing


def load_policy(path: str) -> Policy:
    try:
        return parse_policy(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput("policy", path, f"cannot be read ({exc.strerror})") from None
    except PolicyError as exc:
        raise InvalidInput("policy", path, str(exc)) from None


def pin_key(store: Store, actor: Actor) -> Outcome | None:
    """Name the attached key in the log (KeyPinned), unless the log already names one;
    ``init`` does this, so an existing ledger gets its key pinned by its next `init`."""
    if store.signing is None:
        return None
    with store.write(actor.party, actor.meta()) as uow:
        key = uow.get(LogKey, LOG)
        if key.exists:
            return None
        return Outcome(LOG, uow.record(key, logkey.pin(key, store.signing.verifier)))


def rotate_key(store: Store, actor: Actor, key_file: Path) -> tuple[Verifier, Outcome, Path]:
    """Hand the log over to a new key: the old key signs the rotation (a KeyRotated event);
    the rotation's checkpoint is signed by both keys, later ones by the new key alone. The new
    key is written to ``<key>.new`` first and moved in place after the commit; the old one is
    kept as ``<key>.retired-<key ID>``, which is returned."""
    old = keyfile.load(key_file)
    fresh = Signer.generate(old.name)
    staged = key_file.with_name(key_file.name + ".new")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"{fresh}\n")
    signing = store.signing
    if signing is None or str(signing.verifier) != str(old.verifier):
        signing = store.signing = CommitSigner(old, checkpoint_file(key_file), key_file=key_file)
    signing.handover = fresh
    try:
        with store.write(actor.party, actor.meta()) as uow:
            key = uow.load(LogKey, LOG, field="signing_key")
            outcome = Outcome(LOG, uow.record(key, logkey.rotate(key, old, fresh.verifier)))
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    finally:
        signing.handover = None
    retired = key_file.with_name(f"{key_file.name}.retired-{old.verifier.id.hex()}")
    os.replace(key_file, retired)
    os.replace(staged, key_file)
    signing.follow_rotation_to(fresh, key_file)
    return fresh.verifier, outcome, retired

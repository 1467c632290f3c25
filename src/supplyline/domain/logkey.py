"""The log's own signing key, named in the log: pinned by the first event, changed only by a
rotation that the old key signs.

Why in the log: the key file sits outside the database, so whoever swaps it could sign a
rewritten history; a key the log names (under checkpoints already signed) cannot be swapped
without the log saying so. A rotation carries a signed note by the old key naming the new
one, so only the holder of the old key can hand the log over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ledger.note import NoteError, Signer, Verifier, open_note
from .entity import Entity, Event, require_exists, require_new
from .errors import InvalidInput, Refused
from .events import KeyPinned, KeyRotated

#: the one stream of key events: ``logkey:LOG``
LOG = "LOG"
_HEADER = "supplyline key rotation"


def rotation_text(old: Verifier, new: Verifier) -> str:
    return f"{_HEADER}\nfrom {old}\nto {new}\n"


@dataclass
class LogKey(Entity):
    KIND = "logkey"
    LABEL = "log signing key"

    #: every key the log has named, oldest first; the last is the current one
    verifiers: list[str] = field(default_factory=list)

    @property
    def current(self) -> Verifier | None:
        return Verifier.parse(self.verifiers[-1]) if self.verifiers else None

    def _on_KeyPinned(self, e: KeyPinned) -> None:
        self.verifiers = [e.verifier]

    def _on_KeyRotated(self, e: KeyRotated) -> None:
        self.verifiers = [*self.verifiers, e.verifier]


def pin(key: LogKey, verifier: Verifier) -> list[Event]:
    require_new(key)
    return [KeyPinned(verifier=str(verifier))]


def rotate(key: LogKey, old: Signer, new: Verifier) -> list[Event]:
    """The rotation to ``new``, signed by ``old`` (which must be the key the log names)."""
    require_exists(key)
    current = key.current
    if current is None or str(current) != str(old.verifier):
        raise Refused(
            f"the key given ({old.verifier}) is not the one the log names ({current}): only it can rotate",
            field="signing_key",
        )
    if str(new) == str(current):
        raise InvalidInput("new_key", str(new), "is already the log's key")
    statement = old.sign(rotation_text(current, new))
    return [KeyRotated(verifier=str(new), previous=str(current), statement=statement)]


def check_rotation(previous: str, verifier: str, statement: str) -> str | None:
    """Why a KeyRotated event is not a valid hand-over from ``previous``; None if it is."""
    try:
        old, new = Verifier.parse(previous), Verifier.parse(verifier)
        text, _ = open_note(statement.encode(), [old])
    except NoteError as exc:
        return f"the rotation is not signed by the previous key: {exc}"
    if text != rotation_text(old, new):
        return "the rotation statement names other keys than the event"
    return None

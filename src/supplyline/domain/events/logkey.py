"""Events of the log's own signing key: pinned once, then rotated by the old key."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Event


@dataclass(frozen=True, kw_only=True)
class KeyPinned(Event):
    verifier: str  # the signed-note verifier key, as text


@dataclass(frozen=True, kw_only=True)
class KeyRotated(Event):
    verifier: str  # the new key
    previous: str  # the key it replaces
    statement: str  # the signed note by ``previous`` naming both

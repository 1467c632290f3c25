"""Commit now, reveal later: withheld fields inside hashed events.

A field of an event payload that is not public is replaced, before the event is hashed, by
a marker holding its disclosure level, its embargo date and a salted commitment:

    "amount": {"$withheld": {"commitment": "<64 hex>", "embargo": "2027-01-01", "level": "confidential"}}

commitment = SHA-256(salt || canonical JSON of the value), with a fresh 32-byte random
salt per field. The event's hash, and so the Merkle tree and every signed checkpoint, covers
the commitment; the value and its salt (a ``Secret``) are stored apart from the log. Showing
(value, salt) later lets anyone check it against the commitment in the signed log, and a
value changed or deleted after the fact no longer matches.

``event_view`` is the one function that decides what of an event a reader sees; the public
export, proofs, the API and the OCDS export call it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .canonical import canonical, parse
from .chain import StoredEvent

MARK = "$withheld"
LEVELS = ("public", "parties", "confidential")
PUBLIC = frozenset({"public"})
SALT_SIZE = 32
_HEX64 = re.compile(r"[0-9a-f]{64}")


class DisclosureError(ValueError):
    """A revealed value that does not match its commitment, or a malformed marker."""


@dataclass(frozen=True)
class Withholding:
    level: str  # parties | confidential
    embargo: str | None = None  # ISO date from which the value is public, or None


@dataclass(frozen=True)
class Secret:
    """A withheld field's value and the salt of its commitment."""

    field: str
    value: Any
    salt: bytes

    @property
    def commitment(self) -> str:
        return commitment(self.value, self.salt)

    def to_json(self) -> dict:
        return {"value": self.value, "salt": self.salt.hex()}


def commitment(value: Any, salt: bytes) -> str:
    return hashlib.sha256(salt + canonical(value).encode("utf-8")).hexdigest()


def seal(
    data: Mapping[str, Any], rules: Mapping[str, Withholding], new_salt: Callable[[], bytes]
) -> tuple[dict, list[Secret]]:
    """The payload to hash and store (withheld fields replaced by markers), and the secrets."""
    sealed = dict(data)
    secrets: list[Secret] = []
    for field, rule in rules.items():
        if field not in data or rule.level == "public":
            continue
        secret = Secret(field, data[field], new_salt())
        marker = {"commitment": secret.commitment, "level": rule.level, "embargo": rule.embargo}
        sealed[field] = {MARK: marker}
        secrets.append(secret)
    return sealed, secrets


def markers(payload: Mapping[str, Any]) -> dict[str, dict]:
    """The withheld fields of a stored payload: field -> {commitment, level, embargo}."""
    out = {}
    for field, value in payload.items():
        if isinstance(value, dict) and MARK in value:
            marker = value[MARK]
            if (
                len(value) != 1
                or not isinstance(marker, dict)
                or set(marker) != {"commitment", "level", "embargo"}
                or not isinstance(marker["commitment"], str)
                or not _HEX64.fullmatch(marker["commitment"])
                or marker["level"] not in LEVELS[1:]
            ):
                raise DisclosureError(f"field '{field}' has a malformed withheld marker")
            out[field] = marker
    return out


def has_markers(payload_text: str) -> bool:
    """Cheap pre-check on the stored canonical text before parsing it."""
    return f'"{MARK}"' in payload_text


def check(payload: Mapping[str, Any], secret: Secret) -> None:
    """Raise DisclosureError unless ``secret`` opens the commitment of its field in ``payload``."""
    marker = markers(payload).get(secret.field)
    if marker is None:
        raise DisclosureError(f"field '{secret.field}' is not withheld in this event")
    if secret.commitment != marker["commitment"]:
        raise DisclosureError(
            f"the value of field '{secret.field}' does not match its commitment ({marker['commitment'][:16]}…)"
        )


def unseal(payload: Mapping[str, Any], secrets: Iterable[Secret]) -> dict:
    """The real payload, for replay by readers entitled to every field."""
    out = dict(payload)
    for secret in secrets:
        out[secret.field] = secret.value
    return out


def visible(marker: Mapping[str, Any], sees: Collection[str], on: date) -> bool:
    if marker["level"] in sees:
        return True
    return marker["embargo"] is not None and date.fromisoformat(marker["embargo"]) <= on


REPEATS = "$repeats"


def event_view(
    event: StoredEvent,
    secrets: Iterable[Secret],
    *,
    sees: Collection[str],
    on: date,
    repeats: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict:
    """An event as a reader may see it.

    Everything that was hashed stays as it is (so anyone can recompute the event's hash and
    its Merkle leaf); for each withheld field the reader may see (its level is in ``sees``,
    or its embargo has passed by ``on``), ``revealed[field]`` adds the value and the salt
    that open the commitment. Fields the reader may not see show only their commitment.

    ``repeats`` names fields in clear that repeat a value another event withholds (field ->
    that event's ``{"event", "field", "commitment", "level", "embargo"}``): unless the reader
    may see it there, the field shows ``{"$repeats": ...}`` instead, and ``redacted`` lists
    it. Such a view no longer rehashes to its hash: a verifier takes the hash as stated (the
    signed tree covers it) and cannot check that event's contents."""
    view = event.to_json()
    payload = view["payload"]
    found = markers(payload)
    given = repeats or {}
    redacted = sorted(name for name, why in given.items() if name in payload and not visible(why, sees, on))
    for name in redacted:
        payload[name] = {REPEATS: dict(given[name])}
    if redacted:
        view["redacted"] = redacted
    revealed = {}
    for secret in secrets:
        marker = found.get(secret.field)
        if marker is not None and visible(marker, sees, on):
            revealed[secret.field] = secret.to_json()
    if revealed:
        view["revealed"] = revealed
    return view


def public_view(
    event: StoredEvent,
    secrets: Iterable[Secret] = (),
    *,
    on: date,
    repeats: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict:
    """What the public may see of an event on day ``on``: ``event_view`` for the public."""
    return event_view(event, secrets, sees=PUBLIC, on=on, repeats=repeats)


def secret_from_json(field: str, data: Any) -> Secret:
    """A revealed (value, salt) as found in a view or a reveal file, strictly checked."""
    if not isinstance(data, dict) or set(data) != {"value", "salt"}:
        raise DisclosureError(f"the revealed field '{field}' must have exactly 'value' and 'salt'")
    salt = data["salt"]
    if not isinstance(salt, str) or not _HEX64.fullmatch(salt):
        raise DisclosureError(f"the salt of field '{field}' is not {SALT_SIZE} bytes of lowercase hex")
    return Secret(field, data["value"], bytes.fromhex(salt))


def stored_secret(field: str, value_text: str, salt_hex: str) -> Secret:
    return Secret(field, parse(value_text), bytes.fromhex(salt_hex))

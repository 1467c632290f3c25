"""API tokens: a credential bound to one party acting in one role, issued and revoked on the
ledger so that who could act, and from when to when, is audited like everything else.

The ledger keeps only a SHA-256 digest of the secret. The secret is 256 random bits, so
the digest cannot be inverted or guessed, and a slow password hash (which exists to protect
low-entropy human passwords) would add nothing but latency to every request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .access import parse_role
from .entity import Entity, Event, require_exists, require_new
from .errors import TransitionRefused
from .events import TokenIssued, TokenRevoked
from .values import parse_id, parse_text

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class ApiToken(Entity):
    KIND = "token"
    LABEL = "API token"

    party: str = ""
    role: str = ""
    secret_sha256: str = ""
    label: str = ""
    issued_at: str = ""
    state: str = "active"
    revoked_at: str | None = None
    revoked_reason: str = ""

    @property
    def active(self) -> bool:
        return self.exists and self.state == "active"

    def _on_TokenIssued(self, e: TokenIssued) -> None:
        self.party, self.role, self.secret_sha256 = e.party, e.role, e.secret_sha256
        self.label, self.issued_at = e.label, e.issued_at

    def _on_TokenRevoked(self, e: TokenRevoked) -> None:
        self.state = "revoked"
        self.revoked_at, self.revoked_reason = e.revoked_at, e.reason


def issue(token: ApiToken, *, party: str, role: object, secret_sha256: str, label: object, at: str) -> list[Event]:
    parse_id("id", token.id)
    require_new(token)
    if not _DIGEST.match(secret_sha256):
        raise ValueError("secret_sha256 must be a lower-case hex SHA-256 digest")
    return [
        TokenIssued(
            id=token.id,
            party=party,
            role=parse_role("role", role),
            secret_sha256=secret_sha256,
            label=parse_text("label", label, max_length=200, allow_empty=True),
            issued_at=at,
        )
    ]


def revoke(token: ApiToken, *, reason: object, at: str) -> list[Event]:
    require_exists(token)
    if token.state != "active":
        raise TransitionRefused(token.LABEL, token.id, token.state, "revoke", ())
    return [TokenRevoked(reason=parse_text("reason", reason, allow_empty=True), revoked_at=at)]

"""An audit's inputs, read for ``supplyline audit``: files (proofs, checkpoints, keys,
policies, reveals) and published tiles from a directory or a URL. The checks themselves are
pure and live in ledger/audit.py.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ...domain.errors import InvalidInput
from ...ledger.audit import AuditFailed, PublishedLog
from ...ledger.note import NoteError, Verifier
from ...ledger.policy import Policy, PolicyError, parse_policy

#: proofs, checkpoints, keys and reveals are a few kilobytes; an endless file (/dev/zero)
#: must not be read to the end
MAX_AUDIT_FILE = 16 * 2**20


def read_bytes(path: str, what: str) -> bytes:
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_AUDIT_FILE + 1)
    except OSError as exc:
        raise InvalidInput(what, path, f"cannot be read ({exc.strerror})") from None
    if len(data) > MAX_AUDIT_FILE:
        raise InvalidInput(what, path, f"is larger than {MAX_AUDIT_FILE // 2**20} MB: not a proof, checkpoint or key")
    return data


def verifier_key(text_or_path: str) -> Verifier:
    """A verifier key given as text (``name+id+key``) or as a file holding it."""
    text = text_or_path
    if Path(text_or_path).is_file():
        text = read_bytes(text_or_path, "key").decode("utf-8", "replace").strip()
    try:
        return Verifier.parse(text)
    except NoteError as exc:
        raise InvalidInput("key", text_or_path, str(exc)) from None


def policy_file(path: str) -> Policy:
    try:
        return parse_policy(read_bytes(path, "policy").decode("utf-8", "replace"))
    except PolicyError as exc:
        raise InvalidInput("policy", path, str(exc)) from None


def tile_source(location: str) -> Callable[[str], bytes | None]:
    """``get(path)``: the bytes at ``location/path``, or None if there is no such resource."""
    if location.startswith(("http://", "https://")):
        base = location.rstrip("/") + "/"

        def get_url(path: str) -> bytes | None:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return None
                raise AuditFailed(f"{base + path}: HTTP {exc.code}") from None
            except urllib.error.URLError as exc:
                raise InvalidInput("tiles", location, f"cannot be reached ({exc.reason})") from None

        return get_url
    root = Path(location)
    if not root.is_dir():
        raise InvalidInput("tiles", location, "is not a directory or an http(s) URL")

    def get_file(path: str) -> bytes | None:
        target = root / path
        return target.read_bytes() if target.is_file() else None

    return get_file


def published(location: str) -> PublishedLog:
    """The log published at ``location`` (a directory or an http(s) URL)."""
    return PublishedLog(location, tile_source(location))

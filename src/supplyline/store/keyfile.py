"""The ledger's signing key: a file of its own, never inside the database.

Why a file beside the database and not a row in it: the database is what auditors copy,
back up and export, and what a rogue administrator could rewrite. If the key lived there,
whoever can rewrite the history could also sign the rewritten one. Kept apart (0600, only
the ledger's operator reads it), rewriting history undetected needs both the database and
the key file. The file holds the key in the format of Go's ``sumdb/note`` signer keys
(``PRIVATE+KEY+<name>+<id>+<base64>``), so ecosystem tools can use it too.

Default location: ``<database file>.key`` for SQLite, ``./supplyline.key`` otherwise;
``SUPPLYLINE_SIGNING_KEY`` names another path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from ..domain.errors import InvalidInput, Refused
from ..ledger.note import NoteError, Signer


def default_path(db_url: str) -> Path:
    try:
        url = make_url(db_url)
    except Exception:
        return Path("supplyline.key")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(f"{url.database}.key")
    return Path("supplyline.key")


def location(db_url: str, configured: str | None = None) -> Path:
    """Where the key of the ledger at ``db_url`` lives: ``configured`` (SUPPLYLINE_SIGNING_KEY)
    if given, else the default. The CLI and the API resolve it the same way."""
    return Path(configured) if configured else default_path(db_url)


def create(path: Path, name: str) -> tuple[Signer, bool]:
    """The key at ``path``, created (0600) if there is none; an existing key is never
    overwritten. Returns the key and whether it was created now."""
    if path.exists():
        return load(path), False
    signer = Signer.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another init won the race: use its key
        return load(path), False
    with os.fdopen(fd, "w") as out:
        out.write(f"{signer}\n")
    return signer, True


def load(path: Path) -> Signer:
    if not path.exists():
        raise Refused(
            f"no signing key at {path}: run `supplyline init` (or set SUPPLYLINE_SIGNING_KEY)",
            field="signing_key",
            value=str(path),
        )
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise Refused(
            f"the signing key {path} is readable by others: chmod 600 it", field="signing_key", value=str(path)
        )
    try:
        return Signer.parse(path.read_text())
    except NoteError as exc:
        raise InvalidInput("signing_key", str(path), str(exc)) from None

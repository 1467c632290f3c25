"""The content-addressed store of documents' bytes: each blob is named by its SHA-256, so a
blob is written once whoever attaches it, and reading it back can be checked against the
hash in the log.

Why beside the database and never in it: the log is what is copied, published and
exported, and a document may be confidential; its hash in the log is enough to prove later
which bytes were attached. Where: ``SUPPLYLINE_BLOBS`` (a directory or any fsspec URL, e.g.
``s3://bucket/supplyline`` with the matching fsspec package installed), else
``<database file>.blobs/`` for SQLite and ``./supplyline-blobs`` otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import fsspec
from sqlalchemy.engine import make_url


def default_location(db_url: str) -> str:
    try:
        url = make_url(db_url)
    except Exception:
        return "supplyline-blobs"
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return f"{url.database}.blobs"
    return "supplyline-blobs"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BlobStore:
    """Blobs under ``location``, as ``<first two hex digits>/<sha256>``."""

    location: str

    def _fs(self) -> tuple[fsspec.AbstractFileSystem, str]:
        fs, root = fsspec.core.url_to_fs(self.location)
        return fs, root.rstrip("/")

    def _path(self, root: str, digest: str) -> str:
        return f"{root}/{digest[:2]}/{digest}"

    def put(self, data: bytes) -> str:
        """Store ``data`` (once: a blob already there is the same bytes) and return its SHA-256."""
        digest = sha256(data)
        fs, root = self._fs()
        path = self._path(root, digest)
        if not fs.exists(path):
            fs.makedirs(f"{root}/{digest[:2]}", exist_ok=True)
            # written under a temporary name and moved, so a reader never sees half a blob
            fs.pipe_file(f"{path}.part", data)
            fs.mv(f"{path}.part", path)
        return digest

    def get(self, digest: str) -> bytes | None:
        """The bytes stored under ``digest``, or None when there are none (not checked here:
        ``verify`` and the download re-hash them)."""
        fs, root = self._fs()
        path = self._path(root, digest)
        return fs.cat_file(path) if fs.exists(path) else None


def at(db_url: str, configured: str | None = None) -> BlobStore:
    """The blob store of the ledger at ``db_url``: ``configured`` (SUPPLYLINE_BLOBS) if given."""
    return BlobStore(configured or default_location(db_url))

"""Files sent to the API: how large they may be, what they are (read from their bytes, never
from their names alone), and a private directory where the services read them.

The import services read files by path, as the CLI hands them the user's own files. An
upload is written under a clean name into a temporary directory of its own, which is
removed when the request ends; a problem the services find in a file names the upload
field it came from (``file``, ``mapping``, ``release_info``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Literal

from fastapi import UploadFile
from starlette.requests import Request

from ..engines.interchange.spreadsheet import FileRefused
from . import problems
from .problems import ApiProblem

MB = 2**20
#: a whole upload request (files and form fields)
MAX_REQUEST = 20 * MB
#: a mapping file or a Kiel release_info.csv: a few lines of settings
MAX_SMALL_FILE = 1 * MB
#: what an XLSX workbook (a ZIP archive) may unpack to: a guard against ZIP bombs
MAX_UNPACKED = 200 * MB
#: rows one spreadsheet upload may record: they are decided while the ledger lock is held
MAX_ROWS = 5000

#: what an upload endpoint may answer besides the others, for the OpenAPI document
TOO_LARGE: dict[int | str, dict] = {
    413: problems.documented(
        f"the request is larger than {MAX_REQUEST // MB} MB, a mapping or release_info file larger than "
        f"{MAX_SMALL_FILE // MB} MB, a workbook unpacks to more than {MAX_UNPACKED // MB} MB, or a spreadsheet "
        f"holds more than {MAX_ROWS} rows"
    )
}

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE compound files
_UNSAFE = re.compile(r"[^\w.() -]")
_SPREADSHEET_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class UploadLimit:
    """ASGI middleware refusing request bodies above ``limit`` bytes under ``prefix`` (but not
    under ``besides``, which have their own) with a 413 problem document: at once when
    Content-Length says so, otherwise as soon as the bytes received pass the limit (the rest
    is not read)."""

    def __init__(self, app, *, prefix: str, limit: int = MAX_REQUEST, besides: tuple[str, ...] = ()):
        self.app, self.prefix, self.limit, self.besides = app, prefix, limit, besides

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or path.startswith(self.besides):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received, exceeded, started = 0, False, False

        async def counted():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def sent(message):
            nonlocal started
            if exceeded:  # the app's answer to a body cut short is replaced by the 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted, sent)
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope, receive, send) -> None:
        size = f"{self.limit // MB} MB" if self.limit % MB == 0 else f"{self.limit:,} bytes"
        response = problems.problem(
            413, "too-large", f"the request body is larger than {size}", Request(scope), field="body"
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def clean_name(filename: str | None, default: str) -> str:
    """The last part of a client's file name, with only letters, digits and . _ - ( ) and
    spaces (a name is shown in messages and in the events' import meta, never used as a path)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip(" .")[:120]
    return name or default


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Workspace:
    """A private temporary directory for one request's uploads."""

    def __enter__(self) -> Workspace:
        self.dir = Path(tempfile.mkdtemp(prefix="supplyline-upload-"))
        self.fields: dict[str, str] = {}  # file name as the services see it -> upload field
        self.digests: dict[str, str] = {}  # upload field -> SHA-256 of its bytes
        return self

    def __exit__(self, exc_type, exc, tb) -> Literal[False]:
        shutil.rmtree(self.dir, ignore_errors=True)
        if isinstance(exc, FileRefused) and exc.source in self.fields:
            exc.field = self.fields[exc.source]
        return False

    def _read(self, field: str, upload: UploadFile, limit: int | None = None) -> bytes:
        data = upload.file.read()
        if limit is not None and len(data) > limit:
            raise ApiProblem(413, "too-large", f"{field}: is larger than {limit // MB} MB", field=field)
        self.digests[field] = sha256(data)
        return data

    def _put(self, field: str, name: str, data: bytes, *, folder: str | None = None) -> Path:
        directory = self.dir / (folder or field)
        directory.mkdir(exist_ok=True)
        path = directory / name
        path.write_bytes(data)
        self.fields[name] = field
        return path

    def spreadsheet(self, field: str, upload: UploadFile) -> Path:
        """A CSV file or an XLSX workbook, told apart by its bytes; a name that claims the
        other format is refused rather than guessed past."""
        data = self._read(field, upload)
        name = clean_name(upload.filename, "upload")
        found = _spreadsheet_kind(field, data)
        stem, suffix = _split(name)
        claimed = _SPREADSHEET_SUFFIXES.get(suffix)
        if claimed is not None and claimed != found:
            what = "an XLSX workbook" if found == "xlsx" else "text (CSV), not an XLSX workbook"
            raise ApiProblem(422, "invalid-file", f"{field}: '{name}' is named {suffix} but holds {what}", field=field)
        return self._put(field, f"{stem}.{found}", data)

    def text(
        self,
        field: str,
        upload: UploadFile,
        *,
        name: str | None = None,
        folder: str | None = None,
        limit: int | None = None,
    ) -> Path:
        """A CSV file the services read as text (ECB rates, the Kiel tracker)."""
        data = self._read(field, upload, limit)
        if data.startswith(_ZIP):
            raise ApiProblem(
                422, "invalid-file", f"{field}: is a ZIP archive; upload the CSV file inside it", field=field
            )
        return self._put(field, name or clean_name(upload.filename, f"{field}.csv"), data, folder=folder)

    def mapping(self, field: str, upload: UploadFile) -> Path:
        """A column-mapping file: its name's ending (.yaml, .yml, .toml) picks the parser,
        which then checks every setting (see engines/interchange/spreadsheet.py)."""
        data = self._read(field, upload, MAX_SMALL_FILE)
        return self._put(field, clean_name(upload.filename, "mapping"), data)

    def rejects_path(self, path: Path) -> Path:
        stem, suffix = _split(path.name)
        return self.dir / f"{stem}.rejects{suffix}"


def within_row_limit(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise ApiProblem(
            413,
            "too-large",
            f"file: {len(rows)} rows; an upload records at most {MAX_ROWS} (split the file)",
            field="file",
        )


def reject_file(path: str | None) -> dict | None:
    """A reject file the service wrote, as the answer carries it (the client writes it)."""
    if path is None:
        return None
    target = Path(path)
    fmt = "xlsx" if target.suffix == ".xlsx" else "csv"
    return {
        "filename": target.name,
        "media_type": MEDIA_TYPES[fmt],
        "content_base64": base64.b64encode(target.read_bytes()).decode("ascii"),
    }


def _split(name: str) -> tuple[str, str]:
    path = PurePosixPath(name)
    suffix = path.suffix.lower()
    return (path.stem, suffix) if suffix else (name, "")


def _spreadsheet_kind(field: str, data: bytes) -> str:
    if data.startswith(_OLE2):
        raise ApiProblem(
            422, "invalid-file", f"{field}: is an Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV", field=field
        )
    if not data.startswith(_ZIP):
        return "csv"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ApiProblem(
            422, "invalid-file", f"{field}: is not a readable XLSX workbook (a damaged ZIP archive)", field=field
        ) from None
    if unpacked > MAX_UNPACKED:
        raise ApiProblem(413, "too-large", f"{field}: unpacks to more than {MAX_UNPACKED // MB} MB", field=field)
    return "xlsx"

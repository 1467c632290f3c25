"""plotly.js as the dashboard serves it (issue 21 item 4): the bundle of the installed Plotly
package, under a URL naming its version so a browser keeps it for a year without asking
again, gzip-compressed once (4.8 MB become about 1.4 MB) for every client that accepts it,
with an ETag for the clients that ask anyway. Nothing is fetched from elsewhere."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache

import plotly.offline
from fastapi import Request
from fastapi.responses import Response

from .pages import router
from .rendering import templates

VERSION = plotly.offline.get_plotlyjs_version()
#: the one address pages load it from (charts.html): a new Plotly release is a new address
URL = f"/static/plotly-{VERSION}.min.js"
YEAR = 365 * 24 * 3600
templates.env.globals["plotly_url"] = URL


@cache
def _bundle() -> tuple[bytes, bytes, str]:
    """(plain bytes, gzip bytes, ETag), made on the first request and kept."""
    plain = plotly.offline.get_plotlyjs().encode()
    # mtime=0: the same bytes on every start, so the ETag can name the plain bundle's hash
    return plain, gzip.compress(plain, compresslevel=9, mtime=0), f'"{hashlib.sha256(plain).hexdigest()[:32]}"'


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00"):
            return True
    return False


def _answer(request: Request, cache_control: str) -> Response:
    plain, packed, etag = _bundle()
    headers = {"Cache-Control": cache_control, "ETag": etag, "Vary": "Accept-Encoding"}
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    if _accepts_gzip(request):
        return Response(packed, media_type="application/javascript", headers={**headers, "Content-Encoding": "gzip"})
    return Response(plain, media_type="application/javascript", headers=headers)


@router.get("/static/plotly-{version}.min.js")
def plotly_versioned(request: Request, version: str) -> Response:
    if version != VERSION:
        return Response(f"this server has plotly.js {VERSION}\n", status_code=404, media_type="text/plain")
    return _answer(request, f"public, max-age={YEAR}, immutable")


@router.get("/static/plotly.js")
def plotly_js(request: Request) -> Response:
    # the unversioned address pages named before: kept for a day, revalidated by its ETag
    return _answer(request, "public, max-age=86400")

"""plotly.js served compressed and cached (issue 21 item 4): pages name it under its version's
address, kept a year without asking again; gzip to every client that accepts it, the plain
bundle to the others, 304 to a client that already has it. Nothing comes from elsewhere."""

from __future__ import annotations

import gzip

import plotly
import plotly.offline
from fastapi.testclient import TestClient

from supplyline.api import create_app
from supplyline.web import plotly_asset


def test_plotly_js_is_served_gzipped_immutable_under_its_version(sqlite_store):
    client = TestClient(create_app(sqlite_store, read_cache=False))
    page = client.get("/")
    assert f'<script src="/static/plotly-{plotly.offline.get_plotlyjs_version()}.min.js"></script>' in page.text
    plain = plotly.offline.get_plotlyjs().encode()

    packed = client.get(plotly_asset.URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.content == plain  # the client unpacked it: the very bundle of the installed package
    size = int(packed.headers["content-length"])
    assert size == len(gzip.compress(plain, compresslevel=9, mtime=0))
    assert size < len(plain) / 3  # 4.8 MB become about 1.5 MB

    unpacked = client.get(plotly_asset.URL, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in unpacked.headers
    assert unpacked.content == plain
    refused = client.get(plotly_asset.URL, headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers

    again = client.get(plotly_asset.URL, headers={"If-None-Match": packed.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/static/plotly-0.0.1.min.js").status_code == 404
    legacy = client.get("/static/plotly.js", headers={"Accept-Encoding": "gzip"})
    assert legacy.headers["cache-control"] == "public, max-age=86400" and legacy.content == plain

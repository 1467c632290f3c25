"""Uploaded HTML and SVG are never rendered (issue 18): attached through the API with script
inside, they come back from the API and from the dashboard's links as downloads, served as
bytes (application/octet-stream, attachment, nosniff), and their script never runs. A module
of its own: the uploads change the ledger the dashboard tests count."""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from .conftest import Visit

#: each file calls home when its script runs: a request to /ran-… would show it did
HTML = b"<!DOCTYPE html><html><body><h1>hi</h1><script>fetch('/ran-html')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/ran-svg")</script><circle r="9"/></svg>'


def _download(visit: Visit, path: str):
    # the navigation ends in a download, not a page
    with visit.page.expect_download() as info, contextlib.suppress(PlaywrightError):
        visit.page.goto(visit.base + path)
    return info.value


def test_uploaded_html_and_svg_are_downloaded_never_rendered(browser, live):
    base, secrets = live
    visit = Visit(browser, base)
    bearer = {"Authorization": f"Bearer {secrets['auditor']}"}
    attached = {}
    for name, data, media in (("page.html", HTML, "text/html"), ("drawing.svg", SVG, "image/svg+xml")):
        answer = visit.context.request.post(
            f"{base}/api/v1/documents",
            headers=bearer,
            multipart={
                "file": {"name": name, "mimeType": media, "buffer": data},
                "record": "contract:CT-NL-1",
                "type": "other",
                "lang": "en",
            },
        )
        assert answer.status == 201, answer.text()
        attached[name] = answer.json()["id"]
        shown = visit.context.request.get(f"{base}/api/v1/documents/{attached[name]}", headers=bearer).json()
        assert shown["media_type"] == media  # judged from the bytes, kept as found

    # through the API, with the auditor's token on every request
    visit.context.set_extra_http_headers(bearer)
    html = _download(visit, f"/api/v1/documents/{attached['page.html']}/content")
    assert html.suggested_filename == attached["page.html"]
    assert Path(html.path()).read_bytes() == HTML
    fetched = visit.context.request.get(f"{base}/api/v1/documents/{attached['drawing.svg']}/content", headers=bearer)
    assert fetched.headers["content-type"] == "application/octet-stream"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert fetched.headers["content-disposition"] == f'attachment; filename="{attached["drawing.svg"]}"'
    visit.close()

    # through the dashboard: the package page links each document as a download
    visit = Visit(browser, base)
    visit.sign_in(secrets["auditor"])
    visit.go("/packages/PKG-NL-1", shot="package-documents")
    assert "drawing.svg contract:CT-NL-1 other en 95" in visit.text("#documents")
    with visit.page.expect_download() as info:
        visit.page.click(f"tr[data-document='{attached['drawing.svg']}'] a[download]")
    svg = info.value
    assert Path(svg.path()).read_bytes() == SVG
    assert svg.suggested_filename == attached["drawing.svg"]
    assert visit.page.url == f"{base}/packages/PKG-NL-1"  # still on the page: nothing was opened
    ran = [url for url in visit.requested if "/ran-" in url]
    assert ran == []
    visit.close()

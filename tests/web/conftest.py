"""A real server on loopback over a copy of the demo ledger, and Debian's Chromium driven by
Playwright. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from supplyline.api import create_app
from supplyline.services.access import tokens
from supplyline.services.context import Actor, open_store
from supplyline.services.log import signing, transparency
from supplyline.store import keyfile

CHROMIUM = os.environ.get("SUPPLYLINE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# as the machine's own checks start it: no background traffic, no first-run, no sandbox as root
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider",
]


@contextmanager
def serving(demo_template: Path, directory: Path, people: list[tuple[str, str, str]]):
    """(base url, {name: token secret}, store) of a uvicorn server on a copy of the demo
    ledger in ``directory``, with a token for each (name, party, role) of ``people``."""
    path = directory / "demo.db"
    shutil.copy(demo_template, path)
    shutil.copytree(demo_template.with_name("demo.db.blobs"), path.with_name("demo.db.blobs"))  # documents' bytes
    store = open_store(f"sqlite:///{path}")
    transparency.ensure_key(keyfile.default_path(f"sqlite:///{path}"), "demo.example/ledger")
    operator = Actor("operator", via="test")
    # as `supplyline init` does to an existing ledger: sign on commit, name the key in the log
    signing.attach(store, keyfile.default_path(f"sqlite:///{path}"))
    signing.pin_key(store, operator)
    secrets = {
        name: tokens.issue_token(store, operator, tokens.IssueToken(party=party, role=role)).secret
        for name, party, role in people
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", secrets, store
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.engine.dispose()


@pytest.fixture(scope="module")
def live(demo_template, tmp_path_factory):
    """(base url, {name: token secret}) of a uvicorn server on a copy of the demo ledger."""
    people = [("funder", "NL-GOV", "funder"), ("auditor", "NATO-NSATU", "auditor")]
    with serving(demo_template, tmp_path_factory.mktemp("web"), people) as (base, secrets, _store):
        yield base, secrets


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A browser context that records every request it makes, so tests can check that no
    page ever reaches a host other than the server."""

    def __init__(self, browser, base: str, *, javascript: bool = True, width: int = 1280):
        self.base = base
        self.context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
        self.requested: list[str] = []
        self.context.on("request", lambda request: self.requested.append(request.url))
        self.page = self.context.new_page()

    def go(self, path: str, shot: str | None = None):
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        if shot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
        return response

    def text(self, selector: str) -> str:
        return " ".join(self.page.inner_text(selector).split())

    def sign_in(self, secret: str) -> None:
        self.go("/signin")
        self.page.fill("input[name=token]", secret)
        self.page.click("form[action='/signin'] button")
        self.page.wait_for_load_state("networkidle")

    def foreign_hosts(self) -> set[str]:
        return {url.split("/")[2] for url in self.requested if not url.startswith(self.base + "/")}

    def close(self) -> None:
        self.context.close()

"""How soon the dashboard's overview is usable in a browser (issue 21 item 4):

    python bench/dashboard.py [--runs 5] [--chromium /usr/bin/chromium]

The demo ledger in a fresh SQLite file, `supplyline serve` in its own process, Debian's
Chromium driven by Playwright on loopback. Side by side in one run, each the median of
--runs page loads of the overview (/, USD):

  html only        the server's answer to GET / (no browser): what every row below includes
  no JavaScript    the page without its charts (their tables shown instead)
  charts, gzip     first visit (empty cache): plotly.js sent gzip-compressed, then drawn
  charts, plain    first visit with compression refused (Accept-Encoding: identity)
  charts, cached   a second visit: plotly.js from the browser's cache (immutable, versioned URL)

"Interactive" is the load event's end, when plotly.js has run and both charts are drawn
(the charts' scripts run while the page loads; the test checks they drew). Target: the
first visit with charts interactive within 1.5 s. Prints a table and writes
bench/out/dashboard.json. Figures from a shared machine are indicative; the ratios are
measured side by side in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TARGET_S = 1.5
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-extensions"]
#: navigation timing of the page just loaded, seconds from the navigation's start
TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return {interactive: n.loadEventEnd / 1000, dom: n.domContentLoadedEventEnd / 1000,
          charts: document.querySelectorAll('.chart .js-plotly-plot .main-svg').length > 0
                  ? document.querySelectorAll('.chart .js-plotly-plot').length : 0};
}"""


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _demo(directory: Path) -> str:
    from supplyline.services.context import open_store
    from supplyline.services.demo_ledger import demo

    url = f"sqlite:///{directory / 'demo.db'}"
    store = open_store(url, create=True)
    demo.load(store)
    store.engine.dispose()
    return url


def _serve(url: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("supplyline")), "--db", url, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=120) as answer:
        return answer.read(), {name.lower(): value for name, value in answer.headers.items()}


def _html_only(base: str, runs: int) -> list[float]:
    _get(base + "/")  # the first answer warms the server's caches, as a running server has them
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _get(base + "/")
        times.append(time.perf_counter() - start)
    return times


def _visits(browser, base: str, runs: int, *, javascript: bool, headers: dict, warm: bool) -> list[float]:
    times = []
    for _ in range(runs):
        context = browser.new_context(java_script_enabled=javascript, extra_http_headers=headers)
        page = context.new_page()
        if warm:
            page.goto(base + "/", wait_until="load")  # fills the cache; the second visit is measured
        page.goto(base + "/", wait_until="load")
        measured = page.evaluate(TIMING)
        if javascript:
            assert measured["charts"] == 2, measured  # both charts drew by the load event
        times.append(measured["interactive"])
        context.close()
    return times


def _sizes(base: str) -> dict[str, int]:
    from supplyline.web.plotly_asset import URL

    _, packed = _get(base + URL, {"Accept-Encoding": "gzip"})
    plain, _ = _get(base + URL, {"Accept-Encoding": "identity"})
    return {"plotly_js_gzip_bytes": int(packed["content-length"]), "plotly_js_bytes": len(plain)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=os.environ.get("SUPPLYLINE_CHROMIUM", "/usr/bin/chromium"))
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        url = _demo(Path(scratch))
        port = _port()
        server = _serve(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            rows = {"html only": _html_only(base, options.runs)}
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=options.chromium, args=ARGS)
                plain = {"Accept-Encoding": "identity"}
                scenarios = [
                    ("no JavaScript", False, {}, False),
                    ("charts, gzip", True, {}, False),
                    ("charts, plain", True, plain, False),
                    ("charts, cached", True, {}, True),
                ]
                _visits(browser, base, 1, javascript=True, headers={}, warm=False)  # the server's first gzip
                for name, javascript, headers, warm in scenarios:
                    rows[name] = _visits(browser, base, options.runs, javascript=javascript, headers=headers, warm=warm)
                browser.close()
            sizes = _sizes(base)
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(rows, sizes, options.runs)


def _report(rows: dict[str, list[float]], sizes: dict[str, int], runs: int) -> None:
    medians = {name: statistics.median(times) for name, times in rows.items()}
    without = medians["no JavaScript"]
    print(f"overview (/), median of {runs} loads, seconds to the load event's end")
    for name, median in medians.items():
        print(f"  {name:<16} {median:6.3f}   x{median / without:5.2f} of no JavaScript")
    print(f"  plotly.js: {sizes['plotly_js_bytes']:,} bytes, {sizes['plotly_js_gzip_bytes']:,} gzip-compressed")
    first = medians["charts, gzip"]
    verdict = "met" if first <= TARGET_S else "NOT met"
    print(f"target: first visit with charts interactive within {TARGET_S} s: {first:.3f} s, {verdict}")
    OUT.mkdir(exist_ok=True)
    (OUT / "dashboard.json").write_text(
        json.dumps(
            {
                "runs": runs,
                "seconds": {name: [round(t, 4) for t in times] for name, times in rows.items()},
                "median_seconds": {name: round(m, 4) for name, m in medians.items()},
                "ratio_to_no_javascript": {name: round(m / without, 3) for name, m in medians.items()},
                **sizes,
                "target_seconds": TARGET_S,
                "target_met": first <= TARGET_S,
                "load_average": os.getloadavg(),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

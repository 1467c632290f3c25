"""WCAG 2.1 AA on every dashboard page (issue 21 item 8): axe-core, run inside Debian's
Chromium, finds no serious or critical violation, signed out and as each demo party, on a
laptop (1,366 px) and a phone (390 px). axe's script comes from the axe-playwright-python
package on disk: nothing is fetched."""

from __future__ import annotations

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from supplyline.services.demo_ledger.demo_data import DEMO_TOKENS

from .conftest import Visit, serving
from .test_dashboard_browser import PAGES

#: every demo party's token, so each signs in as the demo prints it
VIEWERS = [(role, party, role) for party, role in DEMO_TOKENS]
WIDTHS = (1366, 390)
#: the rules of WCAG 2.0 and 2.1, levels A and AA; only the violations are reported back
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")


def _blocking(results: dict) -> list[str]:
    """Each serious or critical violation, with the elements it names, as one readable line."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(
            f"{' '.join(node['target'])} {node['failureSummary'].splitlines()[-1].strip()}" for node in v["nodes"][:4]
        )
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture(scope="module")
def live(demo_template, tmp_path_factory):
    """The server, with a token for every demo party (each token is an event: a copy of its own)."""
    with serving(demo_template, tmp_path_factory.mktemp("axe"), VIEWERS) as (base, secrets, _store):
        yield base, secrets


@pytest.mark.parametrize("viewer", ["public", *(name for name, _, _ in VIEWERS)])
def test_every_page_passes_axe_at_both_widths(browser, live, viewer):
    base, secrets = live
    visit = Visit(browser, base, width=WIDTHS[0])
    visit.page.set_default_navigation_timeout(90_000)  # the overview on a busy 2-core machine
    if viewer != "public":
        visit.sign_in(secrets[viewer])
        assert not visit.text("#who").startswith("public view"), viewer
    found: dict[str, list[str]] = {}
    for path in PAGES:
        visit.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        visit.page.goto(base + path, wait_until="load")
        visit.page.evaluate(AXE_SCRIPT)  # once a page: both widths are checked on the same document
        for width in WIDTHS:
            visit.page.set_viewport_size({"width": width, "height": 900})
            problems = _blocking(visit.page.evaluate("options => axe.run(document, options)", WCAG_AA))
            if problems:
                found[f"{path} at {width} px"] = problems
    visit.close()
    assert visit.foreign_hosts() == set()
    assert found == {}, f"as {viewer}:\n" + "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())

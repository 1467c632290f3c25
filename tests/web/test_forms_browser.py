"""Acting from the dashboard (issue 21 item 5) in Debian's Chromium, with JavaScript on and
off: a coordinator takes PKG-CA-2 back to draft, proposes and validates it, Canada concurs
and the United States approves it, every step through the dashboard's forms; the ledger then
holds the package approved. Each run has its own copy of the demo ledger."""

from __future__ import annotations

import json

import pytest

from supplyline.services.reads import queries
from supplyline.store.eventstore import iter_events

from .conftest import Visit, serving

PEOPLE = [
    ("coordinator", "NATO-NSATU", "coordinator"),
    ("canada", "CA-GOV", "funder"),
    ("seller", "US-GOV", "seller"),
    ("netherlands", "NL-GOV", "funder"),
    ("recipient", "UA-MOD", "recipient"),
]
#: the day the forms say they act on: after the demo's last step on PKG-CA-2 (4 December 2026)
DAY = "2026-12-05"
#: each party's form pages on the demo as loaded (nothing is posted to this server)
FORM_PAGES = {
    "coordinator": [
        "/act",
        "/allocate?preview=yes&on=2026-12-03",
        "/packages/PKG-DEC-1/act/return",
        "/packages/PKG-CA-2/act/return",
    ],
    "seller": ["/act", "/packages/PKG-CA-2/act/decide"],
    "canada": ["/act", "/pledges/new"],
    "recipient": ["/act", "/shipments/SH-DE-1/act/receive"],
}


@pytest.fixture(scope="module")
def forms_live(demo_template, tmp_path_factory):
    with serving(demo_template, tmp_path_factory.mktemp("forms"), PEOPLE) as (base, secrets, _store):
        yield base, secrets


@pytest.mark.parametrize("width", [1366, 390])
def test_every_form_page_fits_the_screen(browser, forms_live, width):
    base, secrets = forms_live
    for name, paths in FORM_PAGES.items():
        visit = Visit(browser, base, width=width)
        visit.sign_in(secrets[name])
        for path in paths:
            shot = f"form-{name}-{'phone' if width < 800 else 'wide'}{path.split('?')[0].replace('/', '-')}"
            response = visit.go(path, shot=shot)
            assert response.status == 200, (name, path)
            assert visit.page.locator("main h1").count() == 1
            overflow = visit.page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, (name, path, overflow)
        assert visit.foreign_hosts() == set()
        visit.close()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def acting(request, demo_template, tmp_path, browser):
    """(a sign-in for each of PEOPLE, the store, whether JavaScript is on) on a fresh server."""
    javascript = request.param
    with serving(demo_template, tmp_path, PEOPLE) as (base, secrets, store):
        opened: list[Visit] = []

        def as_(name: str, width: int = 1366) -> Visit:
            visit = Visit(browser, base, javascript=javascript, width=width)
            visit.sign_in(secrets[name])
            opened.append(visit)
            return visit

        yield as_, store, javascript
        for visit in opened:
            assert visit.foreign_hosts() == set(), visit.foreign_hosts()
            visit.close()


def act(visit: Visit, slug: str, shot: str | None = None, **fields: str) -> None:
    """From the package page: the form's button, its fields filled, submitted, back on the page."""
    visit.go("/packages/PKG-CA-2")
    visit.page.click(f"#actions a[href='/packages/PKG-CA-2/act/{slug}']")
    visit.page.wait_for_load_state("networkidle")
    if shot:
        visit.page.screenshot(path=str(shot), full_page=True)
    for name, value in fields.items():
        visit.page.fill(f"[name='{name}']", value)
    visit.page.click("#submit")
    visit.page.wait_for_load_state("networkidle")
    assert visit.page.url.endswith("/packages/PKG-CA-2#actions"), visit.page.url


def actions(visit: Visit) -> list[str]:
    return [a.get_attribute("href") or "" for a in visit.page.query_selector_all("#actions a")]


def test_a_coordinator_proposes_and_a_seller_approves_through_the_forms(acting, tmp_path):
    as_, store, _javascript = acting
    coordinator = as_("coordinator")
    coordinator.go("/packages/PKG-CA-2")
    assert coordinator.text("#state") == "proposed"
    assert actions(coordinator) == ["/packages/PKG-CA-2/act/return"]  # NSATU validated it in the demo
    act(coordinator, "return", reasons="Split the interceptors into two lots", on=DAY)
    assert coordinator.text("#state") == "draft"
    assert actions(coordinator) == ["/packages/PKG-CA-2/act/propose"]
    act(coordinator, "propose")
    assert coordinator.text("#state") == "proposed"
    assert actions(coordinator) == ["/packages/PKG-CA-2/act/validate", "/packages/PKG-CA-2/act/return"]
    act(coordinator, "validate", on=DAY)
    assert "CA-GOV" in coordinator.text("#waiting-on")

    seller = as_("seller")
    seller.go("/packages/PKG-CA-2")
    assert actions(seller) == ["/packages/PKG-CA-2/act/decide"]
    canada = as_("canada")
    canada.go("/packages/PKG-CA-2")
    assert actions(canada) == ["/packages/PKG-CA-2/act/concur"]
    act(canada, "concur", on=DAY)
    assert canada.page.query_selector("#waiting-on") is None
    assert actions(canada) == []

    # a rejection needs its reason: said beside the reason, nothing written, the choice kept
    seller.go("/packages/PKG-CA-2/act/decide")
    seller.page.check("input[name='decision'][value='reject']")
    seller.page.click("#submit")
    seller.page.wait_for_load_state("networkidle")
    assert seller.text("#error-reason").startswith("reason: ")
    assert seller.page.is_checked("input[name='decision'][value='reject']")
    with store.read() as conn:
        assert queries.package(conn, "PKG-CA-2")["decisions"] == []
    act(seller, "decide", on=DAY)
    assert seller.text("#state") == "approved"
    assert seller.text("#approvals tbody tr").startswith("US-GOV approve")
    assert actions(seller) == []

    with store.read() as conn:
        package = queries.package(conn, "PKG-CA-2")
        events = [e for e in iter_events(conn) if e.stream_id == "package:PKG-CA-2"][-5:]
    assert package["state"] == "approved"
    assert [(d["party"], d["decision"]) for d in package["decisions"]] == [("US-GOV", "approve")]
    assert [(s["step"], s["party"], s["verdict"]) for s in package["checklist"]] == [
        ("validation", "NATO-NSATU", "validated"),
        ("concurrence", "CA-GOV", "concur"),
    ]
    assert [e.type for e in events] == [
        "PackageProposed",
        "PackageValidated",
        "FunderConcurrenceRecorded",
        "PackageDecisionRecorded",
        "PackageApproved",
    ]
    assert {json.loads(e.meta)["via"] for e in events} == {"web"}

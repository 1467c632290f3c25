"""The dashboard in a real browser (Debian's Chromium via Playwright), signed out and signed
in as a funder, with JavaScript on and off, checking figures from the demo ledger."""

from __future__ import annotations

import re

import pytest

from .conftest import Visit

#: every dashboard page: read without JavaScript here, checked by axe-core in test_accessibility_browser.py
PAGES = [
    "/",
    "/requirements",
    "/packages",
    "/packages/PKG-NL-1",
    "/packages/PKG-DD-1",
    "/production",
    "/end-use",
    "/late",
    "/todo",
    "/findings",
    "/ledger",
    "/methodology",
    "/signin",
    "/money",
    "/act",
    # one record of each kind (issue 21 item 1)
    "/parties/NL-GOV",
    "/pledges/PL-NL-2025-08",
    "/requirements/REQ-01",
    "/contracts/CT-NL-1",
    "/shipments/SH-NL-2",
    "/orders/PO-DD-1",
    "/facilities/FAC-JV-1",
    "/findings/FND-NL-1",
    "/documents/DOC-0001",
    "/ledger/events/84",
]


@pytest.fixture
def public(browser, live):
    visit = Visit(browser, live[0])
    yield visit
    assert visit.foreign_hosts() == set(), visit.foreign_hosts()
    visit.close()


@pytest.fixture
def funder(browser, live):
    visit = Visit(browser, live[0])
    visit.sign_in(live[1]["funder"])
    yield visit
    assert visit.foreign_hosts() == set(), visit.foreign_hosts()
    visit.close()


def test_signed_out_overview_shows_public_aggregates_only(public):
    public.go("/", shot="public-overview")
    # the Drone Deal's funds are withheld until 2027, and its allocations with its line prices
    # (each pays a whole line): not in the public's figures, and said so
    assert public.text("#kpi-pledged .value") == "USD 2,539.5 M"
    assert public.text("#kpi-delivered .value") == "USD 828.1 M"
    assert public.text("#undisclosed").startswith(
        "Not in these figures: 1 pledged figure(s), 2 allocated figure(s), 2 contracted figure(s), 1 delivered"
    )
    assert public.page.get_attribute("#undisclosed a", "href") == "/ledger?withheld=yes"
    # the United States' Drone Deal figures are withheld: said, with the date, never 0.00
    assert public.text("#funnel tr[data-funder='US-GOV']") == (
        "United States Government (Department of Defense) withheld until 2027-12-31 withheld until 2027-06-30 "
        "withheld until 2027-06-30 withheld until 2027-06-30"
    )
    assert public.page.get_attribute("#funnel tr[data-funder='US-GOV'] td:nth-child(2) a", "href") == (
        "/ledger?withheld=yes&before=85#e84"
    )
    assert public.text("#conversion").startswith("Each pledge's money is converted into USD at one rate")
    assert public.page.query_selector("#kpi-need") is None  # the need is not public
    assert (
        public.text("#funnel tr[data-funder='SE-GOV']")
        == "Sweden 275,000,000.00 275,000,000.00 275,000,000.00 275,000,000.00"
    )
    assert public.text("#funnel tr.total") == "Total 2,539,500,000.00 2,327,500,000.00 1,583,500,000.00 828,120,000.00"
    assert public.page.locator(".chart .plotly").count() == 2  # the charts drew, from the server's own plotly.js
    assert public.text("#who").startswith("public view")
    # the withheld figure's link lands on the event that withholds it, in the ledger browser
    public.page.click("#funnel tr[data-funder='US-GOV'] td:nth-child(2) a")
    public.page.wait_for_load_state("networkidle")
    assert public.page.get_attribute("#events tbody tr:first-child", "id") == "e84"
    assert public.text("#e84 td:nth-child(3)").startswith("US-GOV: pledge PL-US-DD-2025 announced")


def test_signed_out_pages_hide_what_belongs_to_parties(public):
    public.go("/requirements", shot="public-requirements")
    assert public.text("#not-shared").endswith("; 13 lines exist. Sign in to see those shared with you.")
    assert public.page.locator("#lines tr[data-requirement]").count() == 0
    public.go("/packages", shot="public-packages")
    # the public's package summaries (issue 21): a withheld figure says until when, never 0.00
    assert public.text("#packages tr[data-row='PKG-DD-1'] td:nth-child(8)") == "withheld until 2027-06-30"
    assert public.text("#packages tr[data-row='PKG-NL-1'] td:nth-child(11)") == "57.0 %"
    assert (
        public.page.get_attribute("#packages-downloads a:first-child", "href") == "/packages?format=csv&table=packages"
    )
    response = public.go("/packages/PKG-DD-1", shot="public-package")
    assert response.status == 200
    assert public.text("#share") == "withheld until 2027-06-30"
    assert public.text("#funders").startswith("Funded by: United States Government")
    public.go("/production", shot="public-production")
    assert public.page.locator("#orders tr[data-order]").count() == 0
    assert public.page.locator("table").count() == 0  # no empty tables: a sentence says what exists
    assert "production orders exist" in public.text("#not-shared")
    public.go("/ledger", shot="public-ledger")
    assert public.text("#verification").startswith("verified all 302 events re-hashed and chained at the last check")
    assert public.page.inner_text("#checkpoint").startswith("demo.example/ledger\n302\n")
    assert public.page.locator("#events tbody tr").count() == 40


def test_end_use_shows_the_public_percentages_and_a_funder_its_packages(public, funder):
    """Issue 16: the public sees the share not delinquent per category and month, in English
    or Ukrainian; a funder its packages' figures; neither a serial nor a site."""
    public.go("/end-use", shot="public-end-use")
    assert public.page.locator("#by-month tbody tr").count() >= 2
    assert "PAC3-" not in public.text("main") and "DEP-0" not in public.text("main")
    public.go("/end-use?lang=uk")
    assert public.text("h1") == "Моніторинг кінцевого використання"
    funder.go("/end-use", shot="funder-end-use")
    assert [
        r.get_attribute("data-package") for r in funder.page.query_selector_all("#by-package tr[data-package]")
    ] == ["PKG-NL-1"]
    assert funder.text("#by-package tr[data-package='PKG-NL-1']") == "PKG-NL-1 60 0 0 60 0 100.0 %"
    assert funder.page.query_selector("#overdue") is None and funder.page.query_selector("#todo") is None
    funder.go("/packages/PKG-NL-1")
    assert funder.page.get_attribute("#end-use-link a", "href") == "/end-use?package=PKG-NL-1"


def test_funder_sees_its_packages_the_need_and_the_trace_to_its_pledge(funder):
    funder.go("/", shot="funder-overview")
    assert funder.text("#who").startswith("NL-GOV (funder)")
    assert funder.text("#kpi-need .value") == "USD 3,682.0 M"
    # the Drone Deal allocations (USD 30 M) are withheld with the unit prices they reveal, so a funder
    # outside that deal sees those lines as still needed
    # the under-runs given back (USD 13.5 M of PKG-NL-1, 5 M of PKG-DE-1) count in the gap: the need is priced as listed
    assert funder.text("#kpi-gap .value") == "USD 1,354.5 M"
    assert funder.text("#need-not-seen").startswith("The need counts every line of the prioritised list, 10 of them")
    funder.go("/requirements", shot="funder-requirements")
    # coverage counts only the lines the funder sees, and says how many it leaves out
    assert funder.text("#categories tr[data-category='air_defence']") == (
        # REQ-01's 400 interceptors, 200 funded since PKG-CA-1's 100 went back (issue 15)
        "air defence USD 1,640,000,000.00 USD 820,000,000.00 USD 574,000,000.00 50.0 %"
    )
    assert funder.text("#lines-not-seen").startswith("These figures count the 3 line(s) of the prioritised list")
    # the Netherlands' package holds REQ-01, REQ-02 and REQ-08: those lines, not the others
    seen = {
        row.get_attribute("data-requirement") for row in funder.page.query_selector_all("#lines tr[data-requirement]")
    }
    assert seen == {"REQ-01", "REQ-02", "REQ-08"}
    funder.go("/packages", shot="funder-packages")
    assert [c.get_attribute("data-package") for c in funder.page.query_selector_all(".card")] == ["PKG-NL-1"]
    funder.go("/packages/PKG-NL-1", shot="funder-package")
    assert funder.text("#state") == "delivering"
    assert "146 × Armoured vehicle spare parts set received 2025-12-02" in funder.text("#trace")
    assert "4 short: 4 spare parts sets damaged in transit" in funder.text("#trace")
    assert "pledge PL-NL-2025-08 of NL-GOV: USD 240,000,000.00 = EUR 207,433,016.42" in funder.text("#trace")
    response = funder.go("/packages/PKG-DE-1")
    assert response.status == 404  # Germany's package is not the Netherlands' to see
    funder.go("/ledger", shot="funder-ledger")
    # the log is public: the funder sees the same newest events as anyone, withheld fields as commitments
    assert funder.page.get_attribute("#events tbody tr:first-child", "data-seq") == "302"
    withheld = {
        row.get_attribute("data-seq"): row.inner_text() for row in funder.page.query_selector_all("#events tbody tr")
    }
    # the newest page holds the demo's audit findings, whose texts are withheld as commitments (issue 18)
    opened = [text for text in withheld.values() if "FindingOpened" in text]
    assert len(opened) == 2 and all("criteria" in text.split("FindingOpened", 1)[1] for text in opened), opened


def test_every_page_renders_readable_tables_without_javascript(browser, live):
    visit = Visit(browser, live[0], javascript=False)
    visit.go("/", shot="nojs-overview")
    assert (
        visit.text("#funnel tr[data-funder='NL-GOV']")
        == "Netherlands 578,500,000.00 558,500,000.00 558,500,000.00 318,120,000.00"
    )
    assert visit.page.locator("#by-month tr[data-month='2025-08']").count() == 1
    for path in PAGES:
        response = visit.go(path)
        assert response.status in (200, 403, 404), path
        assert visit.page.locator("main h1").count() == 1
    assert visit.foreign_hosts() == set()
    visit.close()


#: every record kind's page the Netherlands' funder may see (issue 21 item 1)
RECORD_PAGES = [
    "/parties/NL-GOV",
    "/pledges/PL-NL-2025-08",
    "/requirements/REQ-01",
    "/contracts/CT-NL-1",
    "/shipments/SH-NL-2",
    "/ledger/events/210",
]
#: the forms open to the funder (issue 21 item 5): the others' are in test_forms_browser.py
FORM_PAGES = ["/act", "/pledges/new"]


@pytest.mark.parametrize("width", [1366, 390])
def test_pages_fit_a_phone(browser, live, width):
    visit = Visit(browser, live[0], width=width)
    visit.sign_in(live[1]["funder"])
    for path in ["/", "/requirements", "/packages/PKG-NL-1", "/ledger", *RECORD_PAGES, *FORM_PAGES]:
        response = visit.go(
            path, shot=f"{'phone' if width < 800 else 'wide'}{path.replace('/', '-') if path != '/' else '-overview'}"
        )
        assert response.status == 200, path
        # nothing but the scrollable table boxes may be wider than the screen
        overflow = visit.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, (path, overflow)
    visit.close()


def test_the_public_pages_fit_a_phone(browser, live):
    """Issue 21: the signed-out package pages and the methodology at 390 px."""
    visit = Visit(browser, live[0], width=390)
    for path in ["/packages", "/packages/PKG-DD-1", "/methodology", "/requirements", "/production"]:
        visit.go(path, shot="phone-public" + path.replace("/", "-"))
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert visit.foreign_hosts() == set()
    visit.close()


def test_a_proof_downloaded_from_the_ledger_page_verifies_offline_against_its_checkpoint(public, tmp_path):
    from typer.testing import CliRunner

    from supplyline.cli.main import app

    public.go("/ledger")
    checkpoint = public.page.request.get(public.base + "/ledger/checkpoint").text()
    key = public.page.request.get(public.base + "/ledger/key").text().strip()
    assert key == public.page.inner_text("#verifier")
    link = public.page.get_attribute("#events tbody tr:first-child a[href^='/ledger/proofs/']", "href")
    proof = public.page.request.get(public.base + link).text()
    (tmp_path / "proof.json").write_text(proof)
    (tmp_path / "checkpoint.txt").write_text(checkpoint)
    (tmp_path / "key.txt").write_text(key + "\n")
    args = [
        "audit",
        "inclusion",
        str(tmp_path / "proof.json"),
        "--checkpoint",
        str(tmp_path / "checkpoint.txt"),
        "--key",
        str(tmp_path / "key.txt"),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (tmp_path / "proof.json").write_text(re.sub(r'"leafIdx":(\d+)', lambda m: f'"leafIdx":{int(m[1]) - 1}', proof))
    assert CliRunner().invoke(app, args).exit_code == 1

"""The record pages in a real browser (issue 21 item 1): a funder follows links from its
overview to the receipt of the last PAC-3 interceptor its money paid for, and the pages only an
auditor may see (a production order, a facility) fit a wide screen and a phone."""

from __future__ import annotations

import pytest

from .conftest import Visit


def test_a_funder_reaches_the_receipt_of_its_last_interceptor_in_three_clicks(browser, live):
    visit = Visit(browser, live[0], width=1366)
    visit.sign_in(live[1]["funder"])
    visit.go("/")
    clicks = 0

    def follow(selector: str) -> None:
        nonlocal clicks
        visit.page.click(selector)
        visit.page.wait_for_load_state("networkidle")
        clicks += 1

    follow("#funnel tr[data-funder='NL-GOV'] a")  # the funder's own row of the funnel
    assert visit.page.url == visit.base + "/parties/NL-GOV"
    follow("#money tr.pledge[data-pledge='PL-NL-2025-08'] a")  # where its money went: the pledge
    assert visit.page.url == visit.base + "/pledges/PL-NL-2025-08"
    # what the pledge's money paid for, as received: the latest receipt of PAC-3 interceptors
    rows = visit.page.query_selector_all("#receipts tbody tr")
    pac3 = [row for row in rows if "PAC-3" in row.inner_text()]
    latest = max(pac3, key=lambda row: row.query_selector("td").inner_text())
    shipment = latest.get_attribute("data-shipment")
    follow(f"#receipts tr[data-shipment='{shipment}'] a[href='/shipments/{shipment}']")
    assert clicks == 3 <= 4
    assert visit.page.url == visit.base + "/shipments/SH-NL-2"
    assert visit.text("#received-on") == "2025-12-02"
    received = visit.text("#receipts tr:has-text('PAC-3')")
    assert received == (
        "2025-12-02 Patriot PAC-3 MSE interceptor 60 SH-NL-2 CT-NL-1 PKG-NL-1 NL-GOV (PL-NL-2025-08) USD 240,000,000.00"
    )
    visit.page.screenshot(path=str(_shot("click-path-receipt")), full_page=True)
    assert visit.foreign_hosts() == set()
    visit.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_auditors_record_pages_fit_the_screen(browser, live, width):
    visit = Visit(browser, live[0], width=width)
    visit.sign_in(live[1]["auditor"])
    for path in ["/orders/PO-DD-1", "/facilities/FAC-JV-1", "/parties/US-GOV", "/pledges/PL-US-DD-2025"]:
        response = visit.go(path)
        assert response.status == 200, path
        overflow = visit.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, (path, overflow)
    assert visit.foreign_hosts() == set()
    visit.close()


def _shot(name: str):
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"

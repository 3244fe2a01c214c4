"""The yearly evaluation report printed from Chromium: the print stylesheet (our own, from static/) hides the site's
navigation and the page's controls, keeps every figure visible in black on white, and the page prints to a PDF."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("page", ["desktop"], indirect=True)]

FIGURES = ("#by-kind", "#by-month", "#review", "#wellbeing", "#wellbeing-change")


@pytest.fixture
def project(live_server) -> str:
    _, token = live_server.account("Report Steward", role="steward")
    slug = live_server.slug("report")
    created = requests.post(
        f"{live_server.url}/api/v1/projects",
        json={"slug": slug, "title": "Spider crab pots, printed", "designed_by": "both", "delivered_by": "both"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return slug


def test_the_yearly_report_prints_without_the_site_s_chrome(page, project, live_server):
    page.goto(f"/projects/{project}/evaluation?year=2026")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Spider crab pots, printed: evaluation, 2026")
    # On screen: the navigation, the links to other years and no print-only line.
    expect(page.locator(".site-header nav")).to_be_visible()
    expect(page.locator(".no-print")).to_be_visible()
    expect(page.locator(".print-only")).to_be_hidden()
    sheets = page.evaluate("() => [...document.styleSheets].map(s => [s.href, s.media.mediaText])")
    assert [f"{live_server.url}/static/css/print.css", "print"] in [
        [href.split("?")[0] if href else href, media] for href, media in sheets
    ]

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(heading).to_be_visible()
    for figure in FIGURES:
        expect(page.locator(figure)).to_be_visible()
    expect(page.locator(".print-only")).to_be_visible()
    expect(page.locator(".print-only")).to_contain_text(f"/projects/{project}/evaluation?year=2026")
    # Black on white, every cell ruled: nothing depends on colour.
    styles = page.evaluate("""() => {
        const cell = document.querySelector('#by-kind td'), body = document.body;
        const s = getComputedStyle(cell), b = getComputedStyle(body);
        return [s.color, s.borderTopStyle, s.borderTopColor, b.color, b.backgroundColor,
                getComputedStyle(document.querySelector('#by-month thead')).display,
                getComputedStyle(document.querySelector('.table-scroll')).overflowX];
    }""")
    assert styles == [
        "rgb(0, 0, 0)",
        "solid",
        "rgb(0, 0, 0)",
        "rgb(0, 0, 0)",
        "rgb(255, 255, 255)",
        "table-header-group",
        "visible",
    ]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000

    page.emulate_media(media="screen")
    expect(page.locator(".site-header nav")).to_be_visible()

"""Finding an answer fast, on any screen, in Chromium: filters that apply as they change (htmx),
long option lists one can type into, results first on a phone, a visible focus, pages that print.

Each test answers a question of issue 21 the way a visitor would; the same flows without
JavaScript work as plain forms and links.
"""

import re
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from partnerships.models import Partnership
from tests.e2e.test_flows import tab_until
from tests.pages import public_pages

pytestmark = pytest.mark.django_db(transaction=True)

BRAZIL_ICT = "/partnerships/?sector=ict&works_with=BR"


def expected_count(url):
    """The filters' answer as the server gives it, to compare with what the browser shows."""
    return Partnership.objects.published().in_sectors(["ict"]).working_with(["BR"]).count()


def test_which_ict_partnerships_work_with_brazil_in_two_interactions(portal, page):
    page.goto(portal + "/partnerships/")
    page.evaluate("window.notReloaded = true")

    # 1: type into the sector list and press Enter, which ticks the first option shown.
    sectors = page.get_by_label("Type to narrow: Sector")
    sectors.fill("ict")
    expect(page.locator("#div_id_sector .form-check:visible")).to_have_count(1)
    sectors.press("Enter")
    expect(page).to_have_url(re.compile(r"/partnerships/\?sector=ict$"))
    expect(page.get_by_label("Type to narrow: Sector")).to_be_focused()

    # 2: tick Brazil.
    brazil = page.locator('input[name="works_with"][value="BR"]')
    brazil.check()
    expect(page).to_have_url(re.compile(r"\?sector=ict&works_with=BR$"))
    expect(page.locator("#live-status")).to_have_text("1 partnership")
    assert expected_count(BRAZIL_ICT) == 1
    expect(page.get_by_role("link", name="ICT4Future")).to_be_visible()
    expect(page.get_by_role("link", name="Works with: Brazil (remove this filter)")).to_be_visible()
    expect(page.locator('input[name="works_with"][value="BR"]')).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Partnerships \(filtered\)"))
    assert page.evaluate("window.notReloaded"), "the page was loaded again"

    # The back button walks back through the filters.
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?sector=ict$"))
    expect(page.locator('input[name="works_with"][value="BR"]')).not_to_be_checked()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/partnerships/$"))
    total = Partnership.objects.published().count()
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", str(total))

    # Words typed while the results arrive are kept; the URL says them once they apply.
    search = page.get_by_role("textbox", name="Search")
    search.press_sequentially("energy in water", delay=40)
    expect(page).to_have_url(re.compile(r"\?q=energy(\+|%20)in(\+|%20)water$"))
    expect(search).to_have_value("energy in water")
    expect(search).to_be_focused()


def test_the_long_lists_do_not_move_when_the_script_lays_them_out(portal, browser):
    """The stylesheet lays a long list out as live-filters.js will (first options, room for the
    box and "Show all"), so the page does not shift once the script runs: Chromium's own layout
    shift entries, summed as Lighthouse's cumulative layout shift, stay near 0 (0.086 before)."""
    page = browser.new_page(viewport={"width": 1350, "height": 940})
    page.add_init_script(
        "window.shifts = 0; new PerformanceObserver(list => list.getEntries().forEach("
        "e => { if (!e.hadRecentInput) window.shifts += e.value; }))"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(portal + "/partnerships/")
    expect(page.get_by_label("Type to narrow: Sector")).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.shifts") < 0.01
    page.close()


def test_without_javascript_the_same_question_is_answered_by_the_form(portal, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal + "/partnerships/")
    page.locator('input[name="sector"][value="ict"]').check()
    page.locator('input[name="works_with"][value="BR"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sector=ict.*works_with=BR"))
    expect(page.get_by_role("link", name="ICT4Future")).to_be_visible()
    # A country typed by name in the address is understood.
    page.goto(portal + "/partnerships/?target_country=brazil")
    expect(page.locator('input[name="target_country"][value="BR"]')).to_be_checked()
    context.close()


def test_a_keyboard_user_types_into_the_country_list(portal, page):
    page.goto(portal + "/partnerships/")
    box = page.get_by_role("textbox", name="Type to narrow: Target country")
    tab_until(page, box)
    page.keyboard.type("tun")
    expect(page.locator("#narrow-target_country-status")).to_have_text(
        re.compile(r"^1 of \d+ options shown$")
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?target_country=TN$"))
    expect(box).to_be_focused()
    # The ticked country comes first in its list, and stays shown.
    expect(page.locator('input[name="target_country"]').first).to_have_value("TN")
    page.keyboard.press("Tab")
    expect(page.locator('input[name="target_country"][value="TN"]')).to_be_focused()
    # The home map's countries are one stop: the arrow keys move between them.
    page.goto(portal + "/")
    skip = page.get_by_role("link", name="Skip the map")
    tab_until(page, skip)
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert page.evaluate("document.activeElement.closest('svg') !== null"), first
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") != first
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('svg') === null")


def test_on_a_phone_results_come_first_and_no_page_scrolls_sideways(portal, page):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(portal + "/partnerships/?sector=healthcare")
    summary = page.get_by_text("Filters (1 active)")
    count = page.locator("[data-result-count]")
    expect(summary).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_hidden()
    assert count.bounding_box()["y"] < 780, "the result count is below the first screen"
    summary.click()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    # Ticking a box there updates the results and leaves the filters open, the box focused.
    escp = page.locator('input[name="kind"][value="escp"]')
    escp.check()
    expect(page).to_have_url(re.compile(r"\?kind=escp&sector=healthcare$"))
    expect(page.get_by_text("Filters (2 active)")).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(escp).to_be_focused()

    wide = {}
    for width in (360, 320):
        page.set_viewport_size({"width": width, "height": 780})
        for name, url in public_pages().items():
            page.goto(portal + url)
            if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
                wide[f"{name} at {width}px"] = scroll
    assert wide == {}


# The contrast of the focus indicator against what is behind it (WCAG 1.4.11), from the computed
# styles: the outline's colour against the first opaque background of the element's ancestors
# (the outline is drawn outside the element, 2px off).
FOCUS_CONTRAST = """() => {
  const rgb = (color) => color.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = [255, 255, 255];
  for (let node = element.parentElement; node; node = node.parentElement) {
    const parts = rgb(getComputedStyle(node).backgroundColor);
    if (parts.length < 4 || parts[3] > 0.9) { behind = parts.slice(0, 3); break; }
  }
  const [a, b] = [luminance(rgb(style.outlineColor)), luminance(behind)];
  return {
    name: element.tagName + (element.id ? "#" + element.id : "") + " " + (element.textContent || element.name || "").trim().slice(0, 30),
    width: parseFloat(style.outlineWidth) * (style.outlineStyle === "none" ? 0 : 1),
    contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
  };
}"""


def test_every_control_of_the_partnerships_page_shows_its_focus_at_3_to_1(portal, page):
    page.goto(portal + "/partnerships/?sector=healthcare")
    seen, weak = 0, []
    page.keyboard.press("Tab")
    for _ in range(150):
        if page.evaluate("document.activeElement === document.body"):
            break
        focus = page.evaluate(FOCUS_CONTRAST)
        seen += 1
        if focus["width"] < 2 or focus["contrast"] < 3:
            weak.append(focus)
        page.keyboard.press("Tab")
    assert seen > 30
    assert weak == []


def pdf_text(page, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    page.pdf(path=path, format="A4")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_lists_and_reports_print_on_a4_without_navigation_or_a_cut_column(portal, page, tmp_path):
    for name, url in {
        "partnerships": "/partnerships/?sector=healthcare",
        "report": "/reports/escp-overview/",
    }.items():
        page.goto(portal + url)
        headings = [h.strip() for h in page.locator("main table th[scope=col]").all_inner_texts()]
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator("form.live-filters")).to_be_hidden()
        expect(page.locator(".print-only")).to_have_text(portal + url)
        expect(page.locator(".site-footer")).to_contain_text("Data from the European Commission")
        text = " ".join(pdf_text(page, tmp_path, name).split())
        assert headings and [h for h in headings if " ".join(h.split()) not in text] == [], name
        assert "Apply filters" not in text and "Statistics" not in text.split("Data from")[0]
        page.emulate_media(media="screen")


CHANGED_PAGES = {
    "home": "/",
    "partnerships": "/partnerships/?sector=healthcare",
    "outcomes": "/outcomes/?type=mou",
    "clusters": "/clusters/",
    "country": "/countries/TN/",
}


def axe_violations(page):
    return [
        (v["impact"], v["id"], v["nodes"][0]["target"])
        for v in Axe().run(page).response["violations"]
    ]


def test_the_changed_pages_have_no_axe_violation_plain_or_enhanced(portal, page):
    """ "Plain" is the page without the portal's scripts (axe itself needs JavaScript to run):
    what a visitor without JavaScript gets; "enhanced", after a live update of the filters."""
    found = {}
    for enhanced in (False, True):
        if not enhanced:
            page.route(
                lambda url: "/static/js/" in url or "/vendor/htmx/" in url, lambda r: r.abort()
            )
        else:
            page.unroute_all()
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            for name, url in CHANGED_PAGES.items():
                page.goto(portal + url)
                if enhanced and "/partnerships/" in url:
                    if width < 992:
                        page.get_by_text("Filters (1 active)").click()
                    page.locator('input[name="kind"][value="escp"]').check()
                    expect(page.locator("#live-status")).not_to_be_empty()
                if problems := axe_violations(page):
                    found[f"{name} {width}px {'enhanced' if enhanced else 'plain'}"] = problems
    assert found == {}

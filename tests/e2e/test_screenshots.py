"""Screenshots of the main pages, desktop and phone: `make screenshots` writes them to docs/screenshots/
for the README; otherwise they go to a temporary folder (tests/e2e/conftest.py's screenshots_folder)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "home": "/",
    "partnerships": "/partnerships/?target_country=TN",
    # A profile with its provenance: facts, funding programme, outcomes, source and as-of date.
    "partnership": "/partnerships/bioxclusters/",
    "outcomes": "/outcomes/?type=mou&country=CN",
    "country": "/countries/TN/",
    "report": "/reports/escp-overview/",
    # The same list in French: the interface in the reader's language, the data as entered.
    "partnerships-fr": "/fr/partnerships/?target_country=TN",
}
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}
# Pages whose screenshot must show where their facts come from, above the fold.
PROVENANCE = {"partnership"}


def test_screenshots_of_the_main_pages(portal, page, screenshots):
    screenshots.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(portal + url)
            if name in PROVENANCE:
                line = page.locator(".provenance")
                assert line.inner_text().startswith("Information as of January 2014 — source: ")
                box = line.bounding_box()
                assert box and box["y"] + box["height"] <= height, f"{name}-{size}: below the fold"
            path = screenshots / f"{name}-{size}.png"
            page.screenshot(path=path)
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert path.stat().st_size > 10_000, f"{path.name} looks blank"


def test_screenshots_of_the_filters_as_they_apply(portal, page, screenshots):
    """The enhanced filters: ICT ticked by typing, the country list narrowed to "bra", the
    results already updated; on a phone, the folded "Filters" opened over the results."""
    screenshots.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(portal + "/partnerships/")
        if size == "phone":
            page.get_by_text("Filters", exact=True).click()
        sectors = page.get_by_label("Type to narrow: Sector")
        sectors.fill("ict")
        sectors.press("Enter")
        expect(page).to_have_url(re.compile(r"\?sector=ict$"))
        page.locator('input[name="works_with"][value="BR"]').check()
        expect(page).to_have_url(re.compile(r"\?sector=ict&works_with=BR$"))
        expect(
            page.get_by_role("link", name="Works with: Brazil (remove this filter)")
        ).to_be_visible()
        page.locator('input[name="works_with"][value="BR"]').focus()
        path = screenshots / f"filters-{size}.png"
        page.screenshot(path=path)
        assert path.stat().st_size > 10_000, f"{path.name} looks blank"

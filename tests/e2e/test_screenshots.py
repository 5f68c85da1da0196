"""Screenshots of the main pages, desktop and phone: `make screenshots` writes them to docs/screenshots/
for the README; otherwise they go to a temporary folder (tests/e2e/conftest.py's screenshots_folder)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "home": "/",
    "partnerships": "/partnerships/?target_country=TN",
    # A profile with its provenance: facts, funding programme, outcomes, source and as-of date.
    "partnership": "/partnerships/bioxclusters/",
    "outcomes": "/outcomes/?type=mou&country=CN",
    "country": "/countries/TN/",
    "report": "/reports/escp-overview/",
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

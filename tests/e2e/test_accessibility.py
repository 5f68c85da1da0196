"""axe-core on every public page type and the main admin forms: no violation of any impact."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User

from partnerships.models import Partnership
from tests.pages import ADMIN_PAGES, public_pages

pytestmark = pytest.mark.django_db(transaction=True)


def violations(page):
    """The page's violations, of any impact (minor ones too)."""
    return [
        f"{v['impact']}: {v['id']}: {v['help']} at {[node['target'] for node in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]


def violations_at_both_widths(page, portal, pages: dict[str, str]) -> dict[str, list[str]]:
    """{"<name> at <width>px": its violations} for each page (name: URL) at desktop and phone width."""
    problems = {}
    for name, url in pages.items():
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(portal + url)
            if found := violations(page):
                problems[f"{name} at {width}px"] = found
    return problems


@pytest.mark.long
def test_public_pages_have_no_accessibility_violations(portal, page):
    assert violations_at_both_widths(page, portal, public_pages()) == {}


def test_french_and_german_pages_have_no_accessibility_violations(portal, page):
    urls = ["/fr/partnerships/?sector=healthcare&target_country=JP", "/de/countries/TN/"]
    assert violations_at_both_widths(page, portal, {url: url for url in urls}) == {}


def test_the_api_reference_has_no_violation_of_any_impact(portal, page):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(portal + "/api/docs")
        found = Axe().run(page).response["violations"]
        assert [(v["impact"], v["id"], v["nodes"][0]["target"]) for v in found] == [], width


def test_admin_forms_have_no_accessibility_violations(portal, page):
    User.objects.create_superuser("root", "root@example.eu", "a-long-test-password-1")
    elca = Partnership.objects.get(slug="elca").pk
    page.goto(portal + ADMIN_PAGES["admin-login"])
    problems = {"admin-login": violations(page)}
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    for name, url in ADMIN_PAGES.items():
        if name != "admin-login":
            page.goto(portal + url.format(elca=elca))
            # The admin's scripts build and name the autocompletes after the page has loaded.
            page.wait_for_function(
                "!document.querySelector('.select2 [role=combobox]:not([aria-label])')"
            )
            problems[name] = violations(page)
    assert {name: found for name, found in problems.items() if found} == {}

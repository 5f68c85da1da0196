"""What people do on the portal, in a real browser."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from outcomes.models import Outcome
from portal.roles import EDITORS
from tests.e2e.admin_forms import save_mou

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_browses_by_sector_narrows_to_a_country_and_downloads_the_list(portal, page):
    page.goto(portal + "/")
    # The sector's name opens its page; its count, the partnerships it counts.
    page.get_by_role("region", name="Browse by sector").get_by_role("listitem").filter(
        has_text="Healthcare"
    ).locator("a.figure").click()
    expect(page).to_have_url(re.compile(r"/partnerships/\?sector=healthcare$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships")

    page.locator('input[name="target_country"][value="JP"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"sector=healthcare.*target_country=JP"))
    expect(page.get_by_role("status")).to_contain_text("1 partnership")
    expect(
        page.get_by_role("link", name="Target country: Japan (remove this filter)")
    ).to_be_visible()

    page.get_by_role("link", name="ESCP for Personalized Healthcare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ESCP for Personalized Healthcare")
    expect(page.get_by_text("5 from 5 countries")).to_be_visible()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.fullmatch(r"partnerships-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert [(row["name"], row["sectors"], row["target_countries"]) for row in rows] == [
        ("ESCP for Personalized Healthcare", "Healthcare", "US;CN;BR;JP;KR")
    ]


def test_a_visitor_on_a_phone_finds_the_mous_signed_with_china(portal, page):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(portal + "/outcomes/")
    # On a phone the results come first; the filters open from "Filters".
    page.get_by_text("Filters", exact=True).click()
    page.locator('input[name="type"][value="mou"]').check()
    page.locator('input[name="country"][value="CN"]').check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("status")).to_contain_text("2 outcomes")
    table = page.get_by_role("table", name="Outcomes matching the filters")
    expect(table.get_by_role("link", name="BioXClusters")).to_have_count(2)
    # Nothing runs off the side of a 375-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_curator_adds_a_mou_publishes_it_and_sees_it_on_the_public_pages(portal, page):
    editor = User.objects.create_user(
        "editor", "editor@example.eu", "a-long-test-password-1", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITORS))

    page.goto(portal + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()

    page.goto(portal + "/admin/partnerships/partnership/?q=ELCA")
    page.get_by_role("link", name="European Lighting Cluster Alliance - ELCA").click()
    page.get_by_role("link", name="Add MoU").click()
    save_mou(page, "MoU with a Chinese lighting cluster")

    mou = Outcome.objects.get(title="MoU with a Chinese lighting cluster")
    assert (mou.partnership.slug, mou.country_id, mou.is_published) == ("elca", "CN", False)
    page.goto(portal + "/partnerships/elca/")
    expect(page.get_by_text("MoU with a Chinese lighting cluster")).to_have_count(0)

    page.goto(portal + "/admin/outcomes/outcome/?q=Chinese+lighting")
    page.locator(f'input[name="_selected_action"][value="{mou.pk}"]').check()
    page.get_by_label("Action:").select_option("publish")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 record published.")

    page.goto(portal + "/partnerships/elca/")
    expect(page.get_by_role("link", name="MoU with a Chinese lighting cluster")).to_be_visible()
    export = page.request.get(portal + "/outcomes/?partnership=elca&export=csv").text()
    assert "MoU with a Chinese lighting cluster" in export


def test_a_keyboard_user_reaches_and_uses_the_filters_and_the_results(portal, page):
    page.goto(portal + "/partnerships/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    search = page.get_by_role("textbox", name="Search")
    tab_until(page, search)
    page.keyboard.type("ICT")
    escp = page.locator('input[name="kind"][value="escp"]')
    tab_until(page, escp)
    page.keyboard.press("Space")
    tab_until(page, page.get_by_role("button", name="Apply filters"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=ICT.*kind=escp"))
    expect(page.get_by_role("status")).to_contain_text("1 partnership")

    result = page.get_by_role("link", name="ICT4Future")
    tab_until(page, result)
    # The focused element shows a visible outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("ICT4Future")


def tab_until(page, locator, limit=300):
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} never received the focus")

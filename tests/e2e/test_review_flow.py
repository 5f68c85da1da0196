"""The curators' desk in a real browser: a coordinator's MoU through review to the public page,
with the e-mails read from the test's own SMTP server; a visitor's report through the queue to the
public list; a bot refused; axe on the queue, the dashboard and the report form."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from outcomes.models import Outcome, Suggestion
from partnerships.models import Partnership
from portal.roles import COORDINATORS, EDITORS

pytestmark = pytest.mark.django_db(transaction=True)


def violations(page):
    """axe's violations of any impact, minor included."""
    found = Axe().run(page).response["violations"]
    return [(v["impact"], v["id"], [node["target"] for node in v["nodes"]][:3]) for v in found]


PASSWORD = "a-long-test-password-1"


def log_in(page, portal, username):
    page.context.clear_cookies()
    page.goto(portal + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def staff(username, group):
    user = User.objects.create_user(username, f"{username}@example.eu", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_coordinators_mou_is_reviewed_published_and_both_are_told(
    portal, page, inbox, screenshots
):
    coordinator = staff("coordinator", COORDINATORS)
    staff("editor", EDITORS)
    Partnership.objects.get(slug="elca").coordinators.add(coordinator)
    elca = Partnership.objects.get(slug="elca").pk

    log_in(page, portal, "coordinator")
    page.goto(portal + f"/admin/outcomes/mou/add/?partnership={elca}")
    expect(page.locator(".review-status")).to_have_text("Draft — not public")
    page.locator("#id_title").fill("MoU with a Korean lighting cluster")
    page.locator("#id_level").select_option("c2c")
    page.locator("#id_country").locator("..").locator(".select2-selection").click()
    page.locator('input.select2-search__field[aria-controls="select2-id_country-results"]').fill(
        "Korea"
    )
    page.locator(".select2-results__option", has_text="Korea").first.click()
    page.locator("#id_date").fill("2014-02-20")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.locator(".messagelist")).to_contain_text("Waiting for review")
    [submitted] = inbox.to("editor@example.eu")
    assert "waits for review" in submitted["Subject"]
    queue_url = re.search(r"https?://\S+/admin/review/", inbox.body(submitted)).group(0)

    log_in(page, portal, "editor")
    page.goto(queue_url)
    item = page.locator(".review-item", has_text="MoU with a Korean lighting cluster")
    expect(item.get_by_role("table")).to_contain_text("2014-02-20")
    page.screenshot(path=screenshots / "admin-review-queue.png", full_page=True)
    assert violations(page) == []
    item.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is published: it is public now")

    page.goto(portal + "/partnerships/elca/")
    expect(page.get_by_role("link", name="MoU with a Korean lighting cluster")).to_be_visible()
    [published] = inbox.to("coordinator@example.eu")
    assert published["Subject"] == "Published: MoU with a Korean lighting cluster"

    log_in(page, portal, "coordinator")
    page.goto(portal + "/admin/")
    desk = page.locator(".curator-dashboard")
    expect(desk.get_by_role("table", name="Recently published")).to_contain_text(
        "MoU with a Korean lighting cluster"
    )
    page.screenshot(path=screenshots / "admin-desk.png", full_page=True)
    assert violations(page) == []


def test_a_visitors_report_reaches_the_queue_and_the_public_list(portal, page, inbox, settings):
    settings.SUGGESTION_MIN_SECONDS = 1
    staff("editor", EDITORS)
    page.goto(portal + "/partnerships/elca/")
    page.get_by_role("link", name="Report a result of this partnership").click()
    assert violations(page) == []
    page.get_by_label("What happened").select_option("mou")
    page.get_by_label("Title").fill("MoU with a Mexican lighting cluster")
    page.get_by_label("Country").select_option("MX")
    page.get_by_label("Date").fill("2014-05-06")
    page.get_by_label("Your name").fill("Ana Costa")
    page.get_by_label("Your e-mail").fill("ana@cluster.example")
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert inbox.to("ana@cluster.example")
    page.goto(portal + "/outcomes/?partnership=elca")
    expect(page.get_by_text("MoU with a Mexican lighting cluster")).to_have_count(0)

    log_in(page, portal, "editor")
    page.goto(portal + "/admin/review/")
    page.get_by_role("link", name="MoU with a Mexican lighting cluster").click()
    page.get_by_role("link", name=re.compile("filled in from this suggestion")).click()
    expect(page.locator("#id_title")).to_have_value("MoU with a Mexican lighting cluster")
    page.locator("#id_level").select_option("c2c")
    page.locator("#id_is_published").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Status: Published")
    assert Suggestion.objects.get().status == Suggestion.Status.CONVERTED

    page.goto(portal + "/outcomes/?partnership=elca")
    expect(page.get_by_role("link", name="MoU with a Mexican lighting cluster")).to_be_visible()


def test_a_bot_posting_the_hidden_field_or_too_fast_gets_400_and_nothing_is_stored(portal, page):
    page.goto(portal + "/outcomes/report/?partnership=elca")
    token = page.locator('input[name="csrfmiddlewaretoken"]').get_attribute("value")
    opened = page.locator('input[name="opened"]').get_attribute("value")
    form = {
        "csrfmiddlewaretoken": token,
        "opened": opened,
        "partnership": str(Partnership.objects.get(slug="elca").pk),
        "type": "mou",
        "title": "Cheap watches",
        "name": "Bot",
        "email": "bot@spam.example",
    }
    headers = {"Referer": portal + "/outcomes/report/"}
    honeypot = page.request.post(
        portal + "/outcomes/report/", form={**form, "website": "x"}, headers=headers
    )
    too_fast = page.request.post(portal + "/outcomes/report/", form=form, headers=headers)
    assert (honeypot.status, too_fast.status) == (400, 400)
    assert "too quickly" in too_fast.text()
    assert not Suggestion.objects.exists() and not Outcome.objects.filter(title="Cheap watches")

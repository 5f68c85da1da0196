"""The curators' desk in Chromium: a coordinator enters an MoU (no date filled in, no time-zone note),
previews the draft, meets the duplicate warning when entering it again; an editor publishes it. The
screenshots of docs/curation.md are taken here (written to docs/screenshots/ by `make screenshots`),
and axe finds no violation of any impact on the admin pages curators use."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from outcomes.models import Outcome
from partnerships.models import Partnership
from portal.roles import COORDINATORS, EDITORS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password-1"
TITLE = "MoU with a Chinese lighting cluster"
DESKTOP = {"width": 1280, "height": 900}


def curator(username, group, partnership=None):
    user = User.objects.create_user(username, f"{username}@example.eu", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    if partnership:
        partnership.coordinators.add(user)
    return user


def log_in(page, portal, username):
    page.goto(portal + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_have_text("EU Cluster Portal — curation")


def fill_mou(page, *, title=TITLE, country="China", date="2014-01-15"):
    page.locator("#id_title").fill(title)  # not title_fr, title_de
    page.locator("#id_level").select_option("c2c")
    page.locator("#id_country").locator("..").locator(".select2-selection").click()
    page.locator('input.select2-search__field[aria-controls="select2-id_country-results"]').fill(
        country
    )
    page.locator(".select2-results__option", has_text=country).first.click()
    page.locator("#id_date").fill(date)


def shoot(page, screenshots, name, locator=None):
    screenshots.mkdir(parents=True, exist_ok=True)
    path = screenshots / f"curation-{name}.png"
    (locator or page).screenshot(path=path)
    assert path.stat().st_size > 5_000, f"{path.name} looks blank"


# The browser five hours behind the portal (Europe/Brussels): Django's admin would write "You are 6
# hours behind the server time" under a date.
@pytest.mark.browser_context_args(timezone_id="America/New_York")
def test_a_coordinator_enters_an_mou_previews_it_and_an_editor_publishes_it(
    portal, page, browser, screenshots
):
    elca = Partnership.objects.get(slug="elca")
    curator("coordinator", COORDINATORS, elca)
    curator("editor", EDITORS)
    page.set_viewport_size(DESKTOP)

    # 1. The coordinator opens the partnership and adds an MoU: no date is filled in, the format is
    #    shown, and no time-zone note sits under the date.
    log_in(page, portal, "coordinator")
    page.goto(portal + f"/admin/partnerships/partnership/{elca.pk}/change/")
    page.get_by_role("link", name="Add MoU").click()
    date = page.locator("#id_date")
    expect(date).to_have_value("")
    expect(date).to_have_attribute("placeholder", "YYYY-MM-DD")
    fill_mou(page, date="15/01/2014")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("Enter a real date as YYYY-MM-DD")
    page.locator("#id_date").fill("2014-01-15")
    expect(page.get_by_text("hours behind")).to_have_count(0)
    expect(page.get_by_text("hour behind")).to_have_count(0)
    shoot(page, screenshots, "add-mou")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    mou = Outcome.objects.get(title=TITLE)
    assert (mou.partnership_id, mou.country_id, mou.is_published) == (elca.pk, "CN", False)

    # 2. "View on site" opens the draft's preview, which no visitor can open.
    page.get_by_role("link", name="View on site").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview — not public")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    shoot(page, screenshots, "preview")
    visitor = browser.new_page()
    assert visitor.goto(page.url).status == 404
    assert visitor.goto(portal + mou.get_absolute_url()).status == 404
    visitor.close()

    # 3. The same MoU entered again: the warning, with a link to the draft, before anything is saved.
    page.goto(portal + f"/admin/outcomes/mou/add/?partnership={elca.pk}")
    fill_mou(page)
    page.get_by_role("button", name="Save", exact=True).click()
    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text("Already recorded?")
    expect(warning.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", f"/admin/outcomes/mou/{mou.pk}/change/"
    )
    shoot(page, screenshots, "duplicate")
    assert Outcome.objects.filter(title=TITLE).count() == 1

    # 4. An editor finds the draft among the MoUs to publish, and publishes it.
    page.context.clear_cookies()
    log_in(page, portal, "editor")
    page.goto(portal + "/admin/outcomes/mou/?is_published__exact=0")
    expect(page.locator(".model-description")).to_contain_text("Memoranda of Understanding")
    shoot(page, screenshots, "drafts")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Published").check()
    shoot(page, screenshots, "publish")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(portal + "/partnerships/elca/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.goto(portal + mou.get_absolute_url())
    expect(page.locator(".preview-banner")).to_have_count(0)
    shoot(page, screenshots, "public")


def test_the_admin_pages_curators_use_have_no_accessibility_violation(portal, page):
    """axe, every impact: the lists, forms and histories of partnerships and MoUs, the duplicate
    warning and a preview."""
    elca = Partnership.objects.get(slug="elca")
    mou = (
        Outcome.objects.filter(partnership=elca, type="mou").first()
        or Outcome.objects.filter(type="mou").first()
    )
    curator("editor", EDITORS)
    page.set_viewport_size(DESKTOP)
    log_in(page, portal, "editor")
    pages = {
        "partnership list": "/admin/partnerships/partnership/",
        "partnership form": f"/admin/partnerships/partnership/{elca.pk}/change/",
        "partnership history": f"/admin/partnerships/partnership/{elca.pk}/history/",
        "outcome list": "/admin/outcomes/outcome/",
        "MoU list": "/admin/outcomes/mou/",
        "MoU form": f"/admin/outcomes/mou/{mou.pk}/change/",
        "MoU history": f"/admin/outcomes/mou/{mou.pk}/history/",
        "add MoU": f"/admin/outcomes/mou/add/?partnership={elca.pk}",
        "cluster list": "/admin/partnerships/cluster/",
        "preview": f"/admin/partnerships/partnership/{elca.pk}/preview/",
    }
    problems = {}
    for name, url in pages.items():
        page.goto(portal + url)
        page.wait_for_function(
            "!document.querySelector('.select2 [role=combobox]:not([aria-label])')"
        )
        problems[name] = found(page)
    # The duplicate warning, as a curator meets it.
    page.goto(portal + f"/admin/outcomes/mou/add/?partnership={mou.partnership_id}")
    fill_mou(page, title=mou.title, country=mou.country.name)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".duplicate-warning")).to_be_visible()
    problems["duplicate warning"] = found(page)
    assert {name: found for name, found in problems.items() if found} == {}


def found(page):
    return [
        f"{v['impact']}: {v['id']}: {v['help']} at {[node['target'] for node in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
    ]

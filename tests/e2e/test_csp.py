"""The Content-Security-Policy in a real browser: no page of the portal or the admin breaks it.

Chromium reports each blocked inline style or script as a ``securitypolicyviolation`` event and a
console error; both are collected on every page, and the admin's scripts must still work.
"""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from outcomes.models import Outcome
from partnerships.models import Partnership
from tests.e2e.admin_forms import save_mou
from tests.pages import public_pages

pytestmark = pytest.mark.django_db(transaction=True)

# Installed before any of the page's own code runs; the page's CSP does not apply to it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` at ${event.sourceFile || ""}:${event.lineNumber}`);
});
"""
CSV_IMPORT = (
    "partnership_slug,type,title,country,date,counterpart\n"
    "elca,mou,MoU with a Japanese lighting cluster,JP,2013-05-01,Japan Lighting Cluster\n"
)


@pytest.fixture
def watched(page):
    """The page, with every CSP violation (event or console message) collected in ``page.problems``."""
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"console: {message.text}")
            # An unknown feature in the Permissions-Policy header is reported the same way.
            if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
            else None
        ),
    )
    return page


def _check(page, name):
    page.wait_for_load_state("load")
    for violation in page.evaluate("window.__cspViolations || []"):
        page.problems.append(f"{name}: {violation}")


def test_no_public_page_breaks_the_content_security_policy(portal, watched):
    for name, url in public_pages().items():
        response = watched.goto(portal + url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        _check(watched, name)
    assert watched.problems == []


def test_the_admin_works_under_the_content_security_policy(portal, watched, tmp_path):
    page = watched
    root = User.objects.create_superuser("root", "root@example.eu", "a-long-test-password-1")
    elca = Partnership.objects.get(slug="elca")

    page.goto(portal + "/admin/login/")
    _check(page, "login")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="EU Cluster Portal — curation", level=1)
    ).to_be_visible()
    _check(page, "index")

    # The change form, its "Add MoU" link, and the MoU form's autocomplete (select2, jQuery).
    page.goto(portal + f"/admin/partnerships/partnership/{elca.pk}/change/")
    _check(page, "partnership change form")
    page.get_by_role("link", name="Add MoU").click()
    _check(page, "add MoU")
    save_mou(page, "MoU with a Chinese lighting cluster")
    _check(page, "MoU saved")

    # The change list with its filters and actions; the import and its preview.
    page.goto(portal + "/admin/outcomes/outcome/")
    _check(page, "outcome list")
    upload = tmp_path / "outcomes.csv"
    upload.write_text(CSV_IMPORT)
    page.goto(portal + "/admin/outcomes/outcome/import/")
    _check(page, "import")
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.locator("#id_format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("MoU with a Japanese lighting cluster")).to_be_visible()
    _check(page, "import preview")

    # The history and a revert to an earlier version.
    mou = Outcome.objects.get(title="MoU with a Chinese lighting cluster")
    page.goto(portal + f"/admin/outcomes/mou/{mou.pk}/history/")
    _check(page, "history")
    page.locator("#change-history a").first.click()
    _check(page, "revision")
    page.goto(portal + "/admin/outcomes/mou/recover/")
    _check(page, "recover list")

    # A second factor's setup page, its QR code drawn in inline SVG.
    device = TOTPDevice.objects.create(user=root, name="phone")
    page.goto(portal + f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    qr_code = page.get_by_role("img", name="QR code of the authenticator app address below")
    expect(qr_code).to_be_visible()
    page.screenshot(path=tmp_path / "totp-setup.png")
    _check(page, "TOTP device setup")

    assert page.problems == [], "\n".join(page.problems)

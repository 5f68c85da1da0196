"""What a curator does in the admin's forms, shared by the browser tests."""

from playwright.sync_api import expect


def save_mou(page, title, *, level="c2c", country="China", date="2014-01-15"):
    """On the "Add MoU" form: type the MoU, pick its country from the autocomplete, and save."""
    page.locator("#id_title").fill(title)  # not title_fr, title_de, …
    page.locator("#id_level").select_option(level)
    page.locator("#id_country").locator("..").locator(".select2-selection").click()
    page.locator('input.select2-search__field[aria-controls="select2-id_country-results"]').fill(
        country
    )
    page.locator(".select2-results__option", has_text=country).first.click()
    page.locator("#id_date").fill(date)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

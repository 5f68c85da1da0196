"""The list pages' live filters (htmx) from the server's side: the same URL and view answer the
whole page or, to htmx, the filters and results only, and no cache hands one for the other."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

LIVE = {"HTTP_HX_REQUEST": "true"}
URL = "/partnerships/?sector=ict&works_with=BR"


def test_the_live_filters_get_the_title_the_filters_and_the_results_only(client, seeded):
    response = client.get(URL, **LIVE)
    assert response.status_code == 200
    html = response.content.decode()
    assert not html.lstrip().lower().startswith("<!doctype")
    assert "<title>Partnerships (filtered) · " in html
    assert 'id="results"' in html and 'class="live-filters"' in html
    assert 'data-result-count="1"' in html
    # What stays on the page is not sent again: the heading and the live region.
    assert "<h1>" not in html and 'id="live-status"' not in html
    assert "HX-Request" in response["Vary"]


def test_the_whole_page_says_it_varies_too_and_a_history_reload_gets_it(client, seeded):
    page = client.get(URL)
    assert "HX-Request" in page["Vary"]
    assert 'id="live-status"' in page.content.decode()
    restore = client.get(URL, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **LIVE)
    assert restore.content.decode().lstrip().lower().startswith("<!doctype html>")


@override_settings(PAGE_CACHE=True)
def test_the_page_cache_keeps_the_part_and_the_page_apart(client, seeded):
    part = client.get(URL, **LIVE)
    page = client.get(URL)
    kept_part = client.get(URL, **LIVE)
    kept_page = client.get(URL)
    assert kept_part.content == part.content != page.content == kept_page.content
    assert "HX-Request" in kept_part["Vary"] and "HX-Request" in kept_page["Vary"]
    # Their validators differ: the part's ETag never turns the page into a 304.
    assert client.get(URL, HTTP_IF_NONE_MATCH=part["ETag"]).status_code == 200
    assert client.get(URL, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304


def test_a_country_typed_by_name_filters_as_its_code(client, seeded):
    by_name = client.get("/partnerships/?target_country=brazil").content.decode()
    by_code = client.get("/partnerships/?target_country=BR").content.decode()
    count = re.compile(r'data-result-count="(\d+)"')
    assert count.search(by_name)[1] == count.search(by_code)[1] != "0"
    assert re.search(r'name="target_country" value="BR"[^>]*checked', by_name)


def test_ticked_options_come_first_and_groups_without_options_are_hidden(client, seeded):
    options = re.compile(r'name="works_with" value="(\w+)"')
    everything = options.findall(client.get("/partnerships/").content.decode())
    ticked = options.findall(client.get("/partnerships/?works_with=US").content.decode())
    assert ticked == ["US", *(code for code in everything if code != "US")]

    # Offices have no MoU level: that group is left out, heading and all.
    html = client.get("/outcomes/?type=office").content.decode()
    legends = []
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", html, re.S):
        legends.append(re.search(r"<legend[^>]*>\s*(.*?)\s*</legend>", fieldset, re.S)[1])
        assert 'type="checkbox"' in fieldset, legends[-1]
    assert "Type" in legends and "MoU level" not in legends

"""Queries per page: at most 10, and the same at any data and page size.

Each page is rendered twice with whole kept pages off (see the last two tests): first with
an empty cache, as for the first visitor after a change of the data (cold: the date of the
data, the filter options and every count are computed), then with them cached (warm). Both
numbers are fixed, at 10 and at 40 partnerships and at page sizes 10, 25 and 100; the
benchmark (bench/) counts them again over 10,000 partnerships.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

# page: (queries with an empty cache, queries once the counts and options are cached)
PAGES = {
    "/": (10, 0),
    "/partnerships/": (9, 1),
    "filtered-partnerships": (10, 2),
    "/partnerships/?q=cluster": (9, 1),
    # Cold: the years to choose from are the newest, the oldest, then those between (one query).
    "/outcomes/": (9, 1),
    "/outcomes/?type=mou&country=US&year=2020": (9, 1),
    "/outcomes/?page=2": (9, 1),
    "/clusters/": (10, 1),
    "/sectors/aerospace/": (8, 2),
    "country-detail": (10, 3),
    "partnership-detail": (10, 1),
    "/statistics/": (4, 0),
    "/feeds/outcomes/": (1, 1),
    "/api/partnerships/": (6, 5),
}


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


@pytest.mark.parametrize("partnerships", [10, 40])
@pytest.mark.parametrize("page_size", [10, 25, 100])
def test_queries_per_page_are_the_same_at_any_data_and_page_size(
    client, settings, partnerships, page_size
):
    settings.PAGE_SIZE = page_size
    call_command("generate_demo_data", partnerships=partnerships, seed=2, verbosity=0)
    # A partnership with every kind of related row (a region among its targets), so that each
    # prefetch runs at either size.
    example = Partnership.objects.filter(targets__region__isnull=False).order_by("pk").first()
    sector, target = example.sectors.first(), example.targets.exclude(country=None).first()
    region = example.targets.exclude(region=None).first().region
    urls = {
        "country-detail": region.countries.order_by("code").first().get_absolute_url(),
        "partnership-detail": example.get_absolute_url(),
        "filtered-partnerships": f"/partnerships/?sector={sector.slug}&target_country={target.country_id}",
    }
    found = {}
    for page in PAGES:
        url = urls.get(page, page)
        cache.clear()  # Each page as the first visitor after a change of the data sees it.
        found[page] = (queries(client, url), queries(client, url))
    assert found == PAGES
    assert all(cold <= 10 and warm <= 10 for cold, warm in found.values())


@pytest.mark.parametrize("partnerships", [10, 40])
def test_why_each_partnership_is_listed_costs_the_same_queries_at_any_data_size(
    client, partnerships
):
    """Once the counts are cached: the rows, the chosen region, its and the targeted regions'
    third countries, and the outcomes for works_with. The rows' sectors, members and targets are
    kept with their cells (6 and 7 queries when they were read for each page; 7 and 8 before the
    targets were read as values)."""
    call_command("generate_demo_data", partnerships=partnerships, seed=2, verbosity=0)
    example = Partnership.objects.filter(targets__region__isnull=False).order_by("pk").first()
    region = example.targets.exclude(region=None).first().region
    code = region.countries.filter(is_eu_member=False).order_by("code").first().code
    by_region = f"/partnerships/?target_region={region.slug}"
    client.get(by_region)
    assert queries(client, by_region) == 3
    everything = f"{by_region}&target_country={code}&works_with={code}"
    client.get(everything)
    assert queries(client, everything) == 4


def test_a_kept_page_costs_no_query_until_the_data_changes(client, settings, partnership):
    settings.PAGE_CACHE = True
    from tests.factories import OutcomeFactory

    OutcomeFactory(partnership=partnership, title="A first MoU")
    assert "A first MoU" in client.get("/outcomes/").text
    assert queries(client, "/outcomes/") == 0
    response = client.get("/outcomes/")
    assert response["X-Frame-Options"] == "DENY"  # The middleware above still applies.
    OutcomeFactory(partnership=partnership, title="A second MoU")
    assert "A second MoU" in client.get("/outcomes/").text


def test_logged_in_curators_and_exports_always_get_fresh_answers(
    client, settings, editor, partnership
):
    settings.PAGE_CACHE = True
    client.get("/outcomes/")
    with CaptureQueriesContext(connection) as context:
        b"".join(client.get("/outcomes/?export=csv").streaming_content)
    assert len(context) > 0
    client.force_login(editor)
    assert queries(client, "/outcomes/") > 0

"""core/data_cache.py: pages, counts, maps and charts kept until a curator changes the data."""

import datetime

import pytest
from django.utils import timezone

from core.data_cache import forget
from outcomes.models import Outcome
from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/partnerships/", "/outcomes/", "/sectors/", "/countries/", "/clusters/"]
)
def test_public_pages_say_when_their_data_last_changed_and_follow_new_publications(
    client, partnership, url
):
    old = timezone.make_aware(datetime.datetime(2014, 1, 21, 12))
    outcome = OutcomeFactory(partnership=partnership)
    Outcome.objects.update(updated_at=old)
    type(partnership).objects.update(updated_at=old)
    forget()
    assert 'Data last updated: <time datetime="2014-01-21' in client.get(url).text
    outcome.title = "Renamed"
    outcome.save()  # A save clears the cached date.
    today = timezone.localdate().isoformat()
    assert f'Data last updated: <time datetime="{today}' in client.get(url).text


def test_cached_counts_follow_a_curators_changes(client, partnership):
    from partnerships.models import Sector

    OutcomeFactory(partnership=partnership, country=None)
    assert "go to the 1 result" in client.get("/outcomes/").text
    assert "go to the 1 result" in client.get("/outcomes/").text  # From the cache.
    second = OutcomeFactory(partnership=partnership, country=None)
    assert "go to the 2 results" in client.get("/outcomes/").text
    second.set_published(False)
    second.save()
    assert "go to the 1 result" in client.get("/outcomes/").text
    # A partnership's sectors are counted on the list: adding one is seen at once.
    assert "Lighting (1)" not in client.get("/partnerships/").text
    partnership.sectors.add(Sector.objects.create(name="Lighting", slug="lighting"))
    assert "Lighting (1)" in client.get("/partnerships/").text


def test_kept_maps_and_charts_follow_a_curators_changes_and_each_page_has_its_own(
    client, partnership
):
    from partnerships.models import TargetMarket

    TargetMarket.objects.create(partnership=partnership, country_id="US")
    assert "United States of America: 1 partnership works with it" in client.get("/").text
    assert "United States of America: 1 partnership works with it" in client.get("/").text  # Kept.
    other = PartnershipFactory(name="Second")
    TargetMarket.objects.create(partnership=other, country_id="US")
    home = client.get("/").text
    assert "United States of America: 2 partnerships work with it" in home
    assert "1 partnership works with it" not in home
    TargetMarket.objects.create(partnership=other, country_id="CA")  # A chart needs two bars.
    stats = client.get("/statistics/").text
    assert "United States of America: 2 partnerships" in stats  # The bar chart's tooltip.
    # The statistics map narrows the page it is on: its links carry that page's filters.
    assert "?target_country=US" in stats
    assert "?kind=escp&amp;target_country=US" in client.get("/statistics/?kind=escp").text

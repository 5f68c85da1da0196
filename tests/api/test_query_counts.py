"""Each API list costs the same few queries whatever its page size: no query per row."""

import pytest

from partnerships.models import MemberCountry, Region, TargetMarket
from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_rows():
    region = Region.objects.create(name="North Africa", slug="north-africa")
    region.countries.set(["TN", "MA"])
    for n in range(30):
        sector = SectorFactory()
        partnership = PartnershipFactory(sectors=[sector])
        MemberCountry.objects.create(
            partnership=partnership, country_id="SE", cross_border_country_id="DK"
        )
        TargetMarket.objects.create(partnership=partnership, country_id="BR")
        TargetMarket.objects.create(partnership=partnership, region=region, position=1)
        OutcomeFactory(partnership=partnership, country_id="BR", title=f"MoU {n}")
        ClusterFactory()


# count, page, then for partnerships the prefetches: sectors, member countries, targets, region countries
QUERIES = {
    "/api/partnerships/": 6,
    "/api/outcomes/": 2,
    "/api/clusters/": 2,
    "/api/sectors/": 2,
    "/api/countries/": 2,
    "/api/regions/": 3,
}


@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
@pytest.mark.parametrize("page_size", [1, 25])
def test_a_list_costs_the_same_queries_for_any_page_size(
    client, many_rows, django_assert_num_queries, url, queries, page_size
):
    with django_assert_num_queries(queries):
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, response.json()["count"])


def test_country_filters_and_sorting_add_no_queries(client, many_rows, django_assert_num_queries):
    with django_assert_num_queries(QUERIES["/api/partnerships/"]):
        response = client.get(
            "/api/partnerships/", {"target_country": "TN", "member_country": "dk", "sort": "-name"}
        )
    assert response.json()["count"] == 30

"""/api/: HEAD answers like GET without the body on every endpoint; other methods say what is allowed."""

import re

import pytest

from partnerships.models import Region, TargetMarket
from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db

# Set anew for each response.
PER_RESPONSE = {"X-Request-ID"}


@pytest.fixture
def urls(client):
    """Every GET endpoint of the schema, with its path parameters filled in from a few rows."""
    region = Region.objects.create(name="North Africa", slug="north-africa")
    region.countries.set(["TN", "MA"])
    partnership = PartnershipFactory(slug="grain", sectors=[SectorFactory(slug="food")])
    TargetMarket.objects.create(partnership=partnership, region=region)
    outcome = OutcomeFactory(partnership=partnership, country_id="TN")
    ClusterFactory(slug="seeds")
    values = {
        "partnerships": "grain",
        "clusters": "seeds",
        "sectors": "food",
        "countries": "TN",
        "regions": "north-africa",
        "outcomes": outcome.pk,
    }
    paths = client.get("/api/openapi.json").json()["paths"]
    assert all(set(operations) == {"get"} for operations in paths.values())
    # /api/partnerships/{slug}/: the value for the resource the path names (none for the index, /api/).
    return [re.sub(r"\{[^}]+\}", str(values.get(path.split("/")[2], "")), path) for path in paths]


def test_head_answers_every_endpoint_like_get_without_a_body(client, urls):
    assert len(urls) == 13
    for url in [*urls, "/api/partnerships/?sector=food&page_size=1"]:
        get, head = client.get(url), client.head(url)
        assert (head.status_code, get.status_code) == (200, 200), url
        assert head.content == b"", url
        assert int(head["Content-Length"]) == len(get.content) > 0, url
        assert {k: v for k, v in head.items() if k not in PER_RESPONSE} == {
            k: v for k, v in get.items() if k not in PER_RESPONSE
        }, url


def test_head_gives_the_same_error_status_as_get(client, urls):
    assert client.head("/api/partnerships/no-such-one/").status_code == 404
    assert client.head("/api/partnerships/?sector=no-such-sector").status_code == 400


@pytest.mark.parametrize("method", ["options", "post", "put", "patch", "delete"])
def test_other_methods_are_refused_naming_the_allowed_ones(client, urls, method):
    for url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}, url


def test_head_stays_out_of_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation_ids = [
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    ]
    assert len(operation_ids) == len(set(operation_ids)) == 13

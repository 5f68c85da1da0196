"""/api/: every endpoint, published rows only, pagination, bad parameters and refused writes."""

import re

import pytest

from partnerships.models import MemberCountry, Partnership, Region, TargetMarket
from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    food = SectorFactory(name="Food", slug="food")
    north_africa = Region.objects.create(name="North Africa", slug="north-africa")
    north_africa.countries.set(["TN", "MA", "EG"])
    grain = PartnershipFactory(
        name="Grain", acronym="GR", slug="grain", sectors=[food], partner_count=3, country_count=2
    )
    MemberCountry.objects.create(partnership=grain, country_id="SE", cross_border_country_id="DK")
    MemberCountry.objects.create(partnership=grain, country_id="FR", position=1)
    TargetMarket.objects.create(partnership=grain, region=north_africa)
    TargetMarket.objects.create(partnership=grain, country_id="BR", position=1)
    draft = PartnershipFactory(
        name="Hidden draft", slug="hidden-draft", sectors=[food], is_published=False
    )
    mou = OutcomeFactory(partnership=grain, title="MoU in Brazil", country_id="BR")
    OutcomeFactory(partnership=grain, title="Unpublished MoU", is_published=False)
    OutcomeFactory(partnership=draft, title="MoU of a draft partnership")
    ClusterFactory(name="Seeds", slug="seeds", country_id="SE", cross_border_country_id="DK")
    ClusterFactory(name="Hidden cluster", slug="hidden-cluster", is_published=False)
    return {"grain": grain, "mou": mou}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_root_is_an_index_of_every_endpoint_in_the_schema(client, data):
    response = client.get("/api/")
    assert response.status_code == 200
    index = response.json()
    assert index["docs"] == "http://testserver/api/docs"
    assert index["openapi"] == "http://testserver/api/openapi.json"
    schema = client.get(index["openapi"]).json()
    assert index["title"] == schema["info"]["title"]
    assert [e["url"] for e in index["endpoints"]] == [
        f"http://testserver{path}" for path in schema["paths"] if path != "/api/"
    ]
    assert all(endpoint["summary"] for endpoint in index["endpoints"])
    assert {
        "url": "http://testserver/api/partnerships/{slug}/",
        "summary": "One published partnership",
    } in index["endpoints"]
    # Each address answers, its part in braces filled in with a row of its kind.
    values = {
        "partnerships": "grain",
        "clusters": "seeds",
        "sectors": "food",
        "countries": "BR",
        "regions": "north-africa",
        "outcomes": data["mou"].pk,
    }
    for endpoint in index["endpoints"]:
        kind = endpoint["url"].split("/")[4]
        url = re.sub(r"\{[^}]+\}", str(values[kind]), endpoint["url"])
        assert client.get(url).status_code == 200, url
    assert client.get(index["docs"]).status_code == 200


def test_a_partnership_carries_the_export_columns_with_absolute_links(client, data):
    [row] = results(client.get("/api/partnerships/"))
    assert row["name"] == "Grain"
    assert row["sectors"] == ["Food"]
    assert row["member_countries"] == ["SE", "DK", "FR"]
    assert row["member_country_entries"] == ["SE-DK", "FR"]
    assert row["target_countries"] == ["BR"]
    assert row["target_regions"] == ["North Africa"]
    assert row["url"] == "http://testserver/partnerships/grain/"
    assert row["api_url"] == "http://testserver/api/partnerships/grain/"
    assert client.get(row["api_url"]).json() == row


def test_unpublished_rows_never_appear(client, data):
    assert [r["slug"] for r in results(client.get("/api/partnerships/"))] == ["grain"]
    assert [r["title"] for r in results(client.get("/api/outcomes/"))] == ["MoU in Brazil"]
    assert [r["slug"] for r in results(client.get("/api/clusters/"))] == ["seeds"]
    assert client.get("/api/partnerships/hidden-draft/").status_code == 404
    assert client.get("/api/clusters/hidden-cluster/").status_code == 404
    hidden = data["grain"].outcomes.get(title="Unpublished MoU")
    assert client.get(f"/api/outcomes/{hidden.pk}/").status_code == 404


def test_an_outcome_is_found_by_its_id(client, data):
    response = client.get(f"/api/outcomes/{data['mou'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == data["mou"].pk
    assert (body["partnership_slug"], body["country"], body["type"]) == ("grain", "BR", "mou")
    assert body["url"] == f"http://testserver/outcomes/{data['mou'].pk}/"


def test_a_cluster_is_found_by_its_slug(client, data):
    body = client.get("/api/clusters/seeds/").json()
    assert (body["country"], body["cross_border_country"]) == ("SE", "DK")
    assert body["url"] == "http://testserver/clusters/seeds/"


def test_sectors_count_published_partnerships_only(client, data):
    [row] = results(client.get("/api/sectors/"))
    assert (row["slug"], row["partnership_count"]) == ("food", 1)
    assert client.get("/api/sectors/food/").json() == row
    assert row["url"] == "http://testserver/sectors/food/"


def test_countries_are_those_in_the_data(client, data):
    codes = {r["code"] for r in results(client.get("/api/countries/?page_size=100"))}
    assert {"BR", "SE", "DK", "FR", "TN"} <= codes
    assert "JP" not in codes


@pytest.mark.parametrize("code", ["BR", "br", "Br"])
def test_a_country_is_found_by_its_code_in_any_case(client, data, code):
    body = client.get(f"/api/countries/{code}/").json()
    assert (body["code"], body["name"], body["direct_target_count"]) == ("BR", "Brazil", 1)


@pytest.mark.parametrize(("alias", "code"), [("UK", "GB"), ("el", "GR"), ("ROK", "KR")])
def test_a_country_is_found_by_its_eu_alias(client, alias, code):
    assert client.get(f"/api/countries/{alias}/").json()["code"] == code


def test_a_region_lists_its_countries_and_links_to_the_partnerships_targeting_it(client, data):
    [row] = results(client.get("/api/regions/"))
    assert row["countries"] == ["EG", "MA", "TN"]
    assert row["url"] == "http://testserver/partnerships/?target_region=north-africa"
    assert client.get(row["api_url"]).json() == row


@pytest.mark.parametrize(
    "url",
    [
        "/api/partnerships/nope/",
        "/api/clusters/nope/",
        "/api/sectors/nope/",
        "/api/regions/nope/",
        "/api/countries/XX/",
        "/api/countries/toolong/",
        "/api/outcomes/999999/",
    ],
)
def test_a_missing_record_is_a_404_with_a_message(client, data, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_bad_filters_are_a_400_naming_each_parameter(client, data):
    response = client.get(
        "/api/partnerships/", {"sector": "nope", "target_country": "XX", "kind": "escp"}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"sector", "target_country"}
    assert errors["sector"] == ["“nope” is not a sector on this portal."]
    assert "is not a country code" in errors["target_country"][0]


@pytest.mark.parametrize(
    ("url", "params", "bad"),
    [
        ("/api/outcomes/", {"year": "20x3"}, "year"),
        ("/api/outcomes/", {"sort": "colour"}, "sort"),
        ("/api/clusters/", {"label": "platinum"}, "label"),
        ("/api/partnerships/", {"q": "x" * 201}, "q"),
        ("/api/partnerships/", {"q": "a\x00b"}, "q"),
        ("/api/partnerships/", {"page": "abc"}, "page"),
        ("/api/partnerships/", {"page": "0"}, "page"),
        ("/api/partnerships/", {"page_size": "101"}, "page_size"),
        ("/api/sectors/", {"page_size": "-1"}, "page_size"),
    ],
)
def test_bad_parameters_are_a_400_with_a_message(client, data, url, params, bad):
    response = client.get(url, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [bad]
    assert response.json()["errors"][bad][0]


def test_pages_link_to_each_other_with_absolute_urls(client):
    PartnershipFactory.create_batch(5)
    first = client.get("/api/partnerships/", {"page_size": 2, "kind": "escp"}).json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/partnerships/?page_size=2&kind=escp&page=2"
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/partnerships/?page_size=2&kind=escp&page=1"
    last = client.get(second["next"]).json()
    assert last["next"] is None
    seen = [r["slug"] for page in (first, second, last) for r in page["results"]]
    assert len(seen) == len(set(seen)) == 5


def test_a_page_past_the_end_is_a_404_with_a_message(client):
    PartnershipFactory.create_batch(3)
    response = client.get("/api/partnerships/", {"page": 3, "page_size": 2})
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no page “3”: the results fill 2 pages."


def test_pages_stop_where_the_list_pages_do(client, settings):
    settings.LIST_MAX_ROWS = 3
    PartnershipFactory.create_batch(5)
    last = client.get("/api/partnerships/", {"page": 2, "page_size": 2}).json()
    assert last["count"] == 5
    assert last["next"] is None
    assert len(last["results"]) == 2
    response = client.get("/api/partnerships/", {"page": 3, "page_size": 2})
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "There is no page “3”: pages stop at page 2, the first 4 of the 5 results. Narrow the "
        "filters, or download the results: the exports hold them all."
    )


def test_the_total_is_counted_again_once_the_data_changes(client):
    PartnershipFactory.create_batch(2)
    assert client.get("/api/partnerships/").json()["count"] == 2
    PartnershipFactory()
    assert client.get("/api/partnerships/").json()["count"] == 3


def test_an_empty_list_has_one_empty_page(client, db):
    body = client.get("/api/outcomes/").json()
    assert body == {
        "count": 0,
        "count_is_estimate": False,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/partnerships/", "/api/partnerships/grain/", "/api/outcomes/"]
)
def test_write_methods_are_refused(client, data, method, url):
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    assert Partnership.objects.filter(slug="grain", is_published=True).exists()


def test_the_footer_and_the_exports_help_lead_to_the_api(client, db):
    assert 'href="/about/exports/#api"' in client.get("/").text
    help_page = client.get("/about/exports/").text
    assert 'id="api"' in help_page
    assert 'href="/api/docs"' in help_page
    assert 'href="/api/openapi.json"' in help_page


@pytest.mark.parametrize("url", ["/api/outcomes/", "/outcomes/", "/api/partnerships/"])
def test_a_superscript_digit_is_not_a_country_code(client, db, url):
    # Found by schemathesis: "¹" counts as a digit for str.isdigit() but not for int().
    param = "country" if "outcomes" in url else "member_country"
    assert client.get(url, {param: "¹"}).status_code == 400
    assert client.get("/api/countries/¹/").status_code == 404

"""The API returns the rows its page shows for the same parameters, in the same order, on the seed data."""

from tests.factories import ClusterFactory


def page_rows(client, url, params, key):
    """Every row of a list page, following its pages."""
    rows, page = [], 1
    while True:
        response = client.get(url, {**params, "page": page})
        assert response.status_code == 200
        rows += [key(item) for item in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return rows
        page += 1


def api_rows(client, url, params, key):
    """Every row of an API list, following ``next``; small pages so that several are walked."""
    rows, body = [], client.get(url, {**params, "page_size": 4}).json()
    while True:
        rows += [row[key] for row in body["results"]]
        if not body["next"]:
            return rows
        body = client.get(body["next"]).json()


PARTNERSHIP_FILTERS = [
    {},
    {"sector": "healthcare", "target_country": "JP"},
    {"target_country": "tn"},
    {"target_country": "BR", "sort": "-partners"},
    {"kind": "escp", "member_country": ["UK", "DK"], "sort": "countries"},
    {"q": "cluster", "sort": "-name"},
    {"target_region": "baltic-sea-region"},
    {"outcome_type": "mou", "sort": "kind"},
    {"target_country": "US", "sort": "-countries"},
]


def test_partnerships_are_those_of_the_page(client, seeded):
    # One test over many filters: loading the seed is the slow part.
    for params in PARTNERSHIP_FILTERS:
        from_page = page_rows(client, "/partnerships/", params, lambda p: p.slug)
        assert from_page, params
        assert api_rows(client, "/api/partnerships/", params, "slug") == from_page, params


OUTCOME_FILTERS = [
    {},
    {"type": "mou", "country": "cn"},
    {"sort": "-date"},
    {"sort": "country", "type": ["office", "mission"]},
    {"partnership": "bioxclusters", "sort": "-type"},
    {"sector": ["biotech-for-human-health", "sports-goods"], "sort": "title"},
    {"q": "Tunis"},
    {"level": "c2c", "sort": "-partnership"},
]


def test_outcomes_are_those_of_the_page(client, seeded):
    for params in OUTCOME_FILTERS:
        from_page = page_rows(client, "/outcomes/", params, lambda o: o.pk)
        assert from_page, params
        assert api_rows(client, "/api/outcomes/", params, "id") == from_page, params


def test_clusters_are_those_of_the_page(client, seeded):
    # The seed names no clusters; these tie on country and label, so the sort needs its tie-breaker.
    for n, (country, label) in enumerate([("SE", "gold"), ("FR", "gold"), ("DK", "silver")] * 3):
        ClusterFactory(name=f"Valley {n}", country_id=country, label=label)
    ClusterFactory(name="Valley draft", country_id="SE", label="gold", is_published=False)
    for params in [{}, {"country": "se"}, {"label": "gold", "sort": "-country"}, {"q": "val"}]:
        from_page = page_rows(client, "/clusters/", params, lambda c: c.slug)
        assert from_page, params
        assert api_rows(client, "/api/clusters/", params, "slug") == from_page, params


def test_the_api_refuses_what_the_page_refuses(client, seeded):
    params = {"sector": "nope", "target_country": "ZZ"}
    assert client.get("/partnerships/", params).status_code == 400
    response = client.get("/api/partnerships/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"sector", "target_country"}

"""/clusters/: named member clusters, filtered by country (cross-border ones in both) and label."""

import pytest

from tests.factories import ClusterFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def clusters():
    ClusterFactory(
        name="Lighting Cluster Sweden-Denmark",
        country=country("SE"),
        cross_border_country=country("DK"),
        label="gold",
    )
    ClusterFactory(name="Aerospace Valley", country=country("FR"), label="silver")
    ClusterFactory(name="Draft cluster", country=country("FR"), is_published=False)


def names(response):
    return [cluster.name for cluster in response.context["object_list"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Aerospace Valley", "Lighting Cluster Sweden-Denmark"]),
        ({"country": "dk"}, ["Lighting Cluster Sweden-Denmark"]),
        ({"country": "FR"}, ["Aerospace Valley"]),
        ({"label": "gold"}, ["Lighting Cluster Sweden-Denmark"]),
        ({"q": "valley"}, ["Aerospace Valley"]),
    ],
)
def test_filters(client, clusters, params, expected):
    assert names(client.get("/clusters/", params)) == expected


def test_an_unknown_label_answers_400_with_a_message(client, clusters):
    response = client.get("/clusters/", {"label": "platinum"})
    assert response.status_code == 400
    assert "“platinum” is not an excellence label on this portal." in response.text

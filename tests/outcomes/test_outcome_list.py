"""/outcomes/: filters, facets and bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db
URL = "/outcomes/"


def titles(response):
    return [outcome.title for outcome in response.context["object_list"]]


@pytest.fixture
def data():
    food = SectorFactory(name="Food", slug="food")
    grain = PartnershipFactory(name="Grain", slug="grain", sectors=[food])
    wings = PartnershipFactory(name="Wings", slug="wings")
    OutcomeFactory(
        partnership=grain,
        title="MoU with Chile",
        country_id="CL",
        level="c2c",
        date=datetime.date(2013, 3, 1),
    )
    OutcomeFactory(
        partnership=wings,
        title="MoU with the USA",
        country_id="US",
        level="b2b",
        date=datetime.date(2012, 5, 1),
    )
    OutcomeFactory(
        partnership=wings, title="Office in China", type="office", country_id="CN", year=2013
    )
    OutcomeFactory(partnership=wings, title="Draft MoU", country_id="US", is_published=False)
    OutcomeFactory(
        partnership=PartnershipFactory(is_published=False), title="MoU of a draft partnership"
    )


def test_it_lists_published_outcomes_of_published_partnerships_newest_first(client, data):
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == ["MoU with Chile", "MoU with the USA", "Office in China"]
    assert "Draft MoU" not in response.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "mou"}, ["MoU with Chile", "MoU with the USA"]),
        ({"type": "mou", "country": "us"}, ["MoU with the USA"]),
        ({"level": "c2c"}, ["MoU with Chile"]),
        ({"partnership": "wings"}, ["MoU with the USA", "Office in China"]),
        ({"sector": "food"}, ["MoU with Chile"]),
        ({"year": "2013"}, ["MoU with Chile", "Office in China"]),
        ({"year": ["2012", "2013"], "type": "office"}, ["Office in China"]),
        ({"q": "china"}, ["Office in China"]),
        ({"sort": "title"}, ["MoU with Chile", "MoU with the USA", "Office in China"]),
    ],
)
def test_filters(client, data, params, expected):
    assert titles(client.get(URL, params)) == expected


def test_facets_count_outcomes(client, data):
    form = client.get(URL, {"type": "mou"}).context["filter"].form
    assert dict(form.fields["type"].choices) == {
        "mou": "Memorandum of Understanding (2)",
        "office": "Office (1)",
    }
    assert dict(form.fields["country"].choices) == {
        "CL": "Chile (1)",
        "US": "United States of America (1)",
    }
    assert dict(form.fields["sector"].choices) == {"food": "Food (1)"}
    assert dict(form.fields["year"].choices) == {"2013": "2013 (1)", "2012": "2012 (1)"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "20x6"}, "“20x6” is not a year."),
        ({"year": "\uff12\uff10\uff11\uff13"}, "is not a year."),  # full-width digits
        ({"type": "gift"}, "“gift” is not an outcome type on this portal."),
        ({"level": "g2g"}, "“g2g” is not an MoU level on this portal."),
        ({"country": "XX"}, "“XX” is not a country code."),
        ({"partnership": "nope"}, "“nope” is not a partnership on this portal."),
        ({"page": "-1"}, "There is no page “-1”"),
    ],
)
def test_a_bad_parameter_answers_400_with_a_message(client, data, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.text
    assert len(titles(response)) == 3


def test_the_number_of_queries_does_not_grow_with_the_rows(client, settings, data):
    settings.PAGE_SIZE = 100

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"type": "mou", "sector": "food"})
        return len(queries), len(response.context["object_list"])

    few, rows_few = queries_for_list()
    grain = PartnershipFactory._meta.model.objects.get(slug="grain")
    OutcomeFactory.create_batch(49, partnership=grain)
    many, rows_many = queries_for_list()
    assert (rows_few, rows_many) == (1, 50)
    assert many == few

"""A sort chosen on the outcome list: its rows in the sort's order, ties broken by id in the same
direction, with or without filters. On PostgreSQL the whole list sorted by its date, title or type
is read along that column's index (outcomes_sort_*); a filtered list's rows are sorted once
selected, not found along the index past every row the filters leave out."""

import datetime

import pytest
from django.db import connection

from outcomes.models import Outcome
from tests.factories import OutcomeFactory
from tests.outcomes.plans import page_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(partnership):
    for number, (year, title) in enumerate(
        [(2014, "Roadmap"), (2014, "Roadmap"), (2016, "Alliance"), (2020, "Mission"), (2020, "MoU")]
    ):
        OutcomeFactory(
            partnership=partnership,
            title=title,
            year=year,
            date=datetime.date(year, 5, 1),
            country_id="CN" if number % 2 else "US",
        )
    OutcomeFactory(partnership=partnership, title="Undated", year=2016, date=None)


def shown(client, **params) -> list[int]:
    response = client.get("/outcomes/", params)
    assert response.status_code == 200
    return [row.pk for row in response.context["object_list"]]


@pytest.mark.parametrize("sort", ["date", "-date", "title", "-title", "type", "-type"])
@pytest.mark.parametrize("filters", [{}, {"country": "CN"}, {"year": "2014"}])
def test_a_sorted_list_is_in_the_sorts_order_with_ties_in_its_direction(
    client, outcomes, sort, filters
):
    rows = Outcome.objects.published()
    if "country" in filters:
        rows = rows.filter(country="CN")
    if "year" in filters:
        rows = rows.filter(year=2014)
    tie = "-pk" if sort.startswith("-") else "pk"
    assert shown(client, sort=sort, **filters) == list(
        rows.order_by(sort, tie).values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_whole_list_sorted_is_read_along_the_sorts_index(client, outcomes):
    for sort, index in [("-date", "outcomes_sort_date"), ("title", "outcomes_sort_title")]:
        assert index in page_plan(client, {"sort": sort})
    # Filtered: the rows selected are sorted (an index of the date walked from the oldest
    # outcome to the year chosen).
    assert "outcomes_sort_date" not in page_plan(client, {"sort": "date", "year": "2020"})

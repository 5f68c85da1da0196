"""Outcomes of several years: each page is the one the list's order gives, on the page and in the
API, however it is read. On PostgreSQL a page is read among each year's first rows, each year's
along its own index (FacetedFilterSet.rows_to_page): as one filter, ``year IN (2019, 2020)``,
PostgreSQL walked the list's own index past every outcome of the other years."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import Outcome
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.django_db

SEVERAL = {"year": ["2019", "2020", "none"]}


@pytest.fixture
def outcomes_of_four_years(partnership):
    for year in (2018, 2019, 2020, 2021):
        for day in (1, 1, 15):  # Two on one day: their titles, then their ids, order them.
            OutcomeFactory(partnership=partnership, year=year, date=datetime.date(year, 3, day))
        OutcomeFactory(partnership=partnership, year=year, date=None)  # the year only
    OutcomeFactory(partnership=partnership, year=None, date=None)  # no date at all
    OutcomeFactory(partnership=partnership, year=2020, date=None, is_published=False)


def in_list_order() -> list[int]:
    """The outcomes of 2019, 2020 and none in the list's order, as the ORM reads them."""
    rows = Outcome.objects.published().in_years([2019, 2020, "none"])
    return list(rows.order_by(*Outcome._meta.ordering).values_list("pk", flat=True))


def test_each_page_of_several_years_is_the_one_the_lists_order_gives(
    client, settings, outcomes_of_four_years
):
    settings.PAGE_SIZE = 3
    expected = in_list_order()
    assert len(expected) == 9
    shown = []
    for page in (1, 2, 3):
        response = client.get("/outcomes/", {**SEVERAL, "page": page})
        assert response.status_code == 200
        shown += [row.pk for row in response.context["object_list"]]
    assert shown == expected
    assert response.context["result_count"] == 9


def test_the_api_gives_the_same_pages(client, outcomes_of_four_years):
    expected = in_list_order()
    shown = []
    for page in (1, 2, 3):
        answer = client.get("/api/outcomes/", {**SEVERAL, "page": page, "page_size": 3}).json()
        shown += [row["id"] for row in answer["results"]]
    assert shown == expected
    assert answer["count"] == 9


def test_a_sorted_list_of_several_years_keeps_its_sort(client, outcomes_of_four_years):
    response = client.get("/outcomes/", {**SEVERAL, "sort": "title"})
    titles = [row.title for row in response.context["object_list"]]
    assert titles == sorted(titles)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot slice a UNION's parts")
def test_each_years_first_rows_are_read_by_a_query_of_their_own(
    client, settings, outcomes_of_four_years
):
    """Each filtered by its year alone, as far as the page's end: a query that the year's own
    index answers in the list's order (tests/outcomes/test_years.py shows its plan)."""
    settings.PAGE_SIZE = 3
    with CaptureQueriesContext(connection) as context:
        client.get("/outcomes/", {**SEVERAL, "page": 2})
    [page_query] = [
        query["sql"]
        for query in context
        if query["sql"].startswith('SELECT "outcomes_outcome"."id" AS "pk"')
    ]
    parts = page_query.split(" UNION ALL ")
    assert len(parts) == 3
    years = [r'\."year" IN \(2019\)', r'\."year" IN \(2020\)', r'\."year" IS NULL']
    for part, year in zip(parts, years, strict=True):
        assert re.search(year, part)
        assert re.search(r"LIMIT 6\b", part)
    # The filter by every year chosen is the page's, not its parts'.
    assert page_query.count("IN (2019, 2020)") == 1

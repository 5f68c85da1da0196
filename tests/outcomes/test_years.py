"""OutcomeQuerySet.years(): the years the outcomes have, newest first, as DISTINCT gives them,
read along the year index."""

import pytest
from django.db import connection

from outcomes.models import Outcome
from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_years_of_published_outcomes_newest_first_with_the_gaps_left_out():
    hidden = PartnershipFactory(is_published=False)
    for year in (2013, 2016, 2016, 2011):
        OutcomeFactory(year=year, date=None)
    OutcomeFactory(year=None, date=None)
    OutcomeFactory(year=2020, date=None, is_published=False)  # a draft's year
    OutcomeFactory(year=2009, date=None, partnership=hidden)  # an unpublished partnership's
    published = Outcome.objects.published()
    assert published.years() == [2016, 2013, 2011]
    distinct = published.exclude(year=None).order_by("-year").values_list("year", flat=True)
    assert published.years() == list(distinct.distinct())
    assert Outcome.objects.years() == [2020, 2016, 2013, 2011, 2009]


def test_no_outcomes_have_no_years(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Outcome.objects.published().years() == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_a_years_outcomes_in_the_lists_order_are_read_along_the_year_index():
    """Not by skipping every newer outcome along the list order's index (``date`` first)."""
    OutcomeFactory(year=2020, date=None)
    rows = Outcome.objects.published().in_years([2020]).order_by(*Outcome._meta.ordering)[:25]
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # Sorting a row or two is cheaper than any index: priced out, so that the plan shows
        # which index gives the list's order for a year.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "outcomes_year_order" in plan

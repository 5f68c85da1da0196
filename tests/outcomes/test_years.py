"""OutcomeQuerySet.years(): the years the outcomes have, newest first, as DISTINCT gives them,
read along the year index."""

import pytest

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

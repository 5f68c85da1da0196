"""The outcomes' admin lists read no more than a page needs: no full count, no DISTINCT of a column,
no date drill-down, a search through the indexed OutcomeQuerySet.search (core/admin_at_scale.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import admin_at_scale
from tests.factories import OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

OUTCOMES = reverse("admin:outcomes_outcome_changelist")


def test_the_list_reads_no_distinct_and_no_date_drill_down(client, editor, partnership):
    OutcomeFactory(partnership=partnership, year=2012, date=datetime.date(2012, 5, 1))
    OutcomeFactory(partnership=partnership, year=2009)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(OUTCOMES)
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]
    assert response.context["cl"].date_hierarchy is None
    # Every year from the first to the last on record, newest first, read from the column's ends.
    (year_filter,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "lookup_kwarg", None) == "year"
    ]
    assert [c["display"] for c in year_filter.choices(response.context["cl"])][1:5] == [
        "2012",
        "2011",
        "2010",
        "2009",
    ]
    assert "?year=2011" in response.text


def test_a_year_chosen_from_the_filter_selects_that_year(client, editor, partnership):
    OutcomeFactory(partnership=partnership, title="Of 2012", year=2012)
    OutcomeFactory(partnership=partnership, title="Of 2009", year=2009)
    client.force_login(editor)
    response = client.get(OUTCOMES, {"year": "2009"})
    assert [o.title for o in response.context["cl"].result_list] == ["Of 2009"]


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("ELCA", ["Roadmap for lighting", "MoU in Chile"]),  # the partnership's acronym
        ("Andes", ["MoU in Chile"]),  # the counterpart's name
        ("chile roadmap", []),  # every word must match
        ("chile lighting", ["MoU in Chile"]),  # one in the title, one in the partnership's name
        ('"in Chile"', ["MoU in Chile"]),  # a quoted phrase
    ],
)
def test_the_search_finds_by_title_partnership_and_counterpart(
    client, editor, partnership, other_partnership, words, found
):
    counterpart = OrganisationFactory(name="Andes Agro Cluster")
    OutcomeFactory(partnership=partnership, title="MoU in Chile", counterpart=counterpart)
    OutcomeFactory(partnership=partnership, title="Roadmap for lighting", type="roadmap")
    OutcomeFactory(partnership=other_partnership, title="Unrelated mission", type="mission")
    client.force_login(editor)
    response = client.get(OUTCOMES, {"q": words})
    assert response.status_code == 200
    assert sorted(o.title for o in response.context["cl"].result_list) == sorted(found)


def test_a_coordinator_searches_only_their_partnerships_outcomes(
    client, coordinator, partnership, other_partnership
):
    OutcomeFactory(partnership=partnership, title="Mission to Chile", type="mission")
    OutcomeFactory(partnership=other_partnership, title="Mission to Chile too", type="mission")
    client.force_login(coordinator)
    response = client.get(reverse("admin:outcomes_mission_changelist"), {"q": "chile"})
    assert [o.title for o in response.context["cl"].result_list] == ["Mission to Chile"]


def test_a_list_above_the_cap_shows_postgresqls_estimate_without_counting(
    client, editor, partnership, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("The estimate is PostgreSQL's planner's; elsewhere the count is exact.")
    OutcomeFactory.create_batch(30, partnership=partnership)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outcomes_outcome")
    monkeypatch.setattr(admin_at_scale, "EXACT_COUNT_CAP", 10)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(OUTCOMES)
    assert response.context["cl"].result_count == 30  # the planner knows the table after ANALYZE
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    monkeypatch.setattr(admin_at_scale, "EXACT_COUNT_CAP", 100)
    response = client.get(OUTCOMES, {"q": "Outcome 1"})
    assert response.context["cl"].result_count == len(response.context["cl"].result_list) > 1

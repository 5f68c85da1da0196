"""The outcomes' text search: what it looks in, and that PostgreSQL can answer it from indexes."""

import pytest
from django.db import connection

from outcomes.models import Outcome
from tests.factories import OrganisationFactory, OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes():
    solar = PartnershipFactory(name="Solar Bridge", acronym="SOLBR")
    other = PartnershipFactory(name="Wood Link", acronym="WL")
    OutcomeFactory(partnership=other, title="Roadmap for Brazil", type="roadmap")
    OutcomeFactory(partnership=other, title="Office", type="office", description="Opened in Recife")
    OutcomeFactory(partnership=other, title="Mission", type="mission", city="Sfax", country_id="TN")
    OutcomeFactory(
        partnership=other, title="MoU", counterpart=OrganisationFactory(name="Tianjin Hub")
    )
    OutcomeFactory(partnership=solar, title="Solar roadmap", type="roadmap")
    OutcomeFactory(partnership=other, title="Unrelated", description="nothing to see")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("brazil", ["Roadmap for Brazil"]),  # title, any case
        ("RECIFE", ["Office"]),  # description
        ("sfa", ["Mission"]),  # city, part of a word
        ("tianjin", ["MoU"]),  # the counterpart's name
        ("bridge", ["Solar roadmap"]),  # the partnership's name
        ("solbr", ["Solar roadmap"]),  # the partnership's acronym
        ("roadmap", ["Roadmap for Brazil", "Solar roadmap"]),
        ("zanzibar", []),
    ],
)
def test_search_looks_in_every_text_a_visitor_sees(outcomes, text, found):
    assert sorted(Outcome.objects.published().search(text).values_list("title", flat=True)) == found


def test_the_list_page_searches_the_same_way(client, outcomes):
    response = client.get("/outcomes/", {"q": "Tianjin"})
    assert [outcome.title for outcome in response.context["object_list"]] == ["MoU"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_answers_a_search_from_indexes_without_reading_every_outcome(outcomes):
    sql, params = Outcome.objects.search("sfax").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # With scans of the whole table priced out, the plan shows whether indexes can answer
        # every arm of the search; an arm no index fits leaves a Seq Scan on the outcomes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on outcomes_outcome" not in plan
    for index in ("outcomes_search_title", "outcomes_search_description", "outcomes_search_city"):
        assert index in plan

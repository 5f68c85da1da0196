"""No page grows with the data: a record's page and its admin form show the first rows of a long
list and link to the whole list, filtered, in a fixed number of queries.

bench/render.py fetches the largest partnership's and country's pages of the 1M-outcome set.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.models import Outcome
from partnerships.models import Country, MemberCountry, Membership, TargetMarket
from portal.detail_pages import DETAIL_ROWS
from tests.admin_post import change_form_data
from tests.factories import ClusterFactory, OutcomeFactory, SectorFactory

pytestmark = pytest.mark.django_db

MAX_HTML = 200_000  # bytes of HTML, the bound for any public page


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(context)


def add_outcomes(partnership, count, kind=Outcome.Type.MOU):
    OutcomeFactory.create_batch(count, partnership=partnership, type=kind)


def test_a_partnerships_page_shows_the_first_outcomes_of_each_type_and_links_to_them_all(
    client, partnership
):
    add_outcomes(partnership, 2, Outcome.Type.MISSION)
    few, few_queries = queries(client, partnership.get_absolute_url())
    add_outcomes(partnership, DETAIL_ROWS + 40)
    many, many_queries = queries(client, partnership.get_absolute_url())

    assert many_queries == few_queries
    html = many.text
    assert len(re.findall(r'href="/outcomes/\d+/"', html)) == DETAIL_ROWS + 2
    assert f"(the first {DETAIL_ROWS} are shown here)" in html
    see_all = "/outcomes/?partnership=elca&amp;type=mou"
    assert see_all in html
    assert "See all of its Mission" not in html  # two: all shown
    assert (
        f'{Outcome.Type.MOU.label} (<a class="figure" data-figure="65" href="{see_all}">65</a>)'
        in html
    )
    listed = client.get(see_all.replace("&amp;", "&"))
    assert "65 outcomes" in listed.text
    assert len(many.content) < len(few.content) + 25_000 < MAX_HTML


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.eu", "a-long-password")


@pytest.fixture
def busy_partnership(partnership):
    """A partnership with rows in every inline: member countries, members, targets, outcomes."""
    partnership.sectors.add(SectorFactory())  # The form requires one.
    partnership.partner_count = 40
    partnership.save()
    codes = ["FR", "DE", "IT", "ES", "NL", "BE", "SE", "DK"]
    countries = {code: Country.objects.get(code=code) for code in codes}
    for position, code in enumerate(codes, start=1):
        MemberCountry.objects.create(
            partnership=partnership, position=position, country=countries[code]
        )
    for number in range(12):
        cluster = ClusterFactory(country=countries[codes[number % len(codes)]])
        Membership.objects.create(partnership=partnership, cluster=cluster)
    for position, code in enumerate(["US", "CN", "JP", "BR", "IN"], start=1):
        TargetMarket.objects.create(
            partnership=partnership, position=position, country=Country.objects.get(code=code)
        )
    return partnership


def test_the_admin_form_of_a_partnership_caps_its_outcomes_in_at_most_20_queries(
    client, superuser, busy_partnership
):
    client.force_login(superuser)
    url = reverse("admin:partnerships_partnership_change", args=[busy_partnership.pk])
    add_outcomes(busy_partnership, 3)
    client.get(url)  # The first request of a session reads what later ones find cached.
    few, few_queries = queries(client, url)
    add_outcomes(busy_partnership, 60)
    many, many_queries = queries(client, url)

    # 20 when each inline's autocompletes read the labels their rows had already read with them.
    assert many_queries == few_queries <= 17
    outcome_rows = re.findall(r'id="outcomes-\d+"', many.text)
    assert len(outcome_rows) == 25
    changelist = reverse("admin:outcomes_outcome_changelist")
    see_all = f"{changelist}?partnership__id__exact={busy_partnership.pk}"
    assert see_all in many.text
    assert see_all not in few.text
    listed = client.get(see_all)
    assert listed.status_code == 200
    assert "63 outcomes" in listed.text
    # The labels read for all rows at once are the ones each row shows.
    united_states = Country.objects.get(code="US").name
    assert many.text.count(f'<option value="US" selected>{united_states}</option>') == 1
    assert many.text.count("selected>Cluster ") == 12


def test_the_capped_form_saves_without_touching_the_outcomes_it_does_not_show(
    client, superuser, busy_partnership
):
    client.force_login(superuser)
    url = reverse("admin:partnerships_partnership_change", args=[busy_partnership.pk])
    add_outcomes(busy_partnership, 30)
    data = change_form_data(client.get(url))
    data["name"] = "Renamed alliance"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    busy_partnership.refresh_from_db()
    assert busy_partnership.name == "Renamed alliance"
    assert busy_partnership.outcomes.count() == 30
    assert busy_partnership.memberships.count() == 12

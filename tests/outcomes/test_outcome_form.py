"""The outcome forms without traps: the country where an outcome happens, and a warning before
entering one that may already be recorded, with "save anyway" written in the history."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from reversion.models import Version

from outcomes.models import Outcome
from tests.admin_post import change_form_data
from tests.factories import OutcomeFactory, country, mou_form

pytestmark = pytest.mark.django_db

ADD_MOU = reverse("admin:outcomes_mou_add")
ADD_MISSION = reverse("admin:outcomes_mission_add")
ADD_ROADMAP = reverse("admin:outcomes_roadmap_add")
WARNING = "This may be an outcome that is already recorded"


def mission_form(partnership, **overrides) -> dict:
    return {
        "partnership": partnership.pk,
        "title": "Business trip to Santiago",
        "subtype": "business_trip",
        "direction": "outgoing",
        "city": "",
        "country": "",
        "date": "",
        "year": "2013",
        **overrides,
    }


@pytest.mark.parametrize(
    ("url", "form", "wanted"),
    [
        (
            ADD_MOU,
            {"country": ""},
            "Give the country where this MoU is, or tick “Intra-EU” or “Several countries”.",
        ),
        (ADD_MISSION, {}, "Give the country where this mission is, or tick “Several countries”."),
    ],
)
def test_an_outcome_that_happens_somewhere_needs_its_country(
    client, editor, partnership, url, form, wanted
):
    client.force_login(editor)
    data = mou_form(partnership, **form) if url == ADD_MOU else mission_form(partnership, **form)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["country"] == [wanted]
    assert not Outcome.objects.exists()


def test_several_countries_or_intra_eu_stand_for_the_country_and_a_roadmap_needs_none(
    client, editor, partnership
):
    client.force_login(editor)
    assert (
        client.post(ADD_MISSION, mission_form(partnership, multi_country="on")).status_code == 302
    )
    assert client.post(ADD_MOU, mou_form(partnership, country="", intra_eu="on")).status_code == 302
    roadmap = {
        "partnership": partnership.pk,
        "title": "Roadmap",
        "subtype": "market_study",
        "year": "2013",
    }
    assert client.post(ADD_ROADMAP, roadmap).status_code == 302
    assert Outcome.objects.filter(country=None).count() == 3
    assert Outcome.objects.get(type="mission").multi_country is True


def test_the_same_mou_entered_again_is_shown_before_saving_and_saved_only_anyway(
    client, editor, partnership
):
    existing = OutcomeFactory(
        partnership=partnership,
        title="Agreement with Santiago's food cluster",
        country=country("CL"),
        date=datetime.date(2013, 10, 15),
        year=2013,
        is_published=False,
    )
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership))
    assert response.status_code == 200
    assert WARNING in response.text
    link = reverse("admin:outcomes_mou_change", args=[existing.pk])
    assert f'href="{link}"' in response.text
    assert "Save anyway" in response.text
    assert Outcome.objects.count() == 1

    response = client.post(ADD_MOU, mou_form(partnership, save_anyway="on"))
    assert response.status_code == 302
    saved = Outcome.objects.exclude(pk=existing.pk).get()
    comment = Version.objects.get_for_object(saved).first().revision.comment
    assert (
        f"Saved anyway, though it may duplicate “{existing.title}” (record #{existing.pk})."
        in comment
    )


@pytest.mark.parametrize(
    "title",
    [
        "MoU with a chilean agro food cluster.",
        pytest.param(
            "MoU with Chilean agrofood cluster",
            marks=pytest.mark.skipif(
                connection.vendor != "postgresql", reason="trigram similarity: PostgreSQL only"
            ),
        ),
    ],
)
def test_a_near_identical_title_is_a_possible_duplicate_too(client, editor, partnership, title):
    OutcomeFactory(
        partnership=partnership, title="MoU with a Chilean agro-food cluster", country=country("CL")
    )
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership, title=title, date="2012-01-05"))
    assert WARNING in response.text


def test_other_partnerships_types_dates_and_titles_are_not_duplicates(
    client, editor, partnership, other_partnership
):
    day = datetime.date(2013, 10, 15)
    cl = country("CL")
    OutcomeFactory(partnership=other_partnership, country=cl, date=day, year=2013)
    OutcomeFactory(
        partnership=partnership,
        type="mission",
        subtype="business_trip",
        country=cl,
        date=day,
        year=2013,
    )
    OutcomeFactory(
        partnership=partnership,
        title="MoU with a US cluster",
        country=country("US"),
        date=day,
        year=2013,
    )
    OutcomeFactory(
        partnership=partnership,
        title="MoU with Japan",
        country=cl,
        date=datetime.date(2013, 1, 1),
        year=2013,
    )
    client.force_login(editor)
    assert client.post(ADD_MOU, mou_form(partnership)).status_code == 302


def test_editing_what_a_duplicate_is_not_judged_on_warns_of_nothing(client, editor, partnership):
    """A record saved anyway stays editable: only a change to its partnership, title, country or
    date is looked at again."""
    day = datetime.date(2013, 10, 15)
    first = OutcomeFactory(
        partnership=partnership, title="MoU with Chile", country=country("CL"), date=day, year=2013
    )
    second = OutcomeFactory(
        partnership=partnership, title="MoU with Chile", country=country("CL"), date=day, year=2013
    )
    client.force_login(editor)
    url = reverse("admin:outcomes_mou_change", args=[second.pk])
    form = change_form_data(client.get(url))
    response = client.post(url, {**form, "city": "Valparaíso"})
    assert response.status_code == 302, response.text
    response = client.post(url, {**change_form_data(client.get(url)), "title": "MoU with Chile!"})
    assert WARNING in response.text
    assert f'href="{reverse("admin:outcomes_mou_change", args=[first.pk])}"' in response.text

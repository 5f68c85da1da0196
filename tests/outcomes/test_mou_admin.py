"""Entering a MoU through the admin, as a editor does: one form, checked, never a 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Outcome
from tests.factories import OrganisationFactory, OutcomeFactory, country, mou_form

pytestmark = pytest.mark.django_db

ADD_MOU = reverse("admin:outcomes_mou_add")


def test_the_partnership_page_offers_add_mou_with_the_partnership_filled_in(
    client, editor, partnership
):
    client.force_login(editor)
    response = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
    assert response.status_code == 200
    assert f'href="{ADD_MOU}?partnership={partnership.pk}"' in response.text
    for kind in ["roadmap", "office", "mission", "exchange"]:
        assert (
            f'href="{reverse(f"admin:outcomes_{kind}_add")}?partnership={partnership.pk}"'
            in response.text
        )


def test_the_add_form_starts_with_the_partnership_and_no_date(client, editor, partnership):
    """Today's date, filled in, invited false signing dates; the format is said instead."""
    client.force_login(editor)
    response = client.get(ADD_MOU, {"partnership": partnership.pk})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert str(form.initial["partnership"]) == str(partnership.pk)
    assert "date" not in form.initial
    assert 'placeholder="YYYY-MM-DD"' in response.text
    assert "As YYYY-MM-DD." in response.text


def test_a_curator_adds_a_mou_which_starts_as_a_draft(client, editor, partnership):
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership))
    assert response.status_code == 302
    mou = Outcome.objects.get()
    assert (mou.type, mou.partnership, mou.level, mou.country_id) == (
        "mou",
        partnership,
        "c2c",
        "CL",
    )
    assert (mou.date, mou.year, mou.city) == (datetime.date(2013, 10, 15), 2013, "Santiago")
    assert mou.is_published is False


def test_staff_without_permission_cannot_add_a_mou(client, staff_without_permission, partnership):
    client.force_login(staff_without_permission)
    assert client.get(ADD_MOU).status_code == 403
    assert client.post(ADD_MOU, mou_form(partnership)).status_code == 403
    assert not Outcome.objects.exists()
    response = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
    assert ADD_MOU not in response.text


def test_anonymous_visitors_are_sent_to_the_login(client, partnership):
    response = client.post(ADD_MOU, mou_form(partnership))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert not Outcome.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2013-02-30"}, "date", "Enter a real date as YYYY-MM-DD, e.g. 2013-10-15."),
        ({"date": "15/10/2013"}, "date", "Enter a real date as YYYY-MM-DD, e.g. 2013-10-15."),
        (
            # Made when the tests are collected: a month ahead is still the future when the test
            # runs, however long the suite takes (a day ahead was not, once it ran past midnight).
            {"date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()},
            "date",
            "cannot be in the future",
        ),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"country": "DE"}, "intra_eu", "Germany is an EU member state"),
        ({"level": "g2g"}, "level", "Select a valid choice."),
        ({"partnership": "999999"}, "partnership", "Select a valid choice."),
        ({"title": ""}, "title", "This field is required."),
        ({"date": "", "year": "1850"}, "year", "Ensure this value is greater than or equal to"),
    ],
)
def test_a_bad_value_gives_a_form_error_not_a_500(
    client, editor, partnership, overrides, field, message
):
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Outcome.objects.exists()


def test_a_mou_within_the_eu_is_accepted_when_marked_intra_eu(client, editor, partnership):
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership, country="DE", intra_eu="on"))
    assert response.status_code == 302
    assert Outcome.objects.get().intra_eu is True


def test_the_counterpart_must_be_in_the_mous_country(client, editor, partnership):
    client.force_login(editor)
    counterpart = OrganisationFactory(name="Brazilian Plastics Cluster", country=country("BR"))
    response = client.post(ADD_MOU, mou_form(partnership, counterpart=counterpart.pk, country="CL"))
    assert response.status_code == 200
    assert "The counterpart is in Brazil" in " ".join(
        response.context["adminform"].form.errors["counterpart"]
    )


def test_a_duplicate_mou_names_the_record_it_duplicates(client, editor, partnership):
    counterpart = OrganisationFactory(name="Chilean Agro-food Cluster", country=country("CL"))
    existing = OutcomeFactory(
        partnership=partnership,
        counterpart=counterpart,
        country=country("CL"),
        date=datetime.date(2013, 10, 15),
    )
    client.force_login(editor)
    response = client.post(ADD_MOU, mou_form(partnership, counterpart=counterpart.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        f"This MoU duplicates “{existing.title}” (record #{existing.pk}): same partnership, counterpart and signing date."
    ]
    assert Outcome.objects.count() == 1


def test_the_list_of_all_outcomes_opens_each_in_its_typed_form(admin_client):
    roadmap = OutcomeFactory(type=Outcome.Type.ROADMAP, subtype="joint_strategy", country=None)
    response = admin_client.get(reverse("admin:outcomes_outcome_change", args=[roadmap.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:outcomes_roadmap_change", args=[roadmap.pk])
    # A roadmap is not reachable through the MoU form.
    response = admin_client.get(reverse("admin:outcomes_mou_change", args=[roadmap.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_the_typed_form_offers_only_its_own_kinds(admin_client):
    response = admin_client.get(reverse("admin:outcomes_roadmap_add"))
    choices = [value for value, _ in response.context["adminform"].form.fields["subtype"].choices]
    assert choices == ["", "export_strategy", "market_study", "joint_strategy"]

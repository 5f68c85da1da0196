"""What the outcomes app adds to the partnerships app from above (outcomes/apps.py, outcomes/admin.py),
as the partnerships app imports nothing of outcomes: the pages behave as when it did."""

import pytest
from django.urls import reverse

from core import data_cache
from outcomes.models import MoU
from partnerships.filters import PartnershipFilter
from partnerships.models import Country
from tests.factories import OutcomeFactory, PartnershipFactory, country

pytestmark = pytest.mark.django_db


def test_the_partnership_list_filters_by_outcome_type_before_sorting(client):
    with_mou = PartnershipFactory(name="Has a MoU", is_published=True)
    PartnershipFactory(name="Has none", is_published=True)
    OutcomeFactory(partnership=with_mou)

    assert list(PartnershipFilter.base_filters)[-2:] == ["outcome_type", "sort"]
    response = client.get("/partnerships/", {"outcome_type": "mou"})
    assert response.status_code == 200
    assert [p.name for p in response.context["object_list"]] == ["Has a MoU"]
    assert response.context["filter"].facet_counts()["outcome_type"] == {"mou": 1}


def test_a_country_named_only_by_a_published_outcome_is_listed(partnership):
    OutcomeFactory(partnership=partnership, country=country("TN"))
    OutcomeFactory(partnership=partnership, country=country("NZ"), is_published=False)
    assert Country.objects.published().filter(code="TN").exists()
    assert not Country.objects.published().filter(code="NZ").exists()


def test_the_partnership_form_lists_its_outcomes(client, editor, partnership):
    outcome = OutcomeFactory(partnership=partnership, title="MoU with the Tunisian cluster")
    client.force_login(editor)
    response = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
    assert response.status_code == 200
    assert "MoU with the Tunisian cluster" in response.text
    assert reverse("admin:outcomes_outcome_change", args=[outcome.pk]) in response.text


def test_a_save_through_a_typed_outcome_starts_a_new_generation(partnership):
    before = data_cache.generation()
    MoU.objects.create(partnership=partnership, title="Signed", country=country("TN"), year=2013)
    assert data_cache.generation() != before

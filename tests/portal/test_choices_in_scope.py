"""Counterparts, co-signatories and members a coordinator may see, pick and change, and what a change shows.

The rule (docs/curation.md, Roles): coordinators add organisations; they see the
public ones, those their partnerships' outcomes name and those they added; they
change only those no other partnership's outcome names. Co-signatories are
published partnerships or their own. A related field offers the same records in
its autocomplete as it accepts when POSTed.
"""

import pytest
from django.urls import reverse

from outcomes.models import Organisation, Outcome, Suggestion
from partnerships.models import Membership
from tests.factories import ClusterFactory, OrganisationFactory, OutcomeFactory, mou_form

pytestmark = pytest.mark.django_db


def organisation_url(organisation, view="change"):
    return reverse(f"admin:outcomes_organisation_{view}", args=[organisation.pk])


def rename(client, organisation, name):
    return client.post(
        organisation_url(organisation),
        {"name": name, "country": organisation.country_id, "website": ""},
    )


def autocomplete(client, model_name, field_name, term=""):
    """The ids the admin's autocomplete offers for a form's field."""
    app_label = "outcomes" if model_name == "mou" else "partnerships"
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


class TestCounterparts:
    def test_a_coordinator_cannot_rename_another_partnerships_published_counterpart(
        self, client, coordinator, other_partnership
    ):
        theirs = OrganisationFactory(name="Chilean Agro Cluster")
        OutcomeFactory(partnership=other_partnership, counterpart=theirs, is_published=True)
        client.force_login(coordinator)
        page = client.get(organisation_url(theirs))
        assert page.status_code == 200  # Public: they may read it and pick it for their own MoUs.
        assert page.context["has_change_permission"] is False
        assert rename(client, theirs, "Renamed by a stranger").status_code == 403
        theirs.refresh_from_db()
        assert theirs.name == "Chilean Agro Cluster"

    def test_a_coordinator_renames_a_counterpart_only_their_partnerships_name(
        self, client, coordinator, partnership
    ):
        ours = OrganisationFactory(name="Chilean Agro Clustr")
        OutcomeFactory(partnership=partnership, counterpart=ours, is_published=True)
        client.force_login(coordinator)
        assert rename(client, ours, "Chilean Agro Cluster").status_code == 302
        ours.refresh_from_db()
        assert ours.name == "Chilean Agro Cluster"

    def test_a_counterpart_another_partnership_also_names_is_read_only_even_from_a_draft(
        self, client, coordinator, partnership, other_partnership
    ):
        shared = OrganisationFactory(name="Shared")
        OutcomeFactory(partnership=partnership, counterpart=shared)
        OutcomeFactory(partnership=other_partnership, counterpart=shared, is_published=False)
        client.force_login(coordinator)
        assert rename(client, shared, "Mine now").status_code == 403
        shared.refresh_from_db()
        assert shared.name == "Shared"

    def test_a_counterpart_only_another_partnerships_draft_names_is_not_found_nor_offered(
        self, client, coordinator, partnership, other_partnership
    ):
        secret = OrganisationFactory(name="Secret counterpart", country_id="CL")
        OutcomeFactory(partnership=other_partnership, counterpart=secret, is_published=False)
        client.force_login(coordinator)
        assert client.get(organisation_url(secret)).status_code == 302  # "does not exist"
        assert rename(client, secret, "Found it").status_code == 302
        listing = client.get(reverse("admin:outcomes_organisation_changelist"))
        assert "Secret counterpart" not in listing.text
        assert secret.pk not in autocomplete(client, "mou", "counterpart")
        # Nor may its id be posted: the form refuses it as it would an id that does not exist.
        response = client.post(
            reverse("admin:outcomes_mou_add"), mou_form(partnership, counterpart=secret.pk)
        )
        assert response.status_code == 200
        assert "counterpart" in response.context["adminform"].form.errors
        assert not Outcome.objects.filter(partnership=partnership).exists()
        secret.refresh_from_db()
        assert secret.name == "Secret counterpart"

    def test_a_coordinator_adds_a_counterpart_and_changes_it_until_another_partnership_names_it(
        self, client, coordinator, partnership, other_partnership
    ):
        client.force_login(coordinator)
        response = client.post(
            reverse("admin:outcomes_organisation_add"),
            {"name": "New counterpart", "country": "CL", "website": ""},
        )
        assert response.status_code == 302
        added = Organisation.objects.get(name="New counterpart")
        assert added.created_by == coordinator
        assert added.pk in autocomplete(client, "mou", "counterpart")
        assert rename(client, added, "New counterpart, corrected").status_code == 302
        OutcomeFactory(partnership=other_partnership, counterpart=added, country_id="CL")
        assert rename(client, added, "Taken back").status_code == 403
        added.refresh_from_db()
        assert added.name == "New counterpart, corrected"

    def test_editors_rename_any_counterpart(self, client, editor, other_partnership):
        theirs = OrganisationFactory(name="Old name")
        OutcomeFactory(partnership=other_partnership, counterpart=theirs, is_published=False)
        client.force_login(editor)
        assert rename(client, theirs, "New name").status_code == 302
        theirs.refresh_from_db()
        assert theirs.name == "New name"


class TestCoSignatories:
    def test_a_coordinator_picks_published_partnerships_and_their_own_never_a_draft(
        self, client, coordinator, partnership, other_partnership
    ):
        from tests.factories import PartnershipFactory

        draft = PartnershipFactory(name="Draft partnership", is_published=False)
        client.force_login(coordinator)
        offered = autocomplete(client, "mou", "co_signatories")
        assert {partnership.pk, other_partnership.pk} <= offered
        assert draft.pk not in offered
        assert autocomplete(client, "mou", "co_signatories", term="Draft") == set()
        # The outcome's own partnership stays theirs alone.
        assert autocomplete(client, "mou", "partnership") == {partnership.pk}

        url = reverse("admin:outcomes_mou_add")
        refused = client.post(url, mou_form(partnership, co_signatories=[draft.pk]))
        assert refused.status_code == 200
        assert "co_signatories" in refused.context["adminform"].form.errors
        assert not Outcome.objects.exists()
        accepted = client.post(url, mou_form(partnership, co_signatories=[other_partnership.pk]))
        assert accepted.status_code == 302
        assert list(Outcome.objects.get().co_signatories.all()) == [other_partnership]

    def test_editors_pick_any_partnership(self, client, editor, partnership):
        from tests.factories import PartnershipFactory

        draft = PartnershipFactory(name="Draft partnership", is_published=False)
        client.force_login(editor)
        assert draft.pk in autocomplete(client, "mou", "co_signatories", term="Draft")


def test_a_coordinator_cannot_name_another_partnerships_draft_cluster_as_a_member(
    client, coordinator, partnership, other_coordinator
):
    hidden = ClusterFactory(name="Hidden draft cluster", is_published=False)
    hidden.created_by = other_coordinator
    hidden.save()
    client.force_login(coordinator)
    assert hidden.pk not in autocomplete(client, "membership", "cluster", term="Hidden")
    response = client.post(
        reverse("admin:partnerships_membership_add"),
        {"partnership": partnership.pk, "cluster": hidden.pk, "role": "partner"},
    )
    assert response.status_code == 200
    assert "cluster" in response.context["adminform"].form.errors
    assert not Membership.objects.exists()


def test_a_renamed_counterpart_shows_at_once_on_the_kept_public_page(
    client, settings, editor, partnership
):
    settings.PAGE_CACHE = True
    counterpart = OrganisationFactory(name="Old counterpart name")
    mou = OutcomeFactory(partnership=partnership, counterpart=counterpart, country_id="US")
    page = reverse("outcomes:outcome-detail", args=[mou.pk])
    assert "Old counterpart name" in client.get(page).text
    assert "Old counterpart name" in client.get(page).text  # Now from the kept page.
    curator = client.__class__()
    curator.force_login(editor)
    assert rename(curator, counterpart, "New counterpart name").status_code == 302
    shown = client.get(page).text
    assert "New counterpart name" in shown
    assert "Old counterpart name" not in shown


def test_every_model_shown_publicly_starts_a_new_generation_when_it_changes():
    """Listed from the apps, so a new model cannot be forgotten as organisations were."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.data_cache import forget

    def watched(signal, sender):
        return forget in [receiver for receiver in signal._live_receivers(sender)[0]]

    models = [
        model
        for label in ("partnerships", "outcomes")
        for model in apps.get_app_config(label).get_models()
    ]
    assert Organisation in models
    # A visitor's suggestion is never public: a flood of them must not empty every kept page.
    models.remove(Suggestion)
    assert not watched(post_save, Suggestion)
    for model in models:
        assert watched(post_save, model) and watched(post_delete, model), model
        for field in model._meta.local_many_to_many:
            assert watched(m2m_changed, field.remote_field.through), field

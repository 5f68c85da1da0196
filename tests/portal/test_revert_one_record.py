"""Revert and recover act on one record, never on a whole revision, and never outside the user's scope.

A revision is everything one request saved (the seed load, an import, a bulk
publish, a partnership with its inline rows); reverting one record of it must
leave every other record as it is now.
"""

import pytest
import reversion
from django.contrib.auth.models import User
from django.urls import reverse
from reversion.models import Revision, Version

from outcomes.models import Outcome
from partnerships.models import Partnership, TargetMarket
from tests.admin_post import change_form_data
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


def snapshot():
    """Every outcome's and partnership's state, and the history's size."""
    return (
        sorted(Outcome.objects.values_list("pk", "title", "is_published", "country_id")),
        sorted(Partnership.objects.values_list("pk", "name", "is_published")),
        sorted(Partnership.coordinators.through.objects.values_list("partnership", "user")),
        sorted(TargetMarket.objects.values_list("partnership", "country", "region")),
        Version.objects.count(),
        Revision.objects.count(),
    )


@pytest.fixture
def loaded(partnership, other_partnership, coordinator, other_coordinator):
    """Two partnerships and three MoUs loaded in one revision, as load_seed and imports do."""
    with reversion.create_revision():
        for record in (partnership, other_partnership):
            record.sectors.set([SectorFactory(slug="ict")])
            record.save()
        first = OutcomeFactory(partnership=partnership, title="First MoU", country_id="CL")
        second = OutcomeFactory(partnership=partnership, title="Second MoU", country_id="BR")
        theirs = OutcomeFactory(partnership=other_partnership, title="Their MoU", country_id="CN")
    return first, second, theirs


def revert_url(outcome, version):
    return reverse("admin:outcomes_mou_revision", args=[outcome.pk, version.pk])


def first_version(record):
    return Version.objects.get_for_object(record).order_by("pk").first()


def save_revert(client, url):
    """Open the revert page and save it as shown."""
    return client.post(url, change_form_data(client.get(url)))


def test_a_revert_restores_that_record_only(client, editor, loaded, partnership):
    first, second, theirs = loaded
    client.force_login(editor)
    # After the load: curators edit, withdraw, add.
    for outcome, title in ((first, "First MoU, edited"), (second, "Second MoU, edited")):
        url = reverse("admin:outcomes_mou_change", args=[outcome.pk])
        client.post(url, {**change_form_data(client.get(url)), "title": title})
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "withdraw", "_selected_action": [theirs.pk]},
    )
    added = OutcomeFactory(partnership=partnership, title="Added since")

    response = save_revert(client, revert_url(first, first_version(first)))

    assert response.status_code == 302
    assert Outcome.objects.get(pk=first.pk).title == "First MoU"
    assert Outcome.objects.get(pk=second.pk).title == "Second MoU, edited"
    assert Outcome.objects.get(pk=theirs.pk).is_published is False  # stays withdrawn
    assert Outcome.objects.filter(pk=added.pk).exists()
    latest = Version.objects.get_for_object(first).first()
    assert [v.object_id for v in latest.revision.version_set.all()] == [str(first.pk)]
    assert "Reverted to the version saved on" in latest.revision.comment


def test_a_revert_keeps_the_publication_state_and_the_coordinators(
    client, editor, loaded, partnership, coordinator
):
    first, _second, _theirs = loaded
    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "withdraw", "_selected_action": [first.pk]},
    )
    save_revert(client, revert_url(first, first_version(first)))
    assert Outcome.objects.get(pk=first.pk).is_published is False
    # The load's revision held the partnerships before anyone was assigned to them.
    revert = reverse(
        "admin:partnerships_partnership_revision",
        args=[partnership.pk, first_version(partnership).pk],
    )
    assert save_revert(client, revert).status_code == 302
    assert list(partnership.coordinators.all()) == [coordinator]


def test_the_revert_page_shows_what_will_change_before_anything_is_saved(client, editor, loaded):
    first, _second, _theirs = loaded
    client.force_login(editor)
    url = reverse("admin:outcomes_mou_change", args=[first.pk])
    client.post(url, {**change_form_data(client.get(url)), "title": "Renamed", "city": "Lima"})
    before = snapshot()

    page = client.get(revert_url(first, first_version(first)))

    assert page.status_code == 200
    changes = {(c.label, c.before, c.after) for c in page.context["changes"]}
    assert changes == {("Title", "Renamed", "First MoU"), ("City", "Lima", "—")}
    assert "Saving will change these 2 fields" in page.text
    assert snapshot() == before


def test_a_partnership_revert_restores_its_own_targets_and_no_one_elses(
    client, editor, partnership, other_partnership
):
    with reversion.create_revision():
        for record in (partnership, other_partnership):
            record.sectors.set([SectorFactory(slug="ict")])
            record.save()
            TargetMarket.objects.create(partnership=record, country_id="CN", position=1)
        outcome = OutcomeFactory(partnership=partnership, title="Kept as it is")
    client.force_login(editor)
    TargetMarket.objects.create(partnership=partnership, country_id="BR", position=2)
    TargetMarket.objects.filter(partnership=other_partnership).update(country_id="IN")
    Outcome.objects.filter(pk=outcome.pk).update(title="Edited since")
    url = reverse(
        "admin:partnerships_partnership_revision",
        args=[partnership.pk, first_version(partnership).pk],
    )
    page = client.get(url)
    targets = TargetMarket._meta.verbose_name_plural.capitalize()
    assert (targets, "Brazil; China", "China") in {
        (c.label, c.before, c.after) for c in page.context["changes"]
    }

    assert client.post(url, change_form_data(page)).status_code == 302

    assert list(partnership.targets.values_list("country", flat=True)) == ["CN"]
    assert list(other_partnership.targets.values_list("country", flat=True)) == ["IN"]
    assert Outcome.objects.get(pk=outcome.pk).title == "Edited since"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_coordinator_cannot_revert_another_partnerships_record(
    client, loaded, coordinator, method
):
    _first, _second, theirs = loaded
    Outcome.objects.filter(pk=theirs.pk).update(title="Their MoU, edited")
    client.force_login(coordinator)
    before = snapshot()
    response = getattr(client, method)(
        revert_url(theirs, first_version(theirs)), {"title": "Their MoU"}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_version_of_another_record_is_not_found_under_this_one(client, editor, loaded):
    first, _second, theirs = loaded
    client.force_login(editor)
    before = snapshot()
    assert client.post(revert_url(first, first_version(theirs))).status_code == 404
    assert client.get(revert_url(first, type("V", (), {"pk": 10**30})())).status_code == 404
    assert snapshot() == before


@pytest.fixture
def deleted(client, editor, loaded):
    """Both partnerships' second MoUs, deleted by an editor."""
    _first, second, theirs = loaded
    client.force_login(editor)
    for outcome in (second, theirs):
        client.post(reverse("admin:outcomes_mou_delete", args=[outcome.pk]), {"post": "yes"})
    client.logout()
    return second, theirs


def recover_url(outcome):
    version = Version.objects.get_for_object_reference(Outcome, outcome.pk).first()
    return reverse("admin:outcomes_mou_recover", args=[version.pk])


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_coordinator_cannot_recover_or_see_another_partnerships_deleted_records(
    client, deleted, coordinator, method
):
    mine, theirs = deleted
    client.force_login(coordinator)
    listing = client.get(reverse("admin:outcomes_mou_recoverlist"))
    assert listing.status_code == 200
    assert mine.title in listing.text  # their own partnership's, which they may bring back
    assert theirs.title not in listing.text
    before = snapshot()
    assert getattr(client, method)(recover_url(theirs)).status_code == 404
    assert snapshot() == before


def test_an_editor_recovers_one_deleted_record_as_a_draft(client, editor, deleted):
    mine, theirs = deleted
    client.force_login(editor)
    listing = client.get(reverse("admin:outcomes_mou_recoverlist"))
    assert "Second MoU" in listing.text and "Their MoU" in listing.text
    url = recover_url(mine)
    page = client.get(url)
    assert page.status_code == 200
    assert ("Title", "—", "Second MoU") in {
        (c.label, c.before, c.after) for c in page.context["changes"]
    }
    response = client.post(url, change_form_data(page))
    assert response.status_code == 302
    recovered = Outcome.objects.get(pk=mine.pk)
    assert recovered.is_published is False
    assert not Outcome.objects.filter(pk=theirs.pk).exists()


def test_a_roadmap_is_not_offered_for_recovery_as_an_mou(client, editor, partnership):
    with reversion.create_revision():
        roadmap = OutcomeFactory(
            partnership=partnership, type=Outcome.Type.ROADMAP, title="A roadmap", country=None
        )
    roadmap_id = roadmap.pk
    roadmap.delete()
    client.force_login(editor)
    assert "A roadmap" not in client.get(reverse("admin:outcomes_mou_recoverlist")).text
    assert "A roadmap" in client.get(reverse("admin:outcomes_roadmap_recoverlist")).text
    version = Version.objects.get_for_object_reference(Outcome, roadmap_id).first()
    assert client.get(reverse("admin:outcomes_mou_recover", args=[version.pk])).status_code == 404


def test_staff_without_a_role_cannot_revert(client, loaded, staff_without_permission):
    first, _second, _theirs = loaded
    client.force_login(staff_without_permission)
    before = snapshot()
    response = client.post(revert_url(first, first_version(first)), {"title": "x"})
    assert response.status_code in (403, 404)
    assert snapshot() == before
    assert User.objects.filter(username="bystander").exists()


def test_a_new_partnerships_outcomes_are_not_part_of_its_history(client, editor):
    with reversion.create_revision():
        partnership = PartnershipFactory()
        OutcomeFactory(partnership=partnership)
    with reversion.create_revision():
        partnership.save()
    revision = Version.objects.get_for_object(partnership).first().revision
    assert {v.content_type.model for v in revision.version_set.all()} == {"partnership"}

"""Each role's allowed and refused actions, through the admin's own URLs."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from outcomes.models import Outcome
from partnerships.models import Membership, Sector
from portal.roles import COORDINATORS, EDITORS
from tests.factories import ClusterFactory, OutcomeFactory, mou_form

pytestmark = pytest.mark.django_db


def change_url(outcome):
    return reverse("admin:outcomes_mou_change", args=[outcome.pk])


def test_the_roles_exist_with_their_permissions():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    coordinators = set(
        Group.objects.get(name=COORDINATORS).permissions.values_list("codename", flat=True)
    )
    assert {
        "publish_outcome",
        "publish_partnership",
        "add_partnership",
        "delete_outcome",
        "import_outcome",
    } <= editors
    assert {"add_mou", "change_mou", "add_membership", "view_partnership"} <= coordinators
    assert (
        not {
            "publish_outcome",
            "change_partnership",
            "add_sector",
            "delete_outcome",
            "import_outcome",
        }
        & coordinators
    )


class TestEditor:
    def test_adds_and_publishes_a_mou(self, client, editor, partnership):
        client.force_login(editor)
        response = client.post(
            reverse("admin:outcomes_mou_add"), mou_form(partnership, is_published="on")
        )
        assert response.status_code == 302
        mou = Outcome.objects.get()
        assert mou.is_published and mou.published_at is not None

    def test_publishes_drafts_in_bulk(self, client, editor, partnership):
        drafts = OutcomeFactory.create_batch(2, partnership=partnership, is_published=False)
        client.force_login(editor)
        response = client.post(
            reverse("admin:outcomes_outcome_changelist"),
            {"action": "publish", "_selected_action": [d.pk for d in drafts]},
        )
        assert response.status_code == 302
        assert Outcome.objects.filter(is_published=True).count() == 2

    def test_adds_sectors_but_does_not_manage_users(self, client, editor):
        client.force_login(editor)
        response = client.post(
            reverse("admin:partnerships_sector_add"), {"name": "Maritime", "slug": "maritime"}
        )
        assert response.status_code == 302
        assert Sector.objects.filter(slug="maritime").exists()
        assert client.get(reverse("admin:auth_user_add")).status_code == 403
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


class TestCoordinator:
    def test_adds_a_mou_to_their_partnership_as_a_draft_even_when_asking_to_publish(
        self, client, coordinator, partnership
    ):
        client.force_login(coordinator)
        response = client.post(
            reverse("admin:outcomes_mou_add"), mou_form(partnership, is_published="on")
        )
        assert response.status_code == 302
        mou = Outcome.objects.get()
        assert mou.partnership == partnership
        assert mou.is_published is False
        assert client.get(reverse("outcomes:outcome-detail", args=[mou.pk])).status_code == 404

    def test_cannot_add_a_mou_to_another_partnership(self, client, coordinator, other_partnership):
        client.force_login(coordinator)
        response = client.post(reverse("admin:outcomes_mou_add"), mou_form(other_partnership))
        assert response.status_code == 200
        assert "Select a valid choice" in " ".join(
            response.context["adminform"].form.errors["partnership"]
        )
        assert not Outcome.objects.exists()

    def test_editing_a_published_outcome_returns_it_to_draft(
        self, client, coordinator, partnership
    ):
        outcome = OutcomeFactory(
            partnership=partnership, title="Old title", country_id="CL", is_published=True
        )
        client.force_login(coordinator)
        form = client.get(change_url(outcome)).context["adminform"].form
        response = client.post(
            change_url(outcome),
            mou_form(partnership, title="New title", version=form["version"].value()),
        )
        assert response.status_code == 302
        outcome.refresh_from_db()
        assert (outcome.title, outcome.is_published) == ("New title", False)

    def test_cannot_publish(self, client, coordinator, partnership):
        draft = OutcomeFactory(partnership=partnership, is_published=False)
        client.force_login(coordinator)
        client.post(
            reverse("admin:outcomes_outcome_changelist"),
            {"action": "publish", "_selected_action": [draft.pk]},
        )
        draft.refresh_from_db()
        assert draft.is_published is False
        changelist = client.get(reverse("admin:outcomes_outcome_changelist"))
        # Publishing is for editors, and coordinators delete nothing: they may only submit for review.
        offered = {value for value, _ in changelist.context["action_form"].fields["action"].choices}
        assert offered == {"", "submit_for_review"}

    def test_cannot_read_or_change_another_partnerships_draft_by_guessing_its_url(
        self, client, coordinator, other_partnership
    ):
        secret = OutcomeFactory(
            partnership=other_partnership, title="Secret draft", is_published=False
        )
        client.force_login(coordinator)
        for url in [change_url(secret), reverse("admin:outcomes_outcome_change", args=[secret.pk])]:
            response = client.get(url, follow=True)
            assert "Secret draft" not in response.text
        history = client.get(reverse("admin:outcomes_mou_history", args=[secret.pk]), follow=True)
        assert "Secret draft" not in history.text
        client.post(change_url(secret), mou_form(other_partnership, title="Taken over"))
        secret.refresh_from_db()
        assert secret.title == "Secret draft"
        listing = client.get(reverse("admin:outcomes_outcome_changelist"))
        assert "Secret draft" not in listing.text

    def test_sees_only_their_partnerships(
        self, client, coordinator, partnership, other_partnership
    ):
        client.force_login(coordinator)
        listing = client.get(reverse("admin:partnerships_partnership_changelist"))
        assert list(listing.context["cl"].result_list) == [partnership]
        other = client.get(
            reverse("admin:partnerships_partnership_change", args=[other_partnership.pk])
        )
        assert other.status_code == 302
        # Their own partnership is read-only: they change its outcomes and members, not it.
        own = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk]))
        assert own.status_code == 200
        assert own.context["has_change_permission"] is False

    def test_adds_a_member_to_their_partnership_only(
        self, client, coordinator, partnership, other_partnership
    ):
        cluster = ClusterFactory()
        client.force_login(coordinator)
        url = reverse("admin:partnerships_membership_add")
        assert (
            client.post(
                url, {"partnership": partnership.pk, "cluster": cluster.pk, "role": "partner"}
            ).status_code
            == 302
        )
        response = client.post(
            url, {"partnership": other_partnership.pk, "cluster": cluster.pk, "role": "partner"}
        )
        assert response.status_code == 200
        assert list(Membership.objects.values_list("partnership__slug", flat=True)) == [
            partnership.slug
        ]

    def test_cannot_touch_what_is_not_theirs_to_touch(self, client, coordinator, partnership):
        client.force_login(coordinator)
        assert client.get(reverse("admin:partnerships_sector_add")).status_code == 403
        assert client.get(reverse("admin:partnerships_partnership_add")).status_code == 403
        outcome = OutcomeFactory(partnership=partnership)
        assert (
            client.get(reverse("admin:outcomes_mou_delete", args=[outcome.pk])).status_code == 403
        )


def test_staff_without_a_role_can_do_nothing(client, staff_without_permission, partnership):
    client.force_login(staff_without_permission)
    assert client.get(reverse("admin:outcomes_mou_add")).status_code == 403
    assert client.post(reverse("admin:outcomes_mou_add"), mou_form(partnership)).status_code == 403
    assert not Outcome.objects.exists()

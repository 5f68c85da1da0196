"""Every change is in the history, with who and what; a revert restores it; stale saves are refused."""

import re

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from outcomes.models import Outcome
from tests.factories import OutcomeFactory, mou_form

pytestmark = pytest.mark.django_db


def edit(outcome, **overrides):
    """The MoU form as a curator posts it back for ``outcome``, with some fields changed."""
    unchanged = {"title": outcome.title, "venue": "", "city": "", "is_published": "on"}
    return mou_form(outcome.partnership, **{**unchanged, **overrides})


def open_form(client, outcome):
    """The version the form was opened at, as the browser would post it back."""
    form = (
        client.get(reverse("admin:outcomes_mou_change", args=[outcome.pk]))
        .context["adminform"]
        .form
    )
    return str(form["version"].value())


@pytest.fixture
def mou(partnership):
    # Created in a revision, as the admin and load_seed do, so its first state is in the history.
    with reversion.create_revision():
        return OutcomeFactory(partnership=partnership, title="MoU with Chile", country_id="CL")


def test_a_change_is_recorded_with_who_and_the_values_before_and_after(client, editor, mou):
    client.force_login(editor)
    url = reverse("admin:outcomes_mou_change", args=[mou.pk])
    client.post(url, edit(mou, title="MoU with a Chilean cluster", version=open_form(client, mou)))
    versions = Version.objects.get_for_object(mou)
    assert versions.count() == 2
    assert versions[0].revision.user == editor
    assert versions[0].field_dict["title"] == "MoU with a Chilean cluster"
    client.post(url, edit(mou, title="Third title", version=open_form(client, mou)))
    titles = [v.field_dict["title"] for v in Version.objects.get_for_object(mou)]
    assert titles == ["Third title", "MoU with a Chilean cluster", "MoU with Chile"]
    history = client.get(reverse("admin:outcomes_mou_history", args=[mou.pk]))
    assert history.status_code == 200
    assert "editor" in history.text


def test_a_revert_restores_the_earlier_version(client, editor, mou):
    client.force_login(editor)
    url = reverse("admin:outcomes_mou_change", args=[mou.pk])
    client.post(url, edit(mou, title="Good title", version=open_form(client, mou)))
    client.post(url, edit(mou, title="Mistaken title", version=open_form(client, mou)))
    good = Version.objects.get_for_object(mou).get(serialized_data__contains="Good title")
    revert_url = reverse("admin:outcomes_mou_revision", args=[mou.pk, good.pk])
    form = client.get(revert_url).context["adminform"].form
    assert form.initial["title"] == "Good title"
    response = client.post(
        revert_url, edit(mou, title="Good title", version=form["version"].value())
    )
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.title == "Good title"
    assert Version.objects.get_for_object(mou).count() == 4


def test_bulk_publishing_is_recorded_too(client, editor, partnership):
    drafts = OutcomeFactory.create_batch(2, partnership=partnership, is_published=False)
    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "publish", "_selected_action": [d.pk for d in drafts]},
    )
    for draft in drafts:
        assert Version.objects.get_for_object(draft).get().field_dict["is_published"] is True


def test_the_second_of_two_saves_from_the_same_version_is_refused_with_what_changed(
    client, editor, mou
):
    client.force_login(editor)
    url = reverse("admin:outcomes_mou_change", args=[mou.pk])
    started = open_form(client, mou)  # Both curators open the form now.
    first = client.post(
        url, edit(mou, title="First curator's title", city="Santiago", version=started)
    )
    assert first.status_code == 302
    second = client.post(url, edit(mou, title="Second curator's title", version=started))
    assert second.status_code == 200
    message = " ".join(second.context["adminform"].form.non_field_errors())
    assert "Since you opened this form, editor" in message
    assert "your changes were not saved" in message
    assert "Title: “MoU with Chile” → “First curator's title”" in message
    assert "City: “—” → “Santiago”" in message
    mou.refresh_from_db()
    assert mou.title == "First curator's title"


def test_a_version_cannot_be_forged(client, editor, mou):
    client.force_login(editor)
    started = open_form(client, mou)
    number = started.split(":")[0]
    response = client.post(
        reverse("admin:outcomes_mou_change", args=[mou.pk]),
        edit(mou, title="Forged", version=f"{int(number) + 1}:bad"),
    )
    assert response.status_code == 400
    mou.refresh_from_db()
    assert mou.title == "MoU with Chile"


def test_a_draft_is_invisible_publicly_until_published(client, editor, partnership):
    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_mou_add"),
        {
            "partnership": partnership.pk,
            "title": "New MoU with Brazil",
            "description": "",
            "level": "b2b",
            "country": "BR",
            "date": "2014-01-10",
            "year": "",
            "venue": "",
            "city": "",
            "evidence_url": "",
        },
    )
    mou = Outcome.objects.get()
    client.logout()
    assert "New MoU with Brazil" not in client.get("/outcomes/").text
    assert "New MoU with Brazil" not in client.get(partnership.get_absolute_url()).text
    assert client.get(mou.get_absolute_url()).status_code == 404
    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "publish", "_selected_action": [mou.pk]},
    )
    client.logout()
    assert "New MoU with Brazil" in client.get("/outcomes/").text
    assert "New MoU with Brazil" in client.get(partnership.get_absolute_url()).text
    assert re.search(r"Record last edited", client.get(mou.get_absolute_url()).text)

"""Two curators saving the same record at the same instant: one save wins, the other is told why.

Both requests run at once, each in its own thread with its own database connection, and a barrier
in a pre_save signal (connected only here) holds both until each has passed the form's version
check: the race the form alone cannot see. The database's ``UPDATE … WHERE version = …`` then lets
one through; the other must get the documented "since you opened this form…" message, not a 500.
"""

import threading

import pytest
import reversion
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from outcomes.models import Outcome
from partnerships.countries import create_country_rows
from partnerships.models import Country
from portal.roles import sync_roles
from tests.factories import OutcomeFactory, mou_form

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time: the two saves cannot overlap",
    ),
]


@pytest.fixture(autouse=True)
def migrated_rows(transactional_db):
    """What the migrations wrote: a transactional test before this one may have emptied it."""
    create_country_rows(Country)
    sync_roles()


@pytest.fixture
def mou(partnership):
    with reversion.create_revision():
        return OutcomeFactory(partnership=partnership, title="MoU with Chile", country_id="CL")


@pytest.fixture
def curators(editor, django_user_model):
    second = django_user_model.objects.create_user(
        "second-editor", "second@example.eu", "a-long-test-password", is_staff=True
    )
    second.groups.set(editor.groups.all())
    return [editor, second]


def open_form(user, outcome):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    form = client.get(reverse("admin:outcomes_mou_change", args=[outcome.pk])).context["adminform"]
    return client, str(form.form["version"].value())


@pytest.fixture
def both_pass_the_form_check():
    """Holds each save just before its UPDATE until both requests have got there."""
    barrier = threading.Barrier(2, timeout=20)

    def wait_for_the_other(sender, instance, **kwargs):
        if isinstance(instance, Outcome) and instance.pk:
            barrier.wait()

    pre_save.connect(wait_for_the_other, dispatch_uid="test-concurrent-saves")
    yield barrier
    pre_save.disconnect(dispatch_uid="test-concurrent-saves")


def test_of_two_simultaneous_saves_one_wins_and_the_other_gets_the_message(
    mou, curators, both_pass_the_form_check
):
    url = reverse("admin:outcomes_mou_change", args=[mou.pk])
    opened = [open_form(user, mou) for user in curators]  # Both open the form at the same version.
    assert opened[0][1] == opened[1][1]
    titles = ["First curator's title", "Second curator's title"]
    responses = [None, None]

    def save(i):
        client, version = opened[i]
        try:
            responses[i] = client.post(
                url, mou_form(mou.partnership, title=titles[i], is_published="on", version=version)
            )
        finally:
            connections.close_all()  # This thread's own connection.

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not both_pass_the_form_check.broken, "the two saves did not overlap"

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 409], statuses
    winner = next(i for i in range(2) if responses[i].status_code == 302)
    loser = responses[1 - winner]
    text = loser.content.decode()
    assert "Since you opened this form," in text
    assert "your changes were not saved" in text
    assert f"{curators[winner].username} on" in text
    assert "“MoU with Chile” → “" + titles[winner].replace("'", "&#x27;") + "”" in text
    assert "Server Error" not in text

    # The winner's save is whole, with its history; nothing of the loser's was written.
    mou.refresh_from_db()
    assert mou.title == titles[winner]
    saved_titles = [v.field_dict["title"] for v in Version.objects.get_for_object(mou)]
    assert saved_titles == [titles[winner], "MoU with Chile"]

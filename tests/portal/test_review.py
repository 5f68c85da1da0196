"""The review: status in words, a coordinator's submission, the editors' queue with the diff,
publish or send back, the e-mails (through a real SMTP server) and the curators' dashboard."""

import logging

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from core.review import Status, status_of
from outcomes.models import Outcome
from tests.admin_post import change_form_data
from tests.factories import OutcomeFactory, mou_form
from tests.mail import smtp_to

pytestmark = pytest.mark.django_db


def mou_change(outcome):
    return reverse("admin:outcomes_mou_change", args=[outcome.pk])


def decide(outcome):
    return reverse("admin:review-decide", args=["outcomes", "outcome", outcome.pk])


@pytest.fixture
def submitted(client, coordinator, partnership, django_capture_on_commit_callbacks):
    """A coordinator's new MoU, submitted for review from its form."""
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outcomes_mou_add"),
            {**mou_form(partnership), "_submit_for_review": "Save and submit for review"},
            follow=True,
        )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert "Status: Waiting for review. Not public until an editor publishes it." in messages
    client.logout()
    return Outcome.objects.get()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite cannot add a check to an existing table"
)
def test_the_database_refuses_a_published_record_waiting_for_review(partnership):
    outcome = OutcomeFactory(partnership=partnership)
    outcome.submitted_at = outcome.published_at
    with pytest.raises(IntegrityError), transaction.atomic():
        outcome.save()


def test_a_coordinators_submission_waits_and_emails_the_editors(inbox, editor, submitted):
    assert status_of(submitted) == Status.WAITING and not submitted.is_published
    [message] = inbox.to(editor.email)
    assert "waits for review" in message["Subject"]
    assert submitted.title in inbox.body(message)
    assert "/admin/review/" in inbox.body(message)


def test_the_editor_sees_the_diff_publishes_and_the_coordinator_is_told(
    inbox, client, editor, coordinator, submitted, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    page = client.get(reverse("admin:review-queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Never published: this is a new record." in text
    assert "MoU with a Chilean agro-food cluster" in text and "Santiago" in text
    inbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide(submitted), {"decision": "publish", "note": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.is_published and status_of(submitted) == Status.PUBLISHED
    [message] = inbox.to(coordinator.email)
    assert message["Subject"] == f"Published: {submitted.title}"
    assert "on the public pages now" in inbox.body(message)


def test_a_change_to_a_published_record_shows_only_what_changed(client, editor, partnership):
    outcome = OutcomeFactory(partnership=partnership, title="Old title")
    client.force_login(editor)
    data = change_form_data(client.get(mou_change(outcome)))
    client.post(mou_change(outcome), {**data, "title": "New title"}, follow=True)
    outcome.refresh_from_db()
    # An editor's edit is published at once; make it a coordinator's submitted draft.
    outcome.set_published(False, withdrawn=False)
    outcome.submitted_at = outcome.updated_at
    outcome.title = "Newer title"
    outcome.save()
    text = client.get(reverse("admin:review-queue")).content.decode()
    assert "Changes against the published version" in text
    assert "<del>New title</del>" in text and "<ins>Newer title</ins>" in text
    assert "Santiago" not in text  # unchanged fields are not listed


def test_sending_back_needs_a_note_and_emails_it(
    inbox, client, editor, coordinator, submitted, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    refused = client.post(decide(submitted), {"decision": "send_back", "note": " "})
    assert refused.status_code == 400
    assert "Say what the coordinator should change." in refused.content.decode()
    submitted.refresh_from_db()
    assert status_of(submitted) == Status.WAITING
    inbox.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide(submitted), {"decision": "send_back", "note": "Which cluster in Chile?"})
    submitted.refresh_from_db()
    assert status_of(submitted) == Status.DRAFT and submitted.review_note
    [message] = inbox.to(coordinator.email)
    assert "Which cluster in Chile?" in inbox.body(message)
    client.force_login(coordinator)
    home = client.get(reverse("admin:index")).content.decode()
    assert "Sent back: Which cluster in Chile?" in home


def test_only_editors_reach_the_queue_and_decide(client, coordinator, submitted):
    client.force_login(coordinator)
    assert client.get(reverse("admin:review-queue")).status_code == 403
    assert client.post(decide(submitted), {"decision": "publish"}).status_code == 403
    submitted.refresh_from_db()
    assert not submitted.is_published


def test_a_decision_on_a_record_that_does_not_wait_changes_nothing(client, editor, partnership):
    draft = OutcomeFactory(partnership=partnership, is_published=False)
    client.force_login(editor)
    assert client.get(decide(draft)).status_code == 405
    response = client.post(decide(draft), {"decision": "publish"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_published
    bad = reverse("admin:review-decide", args=["auth", "user", editor.pk])
    assert client.post(bad, {"decision": "publish"}).status_code == 404


def test_a_mail_server_that_is_down_loses_no_change(
    client, coordinator, partnership, editor, settings, caplog, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_to(8199, timeout=2)  # nothing listens there (tests/mail.py: below 8190)
    client.force_login(coordinator)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outcomes_mou_add"),
            {**mou_form(partnership), "_submit_for_review": "1"},
        )
    assert response.status_code == 302
    assert status_of(Outcome.objects.get()) == Status.WAITING
    assert "Could not send the e-mail" in caplog.text


def test_the_list_shows_and_filters_the_status_in_words(client, coordinator, partnership):
    OutcomeFactory(partnership=partnership, title="Public one")
    OutcomeFactory(partnership=partnership, title="A draft", is_published=False)
    client.force_login(coordinator)
    url = reverse("admin:outcomes_mou_changelist")
    page = client.get(url, {"status": "draft"}).content.decode()
    assert "A draft" in page and "Public one" not in page
    assert "Draft — not public" in page


def test_the_form_says_the_status_and_who_may_do_what(client, coordinator, partnership):
    outcome = OutcomeFactory(partnership=partnership, is_published=False)
    client.force_login(coordinator)
    page = client.get(mou_change(outcome)).content.decode()
    assert "Draft — not public" in page
    assert "Coordinators save drafts and submit them for review" in page
    assert 'name="_submit_for_review"' in page


def test_withdrawing_says_withdrawn(client, editor, partnership):
    outcome = OutcomeFactory(partnership=partnership)
    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "withdraw", "_selected_action": [outcome.pk]},
    )
    outcome.refresh_from_db()
    assert status_of(outcome) == Status.WITHDRAWN


def test_a_revert_keeps_the_status_and_says_it(client, editor, partnership):
    client.force_login(editor)
    client.post(reverse("admin:outcomes_mou_add"), mou_form(partnership, is_published="on"))
    outcome = Outcome.objects.get()
    data = change_form_data(client.get(mou_change(outcome)))
    client.post(mou_change(outcome), {**data, "title": "Renamed"})
    from reversion.models import Version

    first = Version.objects.get_for_object(outcome).last()
    url = reverse("admin:outcomes_mou_revision", args=[outcome.pk, first.pk])
    response = client.post(url, change_form_data(client.get(url)), follow=True)
    outcome.refresh_from_db()
    assert outcome.title == "MoU with a Chilean agro-food cluster" and outcome.is_published
    messages = [str(m) for m in response.context["messages"]]
    assert "Status: Published. This record is on the public pages." in messages


def test_the_dashboard_is_in_scope_and_bounded(
    client, coordinator, partnership, other_partnership, django_assert_max_num_queries
):
    OutcomeFactory.create_batch(30, partnership=partnership, is_published=False)
    OutcomeFactory(partnership=other_partnership, title="Not theirs", is_published=False)
    client.force_login(coordinator)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("admin:index"))
    text = page.content.decode()
    assert "Your desk" in text and "Not theirs" not in text
    assert text.count("Draft — not public") >= 20


def test_the_queue_costs_the_same_few_queries_for_one_record_or_twenty(
    client, editor, coordinator, partnership, django_assert_max_num_queries
):
    client.force_login(editor)
    queue = reverse("admin:review-queue")

    def waiting(count):
        for outcome in OutcomeFactory.create_batch(count, partnership=partnership):
            outcome.set_published(False, withdrawn=False)
            outcome.submitted_at, outcome.submitted_by = outcome.created_at, coordinator
            outcome.save()

    waiting(1)
    with django_assert_max_num_queries(25) as one:
        client.get(queue)
    waiting(24)
    with django_assert_max_num_queries(25) as many:
        page = client.get(queue)
    assert len(many.captured_queries) <= len(one.captured_queries)
    assert page.content.decode().count('class="review-item"') == 20  # the oldest 20

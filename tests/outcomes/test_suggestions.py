"""The public "Report a result" form: a suggestion reaches the editors and only them; bots,
floods and bad input get the form back with a message and store nothing."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from outcomes.models import Outcome, Suggestion
from outcomes.suggestions import _SIGNER
from tests.factories import country

pytestmark = pytest.mark.django_db

URL = reverse("outcomes:report-result")


@pytest.fixture(autouse=True)
def no_wait(settings):
    settings.SUGGESTION_MIN_SECONDS = 0
    settings.SUGGESTIONS_PER_HOUR = 5


def report(partnership, **overrides):
    data = {
        "partnership": partnership.pk,
        "type": "mou",
        "title": "MoU with a Brazilian cluster",
        "country": country("BR").pk,
        "date": "2026-03-15",
        "description": "Signed at https://example.com/fair in São Paulo.",
        "name": "Ana Costa",
        "email": "ana@cluster.example",
        "website": "",
        "opened": _SIGNER.sign(f"{time.time() - 10:.3f}"),
    }
    return {**data, **overrides}


def test_the_form_is_never_kept_with_someones_token(client, partnership, settings):
    settings.PAGE_CACHE = True
    response = client.get(URL, {"partnership": partnership.slug})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert f'value="{partnership.pk}" selected' in response.content.decode()


def test_a_report_reaches_the_editors_and_the_suggester_gets_a_confirmation(
    client, partnership, inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, report(partnership))
    assert response.status_code == 200
    assert "reached the portal's editors" in response.content.decode()
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.NEW and not Outcome.objects.exists()
    [message] = inbox.to("ana@cluster.example")
    assert "MoU with a Brazilian cluster" in inbox.body(message)


@pytest.mark.parametrize(
    "bad",
    [
        {"website": "http://spam.example"},
        {"opened": "forged"},
        {"opened": "just now"},  # signed at the test's start: sent within the minimum time
    ],
    ids=["honeypot", "forged time", "too fast"],
)
def test_a_bot_gets_400_and_nothing_is_stored(client, partnership, bad, settings):
    settings.SUGGESTION_MIN_SECONDS = 3
    if bad.get("opened") == "just now":
        bad = {"opened": _SIGNER.sign(f"{time.time():.3f}")}
    response = client.post(URL, report(partnership, **bad))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_form_open_for_more_than_a_day_is_refused(client, partnership, monkeypatch):
    stale = _SIGNER.sign(f"{time.time() - 10:.3f}")
    monkeypatch.setattr(
        signing, "time", type("T", (), {"time": staticmethod(lambda: time.time() + 2 * 86400)})
    )
    response = client.post(URL, report(partnership, opened=stale))
    assert response.status_code == 400 and "more than a day" in response.content.decode()


def test_an_address_is_limited_per_hour(client, partnership, settings):
    settings.SUGGESTIONS_PER_HOUR = 2
    statuses = [client.post(URL, report(partnership)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Suggestion.objects.count() == 2


def test_bad_input_answers_the_form_with_a_message(client, partnership):
    response = client.post(
        URL, report(partnership, title="x" * 201, email="not-an-address", type="exchange")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please correct the fields marked below." in text
    assert "at most 200 characters" in text
    assert not Suggestion.objects.exists()


def test_a_draft_partnership_cannot_be_named(client, partnership):
    partnership.set_published(False)
    partnership.save()
    assert client.post(URL, report(partnership)).status_code == 400


def test_an_editor_turns_it_into_an_outcome_and_links_stay_text(client, editor, partnership):
    client.post(URL, report(partnership))
    suggestion = Suggestion.objects.get()
    client.force_login(editor)
    page = client.get(reverse("admin:outcomes_suggestion_change", args=[suggestion.pk]))
    text = page.content.decode()
    assert '<a href="https://example.com/fair"' not in text
    queue = client.get(reverse("admin:review-queue")).content.decode()
    assert "MoU with a Brazilian cluster" in queue
    add_url = reverse("admin:outcomes_mou_add") + f"?partnership={partnership.pk}"
    assert add_url in text.replace("&amp;", "&")
    form_page = client.get(
        reverse("admin:outcomes_mou_add"),
        {"partnership": partnership.pk, "title": suggestion.title, "suggestion": suggestion.pk},
    )
    assert 'value="MoU with a Brazilian cluster"' in form_page.content.decode()
    response = client.post(
        reverse("admin:outcomes_mou_add") + f"?suggestion={suggestion.pk}",
        {
            "partnership": partnership.pk,
            "title": suggestion.title,
            "description": "",
            "level": "c2c",
            "country": "BR",
            "date": "2026-03-15",
            "year": "",
            "venue": "trade_fair",
            "city": "",
            "evidence_url": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CONVERTED
    assert suggestion.outcome.is_published


def test_coordinators_never_see_suggestions(client, coordinator, partnership):
    client.post(URL, report(partnership))
    client.force_login(coordinator)
    assert client.get(reverse("admin:outcomes_suggestion_changelist")).status_code == 403


def test_only_saving_the_outcome_marks_a_suggestion_converted(client, editor, partnership):
    client.post(URL, report(partnership))
    suggestion = Suggestion.objects.get()
    client.force_login(editor)
    url = reverse("admin:outcomes_suggestion_change", args=[suggestion.pk])
    response = client.post(url, {"status": "converted"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.post(url, {"status": "rejected"})
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED


def test_behind_a_proxy_each_visitor_has_their_own_limit(client, partnership, settings):
    settings.SUGGESTIONS_PER_HOUR, settings.TRUSTED_PROXY_COUNT = 1, 1
    first = client.post(URL, report(partnership), HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = client.post(URL, report(partnership), HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(URL, report(partnership), HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 429)

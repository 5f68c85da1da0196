"""The admin login: lockout after repeated failures, keyed on username and address, every attempt logged."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

LOGIN = "/admin/login/"
RIGHT = "a-long-test-password"


def _login(client, password, *, username="editor", ip="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **headers,
    )


def _fail(client, times, **kwargs):
    return [_login(client, f"wrong-{n}", **kwargs).status_code for n in range(times)]


def test_five_failures_lock_the_username_out_even_with_the_right_password(client, editor):
    assert _fail(client, 4) == [200] * 4  # the form again, with its error
    fifth = _login(client, "wrong-again")
    assert fifth.status_code == 429
    assert "Login blocked for now" in fifth.text
    assert "5 failed logins for the username “editor”" in fifth.text
    assert "for 15 minutes" in fifth.text

    refused = _login(client, RIGHT)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_lockout_is_for_that_username_from_that_address_only(
    client, editor, staff_without_permission
):
    _fail(client, 5)
    assert _login(client, RIGHT, ip="198.51.100.20").status_code == 302
    client.logout()
    assert _login(client, RIGHT, username="bystander").status_code == 302


def test_the_lockout_ends_after_15_minutes(client, editor):
    _fail(client, 5)
    assert _login(client, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, RIGHT).status_code == 302


def test_every_attempt_is_recorded_and_logged_with_who_when_and_where(client, editor, caplog):
    before = timezone.now()
    with caplog.at_level(logging.INFO, logger="axes"):
        _fail(client, 2)
        assert _login(client, RIGHT).status_code == 302

    failures = AccessFailureLog.objects.filter(username="editor", ip_address="203.0.113.7")
    assert failures.count() == 2
    assert all(failure.attempt_time >= before for failure in failures)
    success = AccessLog.objects.get(username="editor")
    assert success.ip_address == "203.0.113.7"
    assert success.attempt_time >= before

    failure_lines = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failure_lines) == 2
    assert all("editor" in line and "203.0.113.7" in line for line in failure_lines)
    assert any(
        "Successful login" in r.getMessage() and "203.0.113.7" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [(0, "203.0.113.7"), (1, "192.0.2.44")],
    ids=["header ignored by default", "taken behind one trusted proxy"],
)
def test_x_forwarded_for_counts_only_when_a_proxy_is_trusted(
    client, editor, settings, proxies, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    _login(client, "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.44")
    assert AccessAttempt.objects.get().ip_address == expected

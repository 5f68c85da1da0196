"""While the database cannot be reached the portal answers 503 with a clear page, and recovers by itself.

The outage is real: for the requests under test the default connection points
at a port nobody listens on (PostgreSQL) or a file in a missing folder (SQLite).
"""

import contextlib
import socket
import tempfile
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.urls import reverse

from outcomes.models import Outcome
from tests.factories import mou_form
from tests.portal import failing_urls

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_unreachable():
    """Swaps the default connection for one that cannot connect; puts the real one back after."""
    working = connections[DEFAULT_DB_ALIAS]
    settings = {**working.settings_dict}
    if working.vendor == "postgresql":
        settings.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        settings["NAME"] = str(Path(tempfile.mkdtemp()) / "missing-folder" / "db.sqlite3")
    broken = type(working)(settings, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = broken
    try:
        yield
    finally:
        broken.close()
        connections[DEFAULT_DB_ALIAS] = working


@pytest.fixture
def database_down():
    with database_unreachable():
        yield


@pytest.fixture
def visitor():
    """A client that gets the page a visitor would get, not the exception.

    Not named "browser": pytest-playwright parametrizes by browser every test that uses that name,
    and pytest then regroups them, running these transactional tests (which empty the database,
    countries included) before database tests of other files.
    """
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("partnerships:partnership-list") + "?sector=water",
        reverse("outcomes:outcome-list") + "?export=csv",
    ],
)
def test_a_public_page_answers_503_with_a_clear_page_while_the_database_is_down(
    visitor, database_down, url
):
    response = visitor.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert "The portal is temporarily unavailable" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_a_curators_save_answers_503_and_writes_nothing(visitor, editor, partnership):
    visitor.force_login(editor)
    with database_unreachable():
        response = visitor.post(reverse("admin:outcomes_mou_add"), mou_form(partnership))
    assert response.status_code == 503
    assert "The portal is temporarily unavailable" in response.content.decode()
    assert not Outcome.objects.exists()


def test_the_portal_recovers_by_itself_when_the_database_is_back(visitor, partnership):
    with database_unreachable():
        assert visitor.get(reverse("home")).status_code == 503
    response = visitor.get(reverse("home"))
    assert response.status_code == 200
    assert "temporarily unavailable" not in response.content.decode()


def test_other_errors_stay_500(visitor, settings):
    """Only an unreachable database is an outage; a bug is still a server error."""
    settings.PAGE_SIZE = "not a number"
    response = visitor.get(reverse("partnerships:partnership-list"))
    assert response.status_code == 500
    assert "temporarily unavailable" not in response.content.decode()


def test_an_outage_met_by_the_session_save_answers_503(visitor, editor, settings):
    """The database stops between the view and the session's save: an outage, not "session deleted"

    (Django's database sessions turn a failed save into SessionInterrupted, a 400).
    """
    settings.ROOT_URLCONF = "tests.portal.failing_urls"
    visitor.force_login(editor)
    with contextlib.ExitStack() as outage:
        failing_urls.outage_begins = lambda: outage.enter_context(database_unreachable())
        response = visitor.get("/database-goes-down")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "The portal is temporarily unavailable" in response.content.decode()

"""A previewed import waits in the database under a random name that only the curator's session
may confirm, on whichever app node; a forged or another curator's name reads and deletes nothing;
previews left unconfirmed expire, and are deleted after a set time."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from core import imports
from outcomes.models import Outcome
from portal.models import ImportPreview
from tests.conftest import _staff
from tests.portal.test_import import OUTCOMES_CONFIRM, OUTCOMES_IMPORT, upload

pytestmark = pytest.mark.django_db

GOOD = b"partnership_slug,type,title,country\nelca,mou,MoU with Chile,CL\n"


@pytest.fixture
def editor_client(client, editor, partnership):
    client.force_login(editor)
    return client


@pytest.fixture
def other_editor_client(db):
    from portal.roles import EDITORS

    other = Client()
    other.force_login(_staff("other-editor", group=EDITORS))
    return other


def preview(client, content=GOOD):
    response = upload(client, OUTCOMES_IMPORT, "mous.csv", content)
    assert response.status_code == 200
    return response.context["confirm_form"].initial


def waiting(form):
    return ImportPreview.objects.filter(token=form["import_file_name"])


def test_the_preview_waits_in_the_database_under_a_random_name_owned_by_its_curator(
    editor_client, editor
):
    first, second = preview(editor_client), preview(editor_client)
    for form in (first, second):
        assert imports.PREVIEW_TOKEN.fullmatch(form["import_file_name"])
        kept = waiting(form).get()
        assert (bytes(kept.data), kept.owner) == (GOOD, editor)
    assert first["import_file_name"] != second["import_file_name"]


def test_the_curator_who_previewed_confirms_and_the_file_is_gone(editor_client):
    form = preview(editor_client)
    assert editor_client.post(OUTCOMES_CONFIRM, form).status_code == 302
    assert Outcome.objects.get().title == "MoU with Chile"
    assert not waiting(form).exists()
    # Once only: the same confirmation again is refused.
    assert editor_client.post(OUTCOMES_CONFIRM, form).status_code == 400
    assert Outcome.objects.count() == 1


def test_another_curators_preview_is_refused_and_left_alone(editor_client, other_editor_client):
    theirs = preview(editor_client)
    response = other_editor_client.post(OUTCOMES_CONFIRM, theirs)
    assert response.status_code == 400
    assert "not one of yours" in response.text
    assert not Outcome.objects.exists()
    assert bytes(waiting(theirs).get().data) == GOOD
    # Its owner can still confirm it.
    assert editor_client.post(OUTCOMES_CONFIRM, theirs).status_code == 302
    assert Outcome.objects.count() == 1


WELL_FORMED = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "forged",
    [
        "victim.csv",
        "../../../tmp/victim.csv",
        "/tmp/victim.csv",
        WELL_FORMED,  # The form of a preview's name: another curator's preview.
    ],
)
def test_a_forged_name_is_refused_and_the_file_it_names_is_untouched(editor_client, forged):
    """The library read, imported and deleted any file of the posted name in /tmp."""
    content = b"partnership_slug,type,title\nelca,mou,Not to be imported\n"
    victim = Path("/tmp/victim.csv")
    victim.write_bytes(content)
    ImportPreview.objects.create(token=WELL_FORMED, data=content)
    try:
        response = editor_client.post(
            OUTCOMES_CONFIRM,
            {
                "import_file_name": forged,
                "original_file_name": "x.csv",
                "format": "0",
                "resource": "0",
            },
        )
        assert response.status_code == 400
        assert not Outcome.objects.exists()
        assert victim.read_bytes() == content
        assert bytes(ImportPreview.objects.get(token=WELL_FORMED).data) == content
    finally:
        victim.unlink(missing_ok=True)


def test_a_preview_with_errors_keeps_no_file(editor_client):
    response = upload(
        editor_client, OUTCOMES_IMPORT, "bad.csv", b"partnership_slug,type,title\nnope,mou,x\n"
    )
    assert "confirm_form" not in response.context
    assert not ImportPreview.objects.exists()


def _age(form, hours):
    waiting(form).update(created_at=timezone.now() - datetime.timedelta(hours=hours))


def test_the_next_import_deletes_previews_left_longer_than_the_set_time(editor_client, settings):
    settings.IMPORT_PREVIEW_MAX_AGE = datetime.timedelta(hours=2)
    abandoned, recent = preview(editor_client), preview(editor_client)
    _age(abandoned, hours=3)
    _age(recent, hours=1)
    preview(editor_client)
    assert not waiting(abandoned).exists()
    assert waiting(recent).exists()
    # The abandoned one can no longer be confirmed, and says so.
    assert editor_client.post(OUTCOMES_CONFIRM, abandoned).status_code == 400


def test_an_expired_preview_cannot_be_confirmed_before_it_is_deleted(editor_client, settings):
    form = preview(editor_client)
    _age(form, hours=settings.IMPORT_PREVIEW_MAX_AGE.total_seconds() / 3600 + 1)
    assert editor_client.post(OUTCOMES_CONFIRM, form).status_code == 400
    assert not Outcome.objects.exists()


def test_the_command_deletes_old_previews(editor_client, capsys):
    old, recent = preview(editor_client), preview(editor_client)
    _age(old, hours=5)
    call_command("delete_old_import_previews", "--hours", "4", "--dry-run")
    assert "Would delete 1 old import preview(s)." in capsys.readouterr().out
    assert waiting(old).exists()
    call_command("delete_old_import_previews", "--hours", "4")
    assert "Deleted 1 old import preview(s)." in capsys.readouterr().out
    assert not waiting(old).exists()
    assert waiting(recent).exists()


# The second app node: a new Python process, with its own memory, cache and database connection,
# given the session cookie and the confirmation form.
CONFIRM_IN_ANOTHER_PROCESS = """
import sys, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
from django.test import Client
client = Client()
client.cookies[settings.SESSION_COOKIE_NAME] = sys.argv[1]
print(client.post(sys.argv[2], dict(zip(sys.argv[3::2], sys.argv[4::2]))).status_code)
"""


@pytest.mark.django_db(transaction=True)
def test_a_preview_made_by_one_process_is_confirmed_by_another(
    migrated_rows, client, editor, partnership
):
    """A load balancer may send the preview and the confirmation to two app nodes."""
    if connection.vendor != "postgresql":
        pytest.skip("two processes share a test database on PostgreSQL (SQLite's is in memory)")
    client.force_login(editor)
    form = preview(client)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test", "DATABASE_URL": url}
    fields = [str(item) for pair in form.items() for item in pair]
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    answer = subprocess.run(
        [sys.executable, "-c", CONFIRM_IN_ANOTHER_PROCESS, session, OUTCOMES_CONFIRM, *fields],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )
    assert answer.stdout.split()[-1:] == ["302"], answer.stderr[-3000:]
    assert Outcome.objects.get().title == "MoU with Chile"
    assert not waiting(form).exists()

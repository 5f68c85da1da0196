"""A previewed import waits in the portal's own folder under a random name that only the curator's
session may confirm; a forged or another curator's name reads and deletes nothing; previews left
unconfirmed are deleted after a set time."""

import datetime
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from core import imports
from outcomes.models import Outcome
from tests.conftest import _staff
from tests.portal.test_import import OUTCOMES_CONFIRM, OUTCOMES_IMPORT, upload

pytestmark = pytest.mark.django_db

GOOD = b"partnership_slug,type,title,country\nelca,mou,MoU with Chile,CL\n"


@pytest.fixture(autouse=True)
def preview_dir(settings, tmp_path):
    """Each test's previews in a folder of its own."""
    folder = tmp_path / "previews"
    storage = settings.STORAGES["import_export"]
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {**storage, "OPTIONS": {**storage["OPTIONS"], "location": folder}},
    }
    return folder


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


def test_the_preview_waits_in_the_portal_folder_under_a_random_name(editor_client, preview_dir):
    first, second = preview(editor_client), preview(editor_client)
    for form in (first, second):
        assert imports.PREVIEW_TOKEN.fullmatch(form["import_file_name"])
        assert (preview_dir / form["import_file_name"]).read_bytes() == GOOD
    assert first["import_file_name"] != second["import_file_name"]
    assert oct((preview_dir / first["import_file_name"]).stat().st_mode & 0o777) == "0o600"


def test_the_curator_who_previewed_confirms_and_the_file_is_gone(editor_client, preview_dir):
    form = preview(editor_client)
    assert editor_client.post(OUTCOMES_CONFIRM, form).status_code == 302
    assert Outcome.objects.get().title == "MoU with Chile"
    assert not (preview_dir / form["import_file_name"]).exists()
    # Once only: the same confirmation again is refused.
    assert editor_client.post(OUTCOMES_CONFIRM, form).status_code == 400
    assert Outcome.objects.count() == 1


def test_another_curators_preview_is_refused_and_left_alone(
    editor_client, other_editor_client, preview_dir
):
    theirs = preview(editor_client)
    response = other_editor_client.post(OUTCOMES_CONFIRM, theirs)
    assert response.status_code == 400
    assert "not one of yours" in response.text
    assert not Outcome.objects.exists()
    assert (preview_dir / theirs["import_file_name"]).read_bytes() == GOOD
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
        WELL_FORMED,  # The form of a preview's name, but not one this session previewed.
    ],
)
def test_a_forged_name_is_refused_and_the_file_it_names_is_untouched(
    editor_client, preview_dir, forged
):
    """The library read, imported and deleted any file of the posted name in /tmp."""
    content = b"partnership_slug,type,title\nelca,mou,Not to be imported\n"
    preview_dir.mkdir(parents=True)
    victims = [Path("/tmp/victim.csv"), preview_dir / "victim.csv", preview_dir / WELL_FORMED]
    for victim in victims:
        victim.write_bytes(content)
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
        for victim in victims:
            assert victim.read_bytes() == content
    finally:
        victims[0].unlink(missing_ok=True)


def test_a_preview_with_errors_keeps_no_file(editor_client, preview_dir):
    response = upload(
        editor_client, OUTCOMES_IMPORT, "bad.csv", b"partnership_slug,type,title\nnope,mou,x\n"
    )
    assert "confirm_form" not in response.context
    assert not preview_dir.exists() or not any(preview_dir.iterdir())


def _age(path, hours):
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_the_next_import_deletes_previews_left_longer_than_the_set_time(
    editor_client, preview_dir, settings
):
    settings.IMPORT_PREVIEW_MAX_AGE = datetime.timedelta(hours=2)
    abandoned, recent = preview(editor_client), preview(editor_client)
    _age(preview_dir / abandoned["import_file_name"], hours=3)
    _age(preview_dir / recent["import_file_name"], hours=1)
    preview(editor_client)
    assert not (preview_dir / abandoned["import_file_name"]).exists()
    assert (preview_dir / recent["import_file_name"]).exists()
    # The abandoned one can no longer be confirmed, and says so.
    assert editor_client.post(OUTCOMES_CONFIRM, abandoned).status_code == 400


def test_the_command_deletes_old_previews(editor_client, preview_dir, capsys):
    old, recent = preview(editor_client), preview(editor_client)
    _age(preview_dir / old["import_file_name"], hours=5)
    call_command("delete_old_import_previews", "--hours", "4", "--dry-run")
    assert "Would delete 1 old import preview(s)." in capsys.readouterr().out
    assert (preview_dir / old["import_file_name"]).exists()
    call_command("delete_old_import_previews", "--hours", "4")
    assert "Deleted 1 old import preview(s)." in capsys.readouterr().out
    assert not (preview_dir / old["import_file_name"]).exists()
    assert (preview_dir / recent["import_file_name"]).exists()

"""Backups: dump everything, restore it into an empty database, and the portal is the same."""

import re

import pytest
import reversion
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from reversion.models import Version

from partnerships.countries import create_country_rows
from partnerships.models import Country, Partnership
from portal.roles import EDITORS, sync_roles
from tests.pages import public_pages

EXPORTS = [
    "/partnerships/?export=csv",
    "/partnerships/?export=json",
    "/outcomes/?export=csv",
    "/clusters/?export=csv",
    "/reports/escp-overview/?export=csv",
    "/statistics/?chart=target-countries&export=csv",
]


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


PER_VISITOR = re.compile(rb'(name="(?:csrfmiddlewaretoken|opened)") value="[^"]*"')


def _snapshot(client):
    """Every public page type and the CSV and JSON exports, byte for byte."""
    cache.clear()  # "Data last updated" must come from the database, not the cache.
    urls = [*public_pages().values(), *EXPORTS]
    snapshot = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        # The report form's CSRF token and signed opening time are each visitor's own.
        snapshot[url] = (response.status_code, PER_VISITOR.sub(rb"\1", _body(response)))
    return snapshot


def _empty_the_database():
    """A database as a new deployment has it after ``migrate``: what migrations write, nothing else."""
    call_command("flush", interactive=False, verbosity=0)
    create_country_rows(Country)
    sync_roles()


@pytest.fixture
def curated(transactional_db, editor):
    """The seed, plus a curator's change with its history.

    In committed transactions, as in real use: PostgreSQL will not flush tables inside the test's
    transaction. A transactional test starts from tables a previous one may have emptied.
    """
    if not Country.objects.exists():
        create_country_rows(Country)
    sync_roles()
    call_command("load_seed", verbosity=0)
    partnership = Partnership.objects.get(slug="escp-energy-in-water")
    with reversion.create_revision():
        partnership.name = "ESCP Energy in Water (renamed)"
        partnership.save()
        reversion.set_user(editor)
        reversion.set_comment("Renamed after the 2015 call")


@pytest.mark.django_db(transaction=True)
def test_dump_then_restore_into_an_empty_database_gives_identical_pages_and_exports(
    client, curated, tmp_path
):
    before = _snapshot(client)
    history_before = sorted(Version.objects.values_list("object_id", "serialized_data"))
    assert history_before
    backup = tmp_path / "portal.json.gz"
    call_command("backup_data", str(backup), verbosity=0)

    _empty_the_database()
    assert not Partnership.objects.exists()
    call_command("restore_data", str(backup), verbosity=0)

    after = _snapshot(client)
    assert after.keys() == before.keys()
    for url in before:
        assert after[url] == before[url], f"{url} differs after the restore"
    assert b"ESCP Energy in Water (renamed)" in after["/partnerships/?export=csv"][1]

    # The history came back, with who made each change, and the curator can still log in.
    assert sorted(Version.objects.values_list("object_id", "serialized_data")) == history_before
    editor = User.objects.get(username="editor")
    assert editor.check_password("a-long-test-password")
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    latest = Version.objects.get_for_object(Partnership.objects.get(slug="escp-energy-in-water"))
    assert latest.first().revision.user == editor
    assert latest.first().revision.comment == "Renamed after the 2015 call"


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(seeded, tmp_path):
    backup = tmp_path / "portal.json"
    call_command("backup_data", str(backup), verbosity=0)
    count = Partnership.objects.count()
    with pytest.raises(CommandError, match=r"The database is not empty.*partnerships\.partnership"):
        call_command("restore_data", str(backup), verbosity=0)
    assert Partnership.objects.count() == count


def test_a_backup_leaves_out_sessions_and_login_records(seeded, tmp_path):
    backup = tmp_path / "portal.json"
    call_command("backup_data", str(backup), verbosity=0)
    text = backup.read_text()
    assert '"model": "partnerships.partnership"' in text
    assert '"model": "reversion.version"' in text
    for left_out in ("sessions.session", "axes.", "contenttypes.contenttype", "auth.permission"):
        assert f'"model": "{left_out}' not in text

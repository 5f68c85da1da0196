"""Big imports finish: 10,000 MoUs through the admin's preview and confirmation, written in bulk,
with one version of each record in one revision, and a number of queries that does not grow with
the rows. bench/imports.py times the same on PostgreSQL."""

import datetime

import pytest
from django.db.models import Count
from reversion.models import Revision, Version

from core import imports
from outcomes.models import Organisation, Outcome
from tests.factories import OrganisationFactory, OutcomeFactory, country
from tests.portal.test_import import (
    OUTCOMES_CONFIRM,
    OUTCOMES_IMPORT,
    body,
    confirm,
    snapshot,
    upload,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["US", "CN", "BR", "IN", "JP", "CA", "MX", "ZA", "TN", "CL"]


def mous(rows: int, counterparts: int = 500) -> bytes:
    lines = ["partnership_slug,type,level,title,country,city,date,counterpart"]
    start = datetime.date(2000, 1, 1)
    for i in range(rows):
        who = i % counterparts
        date = start + datetime.timedelta(days=i // counterparts)
        lines.append(
            f"elca,mou,c2c,MoU {i},{COUNTRIES[who % len(COUNTRIES)]},City {who},{date},Counterpart {who}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def editor_client(client, editor, partnership):
    client.force_login(editor)
    return client


def test_ten_thousand_mous_are_imported_with_one_version_each_in_one_revision(
    editor_client, editor, django_assert_max_num_queries
):
    data = mous(imports.MAX_IMPORT_ROWS)
    # A few queries per 1,000 rows, not about 28 a row as before.
    with django_assert_max_num_queries(60):
        preview = upload(editor_client, OUTCOMES_IMPORT, "mous.csv", data)
    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 10_000
    assert "10,000 rows: 10,000 new, 0 changed, 0 unchanged." in preview.text
    assert preview.text.count('<tr class="new">') == imports.PREVIEW_ROWS
    assert not Outcome.objects.exists() and not Organisation.objects.exists()

    # Three of them for the preview kept in the database: its owner, its file, its deletion.
    with django_assert_max_num_queries(61):
        response = confirm(editor_client, OUTCOMES_CONFIRM, preview)
    assert response.status_code == 302
    assert Outcome.objects.count() == 10_000
    assert Organisation.objects.filter(created_by=editor).count() == 500
    assert not Outcome.objects.filter(is_published=True).exists()

    revision = Revision.objects.get()
    assert revision.user == editor
    assert revision.comment == "Imported from mous.csv."
    per_model = dict(
        revision.version_set.values_list("content_type__model").annotate(n=Count("id"))
    )
    assert per_model == {"outcome": 10_000, "organisation": 500}
    outcome = Outcome.objects.get(title="MoU 9999")
    (version,) = Version.objects.get_for_object(outcome)
    assert version.field_dict["title"] == "MoU 9999"
    assert version.field_dict["year"] == outcome.date.year
    assert version.field_dict["version"] == outcome.version
    assert version.object_repr == "MoU 9999"


def test_a_duplicate_within_a_big_file_is_refused_with_both_rows(editor_client):
    data = mous(3000) + b"elca,mou,c2c,Again,US,City 0,2000-01-01,Counterpart 0\n"
    preview = upload(editor_client, OUTCOMES_IMPORT, "mous.csv", data)
    assert "confirm_form" not in preview.context
    assert (
        "This MoU duplicates “MoU 0” (row 1 of this file): same partnership, counterpart and "
        "signing date."
    ) in preview.text
    assert not Outcome.objects.exists()


def test_a_duplicate_of_a_stored_mou_names_the_record(editor_client, partnership):
    stored = OutcomeFactory(
        partnership=partnership,
        title="Stored MoU",
        country_id="US",
        date=datetime.date(2000, 1, 1),
        counterpart=OrganisationFactory(name="Counterpart 0", country=country("US")),
    )
    preview = upload(editor_client, OUTCOMES_IMPORT, "mous.csv", mous(20))
    assert f"This MoU duplicates “Stored MoU” (record #{stored.pk})" in preview.text


def test_a_changed_row_in_a_round_trip_is_one_update_with_its_version(editor_client, client):
    outcomes = [OutcomeFactory(title=f"Outcome {i}", country_id="CL") for i in range(30)]
    changed = outcomes[7]
    before = snapshot(Outcome)
    exported = body(client.get("/outcomes/", {"export": "csv"})).decode("utf-8-sig")
    edited = exported.replace("Outcome 7,", "Outcome seven,")
    preview = upload(editor_client, OUTCOMES_IMPORT, "edited.csv", edited.encode())
    assert preview.context["result"].totals == {
        "new": 0,
        "update": 1,
        "delete": 0,
        "skip": 29,
        "error": 0,
        "invalid": 0,
    }
    assert snapshot(Outcome) == before  # The preview writes nothing.
    confirm(editor_client, OUTCOMES_CONFIRM, preview)
    old_version = changed.version
    changed.refresh_from_db()
    assert changed.title == "Outcome seven"
    # As a save would: a new version number (a form opened before is refused), the update time.
    assert changed.version != old_version
    assert changed.updated_at > before[0]["updated_at"]
    (version,) = Version.objects.get_for_object(changed)
    assert version.field_dict["title"] == "Outcome seven"
    assert Version.objects.count() == 1
    unchanged = [row for row in snapshot(Outcome) if row["id"] != changed.pk]
    assert unchanged == [row for row in before if row["id"] != changed.pk]

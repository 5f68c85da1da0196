"""Curator writes are all or nothing: a save refused part-way leaves no row and no history behind."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from reversion.models import Revision, Version

from partnerships import db_triggers
from partnerships.models import Membership, Partnership, TargetMarket
from tests.admin_post import change_form_data
from tests.factories import ClusterFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


def with_members(data, *rows, **partnership):
    """The form with new membership rows (cluster, role) and the partnership's fields changed."""
    prefix = "memberships"
    data = {**data, **{name: str(value) for name, value in partnership.items()}}
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, (cluster, role) in enumerate(rows):
        data[f"{prefix}-{start + offset}-cluster"] = str(cluster.pk)
        data[f"{prefix}-{start + offset}-role"] = role
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def with_target(data, code):
    prefix = "targets"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data = {**data, f"{prefix}-{total}-country": code, f"{prefix}-{total}-position": "1"}
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data


def stored(partnership):
    partnership.refresh_from_db()
    return (
        partnership.name,
        partnership.partner_count,
        list(Membership.objects.filter(partnership=partnership).values_list("cluster", flat=True)),
        list(
            TargetMarket.objects.filter(partnership=partnership).values_list("country", flat=True)
        ),
        Version.objects.get_for_object(partnership).count(),
    )


@pytest.fixture
def change_url(partnership):
    partnership.sectors.add(SectorFactory())  # The form requires one.
    return reverse("admin:partnerships_partnership_change", args=[partnership.pk])


def test_an_invalid_member_row_is_a_form_error_and_nothing_is_written(
    client, editor, partnership, change_url
):
    client.force_login(editor)
    before = stored(partnership)
    data = with_members(
        change_form_data(client.get(change_url)),
        (ClusterFactory(), "coordinator"),
        (ClusterFactory(), "partner"),
        name="Renamed alliance",
        partner_count=1,
    )
    response = client.post(change_url, with_target(data, "CN"))
    assert response.status_code == 200
    assert "2 named member clusters, but the partnership declares 1 partners" in response.text
    assert stored(partnership) == before


def test_a_row_the_database_refuses_part_way_undoes_the_whole_save(
    client, editor, partnership, change_url
):
    """Two coordinators: the forms check rows one by one, so only the database sees the second."""
    client.force_login(editor)
    before = stored(partnership)
    revisions = Revision.objects.count()
    data = with_members(
        change_form_data(client.get(change_url)),
        (ClusterFactory(name="First coordinator"), "coordinator"),
        (ClusterFactory(name="Second coordinator"), "coordinator"),
        name="Renamed alliance",
    )
    response = client.post(change_url, with_target(data, "CN"))
    assert response.status_code == 409
    assert "Nothing was saved" in response.text
    assert stored(partnership) == before
    assert Revision.objects.count() == revisions
    # The form works again afterwards: the refusal left no broken transaction behind.
    good = with_members(
        change_form_data(client.get(change_url)),
        (ClusterFactory(), "coordinator"),
        name="Renamed alliance",
    )
    assert client.post(change_url, good).status_code == 302
    assert stored(partnership)[0] == "Renamed alliance"


def test_a_bulk_action_refused_on_its_second_record_publishes_none(client, editor):
    """A record from before the declared-count rule: republishing it saves its count, which the rule refuses."""
    first = PartnershipFactory(name="A first partnership", is_published=False)
    legacy = PartnershipFactory(name="B legacy partnership", is_published=False, partner_count=1)
    db_triggers.uninstall(connection)
    Membership.objects.bulk_create(
        [Membership(partnership=legacy, cluster=ClusterFactory()) for _ in range(2)]
    )
    db_triggers.install(connection)
    revisions = Revision.objects.count()
    client.force_login(editor)
    response = client.post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "publish", "_selected_action": [first.pk, legacy.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Nothing was published: the database refused “B legacy partnership”" in response.text
    assert db_triggers.MESSAGE in response.text
    assert not Partnership.objects.filter(pk__in=[first.pk, legacy.pk], is_published=True).exists()
    assert Revision.objects.count() == revisions


def test_an_import_whose_second_row_became_a_duplicate_since_the_preview_writes_none(
    client, editor, partnership
):
    """Another curator saved the same MoU between the preview and the confirmation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outcomes.models import Organisation, Outcome
    from tests.factories import OrganisationFactory, OutcomeFactory, country

    counterpart = OrganisationFactory(name="US Lighting Cluster", country=country("US"))
    rows = (
        "partnership_slug,type,title,country,date,counterpart\n"
        "elca,mou,MoU with Chile,CL,2013-03-01,\n"
        "elca,mou,MoU with the USA,US,2013-01-01,US Lighting Cluster\n"
    )
    client.force_login(editor)
    preview = client.post(
        reverse("admin:outcomes_outcome_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("mous.csv", rows.encode()),
        },
    )
    assert "confirm_form" in preview.context
    OutcomeFactory(
        partnership=partnership,
        counterpart=counterpart,
        country=country("US"),
        date=datetime.date(2013, 1, 1),
        title="Saved meanwhile",
    )
    before = list(Outcome.objects.values_list("title", flat=True))
    revisions = Revision.objects.count()
    response = client.post(
        reverse("admin:outcomes_outcome_process_import"),
        preview.context["confirm_form"].initial,
        follow=True,
    )
    assert response.status_code == 200
    assert "Nothing was imported: Row 2:" in response.text
    assert "duplicates “Saved meanwhile”" in response.text
    assert list(Outcome.objects.values_list("title", flat=True)) == before
    assert Organisation.objects.count() == 1
    assert Revision.objects.count() == revisions

"""generate_demo_data: the same seed gives the same rows, the database's rules hold, other data is safe."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from outcomes.models import Outcome
from partnerships.models import (
    Cluster,
    MemberCountry,
    Membership,
    Partnership,
    TargetMarket,
)
from portal import demo_data
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_demo_data", partnerships=20, verbosity=0, **options)


def snapshot():
    """Everything generated, without the ids a second run gives anew."""
    return {
        "partnerships": list(
            Partnership.objects.order_by("slug").values_list(
                "name", "kind", "partner_count", "country_count", "start_date", "created_at"
            )
        ),
        "clusters": list(
            Cluster.objects.order_by("slug").values_list("name", "country", "label", "city")
        ),
        "members": list(
            Membership.objects.order_by("partnership__slug", "cluster__slug").values_list(
                "partnership__slug", "cluster__slug", "role"
            )
        ),
        "targets": list(
            TargetMarket.objects.order_by("partnership__slug", "position").values_list(
                "partnership__slug", "country", "region__slug", "tentative"
            )
        ),
        "outcomes": list(
            Outcome.objects.order_by("partnership__slug", "pk").values_list(
                "partnership__slug", "type", "subtype", "title", "country", "date", "year", "level"
            )
        ),
    }


def test_it_writes_the_counts_asked_for_all_published():
    generate(seed=3)
    assert Partnership.objects.published().count() == 20
    assert Cluster.objects.published().count() == 100
    assert Outcome.objects.published().count() == 2000
    sizes = Partnership.objects.annotate(n=Count("memberships")).values_list("n", flat=True)
    assert min(sizes) >= 3 and max(sizes) <= 20
    assert set(Outcome.objects.values_list("type", flat=True)) == set(Outcome.Type.values)
    assert {"c2c", "b2b", "a2a"} <= set(Outcome.objects.values_list("level", flat=True))
    years = Outcome.objects.exclude(year=None).values_list("year", flat=True)
    assert min(years) >= 2011 and max(years) <= 2025
    # Every EU and EEA country has clusters.
    assert Cluster.objects.values("country").distinct().count() == 30


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    generate(seed=7)
    first = snapshot()
    generate(seed=7)  # Replaces the first set.
    assert Partnership.objects.count() == 20
    assert snapshot() == first
    generate(seed=8)
    assert snapshot() != first


def test_the_database_rules_hold_over_the_generated_rows():
    generate(seed=1)
    for partnership in Partnership.objects.annotate(
        named=Count("memberships", distinct=True), entries=Count("member_countries", distinct=True)
    ):
        partnership.full_clean()
        assert partnership.named <= partnership.partner_count
        assert partnership.entries == partnership.country_count
    assert (
        not Membership.objects.values("partnership")
        .annotate(coordinators=Count("pk"))
        .filter(role="coordinator", coordinators__gt=1)
    )
    assert MemberCountry.objects.exists()
    # The member-count trigger is back after the load.
    one = Partnership.objects.annotate(n=Count("memberships")).filter(n__gt=3).first()
    with (
        pytest.raises(IntegrityError, match="partnerships_membership_within_declared_count"),
        transaction.atomic(),
    ):
        Partnership.objects.filter(pk=one.pk).update(partner_count=1, country_count=None)
    # New rows get ids after the generated ones.
    assert PartnershipFactory().pk > max(Partnership.objects.values_list("pk", flat=True)[:20])


def test_it_refuses_a_database_with_other_data_and_leaves_it_as_it_was():
    PartnershipFactory(slug="elca")
    with pytest.raises(CommandError, match=r"not demo data \(1 partnerships\).*--force"):
        generate(seed=1)
    assert list(Partnership.objects.values_list("slug", flat=True)) == ["elca"]
    assert not Outcome.objects.exists()


def test_with_force_it_adds_demo_data_beside_other_data():
    PartnershipFactory(slug="elca")
    generate(seed=1, force=True)
    assert Partnership.objects.count() == 21
    assert Partnership.objects.filter(slug="elca").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_on_postgresql_the_rows_arrive_through_copy_with_the_sequences_moved():
    generate(seed=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM partnerships_partnership_id_seq")
        assert cursor.fetchone()[0] == Partnership.objects.order_by("-pk").first().pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index definitions")
def test_on_postgresql_every_index_is_there_again_after_the_load():
    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'outcomes_%%' "
                "OR tablename LIKE 'partnerships_%%' ORDER BY indexname"
            )
            return cursor.fetchall()

    before = indexes()
    assert any(name == "outcomes_search_title" for name, _ in before)
    generate(seed=1)
    assert indexes() == before


def test_a_row_is_named_by_its_columns_and_must_name_them_all():
    table = demo_data.OUTCOMES
    values = {column: column.upper() for column in reversed(table.columns)}
    row = table.row(values)
    assert row[table.position("title")] == "TITLE"
    assert list(row) == [column.upper() for column in table.columns]
    del values["title"]
    with pytest.raises(ValueError, match="outcomes_outcome has columns"):
        table.row(values)

"""Each database rule rejects a bad row by itself, without forms or model validation in the way.

Rows are written with create()/update()/raw SQL, which skip full_clean(), so
what stops them is the database.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from outcomes.models import Organisation, Outcome
from partnerships.models import (
    Country,
    MemberCountry,
    Membership,
    Partnership,
    Region,
    Sector,
    TargetMarket,
)
from tests.factories import (
    ClusterFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    country,
)

pytestmark = pytest.mark.django_db


def rejected(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_valid_partnership_with_members_and_targets_is_accepted():
    partnership = PartnershipFactory(partner_count=2, country_count=2)
    MemberCountry.objects.create(
        partnership=partnership, country=country("SE"), cross_border_country=country("DK")
    )
    Membership.objects.create(partnership=partnership, cluster=ClusterFactory(), role="coordinator")
    Membership.objects.create(partnership=partnership, cluster=ClusterFactory())
    TargetMarket.objects.create(partnership=partnership, country=country("BR"))
    assert partnership.memberships.count() == 2


def test_country_codes_are_two_capital_letters():
    rejected(lambda: Country.objects.create(code="u1", name="Nowhere"))


@pytest.mark.parametrize("model", [Sector, Region])
def test_slugs_are_unique(model):
    model.objects.create(name="First", slug="same")
    rejected(lambda: model.objects.create(name="Second", slug="same"))


def test_partnership_and_cluster_slugs_are_unique():
    PartnershipFactory(slug="same")
    rejected(lambda: PartnershipFactory(slug="same"))
    ClusterFactory(slug="same")
    rejected(lambda: ClusterFactory(slug="same"))


def test_end_date_cannot_be_before_start_date():
    rejected(
        lambda: PartnershipFactory(
            start_date=datetime.date(2014, 1, 1), end_date=datetime.date(2013, 12, 31)
        )
    )


@pytest.mark.parametrize("field", ["partner_count", "country_count"])
@pytest.mark.parametrize("value", [0, -1])
def test_declared_counts_are_positive(field, value):
    rejected(lambda: PartnershipFactory(**{field: value}))


def test_declared_countries_cannot_exceed_declared_partners():
    rejected(lambda: PartnershipFactory(partner_count=5, country_count=6))


def test_a_partnership_is_not_related_to_itself():
    partnership = PartnershipFactory()
    rejected(
        lambda: Partnership.objects.filter(pk=partnership.pk).update(
            related_partnership=partnership
        )
    )


def test_named_members_cannot_exceed_the_declared_partner_count():
    partnership = PartnershipFactory(partner_count=1)
    Membership.objects.create(partnership=partnership, cluster=ClusterFactory())
    rejected(lambda: Membership.objects.create(partnership=partnership, cluster=ClusterFactory()))
    assert partnership.memberships.count() == 1


def test_the_declared_partner_count_cannot_fall_below_the_named_members():
    partnership = PartnershipFactory(partner_count=2)
    Membership.objects.create(partnership=partnership, cluster=ClusterFactory())
    Membership.objects.create(partnership=partnership, cluster=ClusterFactory())
    rejected(lambda: Partnership.objects.filter(pk=partnership.pk).update(partner_count=1))
    partnership.refresh_from_db()
    assert partnership.partner_count == 2


def test_a_cluster_is_a_member_once_and_there_is_one_coordinator():
    partnership = PartnershipFactory()
    cluster = ClusterFactory()
    Membership.objects.create(partnership=partnership, cluster=cluster, role="coordinator")
    rejected(lambda: Membership.objects.create(partnership=partnership, cluster=cluster))
    rejected(
        lambda: Membership.objects.create(
            partnership=partnership, cluster=ClusterFactory(), role="coordinator"
        )
    )


def test_a_cross_border_cluster_spans_two_different_countries():
    rejected(lambda: ClusterFactory(country=country("SE"), cross_border_country=country("SE")))
    partnership = PartnershipFactory()
    rejected(
        lambda: MemberCountry.objects.create(
            partnership=partnership, country=country("SE"), cross_border_country=country("SE")
        )
    )


def test_a_member_country_is_listed_once():
    partnership = PartnershipFactory()
    MemberCountry.objects.create(partnership=partnership, country=country("FR"))
    rejected(lambda: MemberCountry.objects.create(partnership=partnership, country=country("FR")))


def test_a_target_is_a_country_or_a_region_not_both_nor_neither():
    partnership = PartnershipFactory()
    region = Region.objects.create(name="North Africa", slug="north-africa")
    rejected(lambda: TargetMarket.objects.create(partnership=partnership))
    rejected(
        lambda: TargetMarket.objects.create(
            partnership=partnership, country=country("TN"), region=region
        )
    )


def test_a_target_is_listed_once():
    partnership = PartnershipFactory()
    region = Region.objects.create(name="North Africa", slug="north-africa")
    TargetMarket.objects.create(partnership=partnership, country=country("TN"))
    TargetMarket.objects.create(partnership=partnership, region=region)
    rejected(lambda: TargetMarket.objects.create(partnership=partnership, country=country("TN")))
    rejected(
        lambda: TargetMarket.objects.create(partnership=partnership, region=region, tentative=True)
    )


def test_deleting_a_partnership_with_outcomes_is_refused():
    outcome = OutcomeFactory()
    with pytest.raises(ProtectedError):
        outcome.partnership.delete()
    # Below the ORM too: the foreign key itself refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM partnerships_partnership WHERE id = %s", [outcome.partnership_id]
            )
        connection.check_constraints()
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_deleting_a_country_or_cluster_in_use_is_refused():
    cluster = ClusterFactory(country=country("DK"))
    Membership.objects.create(partnership=PartnershipFactory(), cluster=cluster)
    with pytest.raises(ProtectedError):
        cluster.delete()
    with pytest.raises(ProtectedError):
        Country.objects.get(code="DK").delete()


class TestOutcomeRules:
    def test_year_is_within_a_sensible_range(self):
        rejected(lambda: OutcomeFactory(year=1850))

    def test_a_dated_outcome_has_its_year(self):
        outcome = OutcomeFactory(date=datetime.date(2013, 5, 2))
        assert outcome.year == 2013
        rejected(lambda: Outcome.objects.filter(pk=outcome.pk).update(year=None))

    @pytest.mark.parametrize(
        "mou_field",
        [
            {"level": "c2c"},
            {"venue": "trade_fair"},
            {"intra_eu": True},
            {"counterpart": "organisation"},
        ],
    )
    def test_mou_fields_belong_to_mous_only(self, mou_field):
        if "counterpart" in mou_field:
            mou_field = {"counterpart": OrganisationFactory()}
        rejected(lambda: OutcomeFactory(type=Outcome.Type.ROADMAP, **mou_field))

    def test_only_missions_and_exchanges_have_a_direction(self):
        OutcomeFactory(type=Outcome.Type.MISSION, direction="outgoing")
        rejected(lambda: OutcomeFactory(type=Outcome.Type.OFFICE, direction="incoming"))

    def test_the_kind_must_belong_to_the_type(self):
        OutcomeFactory(type=Outcome.Type.OFFICE, subtype="living_lab")
        rejected(lambda: OutcomeFactory(type=Outcome.Type.ROADMAP, subtype="living_lab"))
        rejected(lambda: OutcomeFactory(type=Outcome.Type.MOU, subtype="business_trip"))

    def test_the_same_mou_is_not_recorded_twice(self):
        first = OutcomeFactory(counterpart=OrganisationFactory(), date=datetime.date(2013, 6, 1))
        rejected(
            lambda: OutcomeFactory(
                partnership=first.partnership, counterpart=first.counterpart, date=first.date
            )
        )

    def test_an_organisation_is_unique_within_its_country(self):
        Organisation.objects.create(name="Chilean Agro-food Cluster", country=country("CL"))
        rejected(
            lambda: Organisation.objects.create(
                name="Chilean Agro-food Cluster", country=country("CL")
            )
        )

"""A country's page lists the first partnerships that target it and that have members there."""

import pytest

from partnerships.models import MemberCountry, Region, TargetMarket
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_first_25_of_each_list_are_shown_in_name_order_with_a_link_to_the_rest(client):
    region = Region.objects.create(name="North Africa", slug="north-africa")
    region.countries.set(["TN", "MA"])
    for n in range(27):
        partnership = PartnershipFactory(name=f"Targeting {n:02}")
        if n % 2:
            TargetMarket.objects.create(partnership=partnership, country_id="TN")
        else:
            TargetMarket.objects.create(partnership=partnership, region=region)
    for n in range(3):
        member = PartnershipFactory(name=f"Members {n}")
        MemberCountry.objects.create(partnership=member, country_id="TN")
    unpublished = PartnershipFactory(name="Targeting 00 draft", is_published=False)
    TargetMarket.objects.create(partnership=unpublished, country_id="TN")

    page = client.get("/countries/TN/")

    targeting = page.context["targeting_partnerships"]
    assert [p.name for p in targeting] == [f"Targeting {n:02}" for n in range(25)]
    assert page.context["more_targeting_partnerships"] is True
    assert targeting[0].routes_to("TN") == ["through North Africa"]
    assert targeting[1].routes_to("TN") == ["directly"]
    assert [p.name for p in page.context["member_partnerships"]] == [
        "Members 0",
        "Members 1",
        "Members 2",
    ]
    assert page.context["more_member_partnerships"] is False
    assert "See all partnerships targeting Tunisia" in page.text
    assert "See all partnerships with members in Tunisia" not in page.text

"""A country's page lists the first partnerships that work with it (target it or have outcomes
there) and that have members there."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from outcomes.models import Outcome
from partnerships.models import Country, MemberCountry, Region, TargetMarket
from portal.detail_pages import DETAIL_ROWS, country_page
from tests.factories import OutcomeFactory, PartnershipFactory

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

    targeting = page.context["page"].working.rows
    assert [p.name for p in targeting] == [f"Targeting {n:02}" for n in range(25)]
    assert page.context["page"].working.more is True
    # How each targets it, from the regions that contain Tunisia rather than each region's countries.
    assert targeting[0].routes_here == "through North Africa"
    assert targeting[1].routes_here == "directly"
    assert '<td data-label="Why it is listed">targets through North Africa</td>' in page.text
    assert [p.name for p in page.context["page"].members] == [
        "Members 0",
        "Members 1",
        "Members 2",
    ]
    assert page.context["page"].members.more is False
    assert "See all partnerships working with Tunisia" in page.text
    assert "See all partnerships with members in Tunisia" not in page.text


def test_the_offices_are_listed_even_when_newer_outcomes_fill_the_outcome_list(client):
    partnership = PartnershipFactory(name="ELCA")
    for day in range(1, 4):
        OutcomeFactory(
            partnership=partnership,
            type=Outcome.Type.OFFICE,
            title=f"Office {day}",
            country_id="TN",
            date=datetime.date(2010, 1, day),
        )
    OutcomeFactory(
        partnership=partnership,
        type=Outcome.Type.OFFICE,
        title="Draft office",
        country_id="TN",
        is_published=False,
    )
    for day in range(1, 27):
        OutcomeFactory(
            partnership=partnership,
            title=f"MoU {day:02}",
            country_id="TN",
            date=datetime.date(2020, 1, day),
        )
    OutcomeFactory(
        partnership=partnership, type=Outcome.Type.OFFICE, title="Elsewhere", country_id="MA"
    )

    page = client.get("/countries/TN/")

    assert [o.title for o in page.context["page"].outcomes] == [
        f"MoU {day:02}" for day in range(26, 1, -1)
    ]
    assert page.context["page"].outcomes.more is True
    assert [o.title for o in page.context["page"].offices] == ["Office 3", "Office 2", "Office 1"]
    assert page.context["page"].offices.more is False
    assert "Office 1</a>, by ELCA" in page.text


def test_once_counted_a_render_reads_the_outcomes_only_for_its_outcome_list(client):
    # The partnerships with outcomes there are found once per change of the data, with the
    # counts: on the 1M set the US has 132,511 outcomes, read twice a render when they were not.
    engaged = PartnershipFactory(name="Engaged")
    OutcomeFactory(partnership=engaged, title="An MoU", country_id="TN")
    member = PartnershipFactory(name="Member")
    MemberCountry.objects.create(partnership=member, country_id="TN")
    client.get("/countries/TN/")

    with CaptureQueriesContext(connection) as context:
        page = client.get("/countries/TN/")

    assert [p.name for p in page.context["page"].working] == ["Engaged"]
    assert [p.name for p in page.context["page"].members] == ["Member"]
    assert "1 MoU" in page.text
    reading_outcomes = [q["sql"] for q in context if "outcomes_outcome" in q["sql"]]
    assert len(reading_outcomes) == 1, reading_outcomes
    assert "An MoU" in page.text


def test_a_renamed_country_shows_its_new_name_at_once(client):
    assert "<h1>Tunisia " in client.get("/countries/TN/").text  # Now kept in the cache.
    tunisia = Country.objects.get(code="TN")
    tunisia.name = "Tunisie"
    tunisia.save()
    assert "<h1>Tunisie " in client.get("/countries/TN/").text


def test_the_country_page_is_one_object_read_without_a_request():
    for n in range(DETAIL_ROWS + 1):
        partnership = PartnershipFactory(name=f"Targeting {n:02}")
        TargetMarket.objects.create(partnership=partnership, country_id="TN")

    page = country_page(Country.objects.get(code="TN"))

    assert len(page.working) == DETAIL_ROWS
    assert (page.working.more, page.working.limit) == (True, DETAIL_ROWS)
    assert [p.routes_here for p in page.working][:1] == ["directly"]
    assert page.figures["working"] == page.figures["targeting"] == DETAIL_ROWS + 1
    assert (bool(page.members), page.members.more) == (False, False)
    assert (
        page.small_map["title"] == "Tunisia, and where the partnerships working with it come from"
    )


def test_an_eu_member_is_never_targeted_through_a_region(client):
    region = Region.objects.create(name="Mediterranean Region", slug="mediterranean-region")
    region.countries.set(["FR", "TN"])
    partnership = PartnershipFactory(name="Through the Mediterranean")
    TargetMarket.objects.create(partnership=partnership, region=region)

    assert not country_page(Country.objects.get(code="FR")).working
    assert [strip_tags(p.why) for p in country_page(Country.objects.get(code="TN")).working] == [
        "targets through Mediterranean Region"
    ]

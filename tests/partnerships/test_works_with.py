"""One meaning of "works with a country" (docs/data-model.md), on the seed: target markets, directly
or through a region's third countries only, and engagements (published outcomes there)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags

from outcomes.models import Outcome
from partnerships.models import Country, Partnership
from portal.detail_pages import country_page


@pytest.fixture
def seeded(seeded_once, db):
    """Overrides the suite's ``seeded`` for this module: the same data, loaded once."""


def names(partnerships):
    return {p.name for p in partnerships}


def listed(response):
    return {p.name for p in response.context["object_list"]}


def why(response):
    return {p.name: strip_tags(p.why) for p in response.context["object_list"]}


def test_working_with_china_adds_bioxclusters_and_its_outcomes_to_those_targeting_it(seeded):
    published = Partnership.objects.published()
    targeting = names(published.targeting_country(["CN"]))
    working = names(published.working_with(Country.objects.filter(code="CN")))
    assert "BioXClusters" not in targeting
    assert working == targeting | {"BioXClusters"}
    # Country rows, or codes, name the same countries.
    assert names(published.working_with([Country.objects.get(code="CN")])) == working


def test_the_country_pages_list_who_works_with_it_and_why(client, seeded):
    china = why_rows(client, "CN")
    assert china["BioXClusters"] == "2 MoUs, 1 office, 1 exchange"
    assert china["European Lighting Cluster Alliance"] == "targets directly"
    tunisia = why_rows(client, "TN")
    assert tunisia["REINA"] == "1 mission"
    assert tunisia["ESCP Energy in Water"] == "targets through Mediterranean Region"
    assert tunisia["ESCP for Personalized Healthcare"] == "targets through North Africa"


def why_rows(client, code):
    page = client.get(f"/countries/{code}/").context["page"]
    return {row.name: strip_tags(row.why) for row in page.working}


def test_home_to_china_leads_to_the_partnerships_working_with_it_with_their_outcomes(
    client, seeded
):
    home = client.get("/")
    assert 'href="/partnerships/?works_with=CN"' in home.text
    response = client.get("/partnerships/", {"works_with": "CN"})
    assert why(response)["BioXClusters"] == "2 MoUs, 1 office, 1 exchange"
    assert "Why it is listed" in response.text
    # Each count opens exactly its outcomes.
    bioxclusters = next(p for p in response.context["object_list"] if p.name == "BioXClusters")
    mous = f"/outcomes/?partnership={bioxclusters.slug}&amp;country=CN&amp;type=mou"
    assert f'<a class="figure" data-figure="2" href="{mous}">2 MoUs</a>' in response.text
    listed = client.get(mous.replace("&amp;", "&")).context["object_list"]
    assert [(o.partnership_url, o.country_code, o.type) for o in listed] == [
        (bioxclusters.get_absolute_url(), "CN", Outcome.Type.MOU.label)
    ] * 2


def test_no_eu_member_is_a_target_in_any_facet_statistic_or_map(client, seeded):
    members = set(Country.objects.eu_members().values_list("code", flat=True))
    published = Partnership.objects.published()
    assert not members & set(published.tally_by_target_country().counts())
    offered = client.get("/partnerships/").context["filter"].form.fields["target_country"].choices
    assert offered and not {value for value, _ in offered} & members
    statistics = client.get("/statistics/").context["charts"]
    targets = next(chart for chart in statistics if chart.slug == "target-countries")
    assert targets.rows and not {row.key for row in targets.rows} & members
    shaded = {area.code for area in client.get("/statistics/").context["target_map"] if area.value}
    assert shaded and not shaded & members
    for code in ["FR", "DE", "ES", "HR"]:
        assert not published.targeting_country([code]).exists()


def test_russia_is_targeted_by_escp_energy_in_water_through_the_baltic_sea_region(client, seeded):
    response = client.get("/partnerships/", {"target_country": "RU"})
    assert "ESCP Energy in Water" in listed(response)
    assert why(response)["ESCP Energy in Water"] == "targets through Baltic Sea Region"


def test_a_region_stays_visible_as_declared(client, seeded):
    response = client.get("/partnerships/escp-energy-in-water/")
    assert "Baltic Sea Region" in response.text
    assert "Mediterranean Region" in response.text


def test_north_africa_gives_exactly_the_three_and_says_how_each_targets_it(client, seeded):
    response = client.get("/partnerships/", {"target_region": "north-africa"})
    assert why(response) == {
        "ESCP for Personalized Healthcare": "targets North Africa",
        "Textile2020": "targets Tunisia, Morocco (in North Africa)",
        "ESCP Energy in Water": "through Mediterranean Region (shares third countries with "
        "North Africa)",
    }


def test_each_region_is_counted_as_its_filter_selects(seeded):
    published = Partnership.objects.published()
    counts = published.tally_by_target_region().counts()
    assert counts
    for slug, n in counts.items():
        assert published.targeting_region([slug]).count() == n
    # A partnership that targets a country directly and through a region, or targets it and has
    # outcomes there, counts once for it.
    targets = published.tally_by_target_country().counts()
    for code, n in targets.items():
        assert published.targeting_country([code]).count() == n, code
    working = published.tally_by_working_country().counts()
    for code, n in working.items():
        assert published.working_with([code]).count() == n, code


@pytest.mark.django_db
def test_membership_has_its_dates_the_uk_left_in_2020_croatia_joined_in_2013():
    source_date, today = datetime.date(2014, 1, 21), datetime.date(2026, 1, 1)
    uk, croatia = Country.objects.get(code="GB"), Country.objects.get(code="HR")
    assert uk.was_eu_member_on(source_date) and not uk.was_eu_member_on(today)
    assert not uk.is_eu_member
    assert croatia.is_eu_member and not croatia.was_eu_member_on(datetime.date(2013, 6, 30))
    assert Country.objects.eu_members().count() == 27


@pytest.mark.django_db
def test_the_member_flag_cannot_contradict_the_dates():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.filter(code="GB").update(is_eu_member=True)
    china = Country.objects.get(code="CN")
    china.eu_member_since = datetime.date(2030, 1, 1)
    china.clean()
    assert china.is_eu_member


def test_the_country_page_selector_reads_working_rows_without_a_request(seeded):
    page = country_page(Country.objects.get(code="CN"))
    assert "BioXClusters" in {row.name for row in page.working}
    assert page.figures["working"] == len(page.working)

"""/statistics/ and the maps: the numbers behind each chart for the seed data, and the map's shapes."""

import csv
import io
import re

import pytest

from core.worldmap import SMALL_STATES, country_shapes
from partnerships.models import Country, Partnership

pytestmark = pytest.mark.django_db


def chart(response, slug):
    return {
        row.key: row.value
        for row in next(c for c in response.context["charts"] if c.slug == slug).rows
    }


def test_the_usa_is_the_most_targeted_country_of_the_escps(client, seeded):
    response = client.get("/statistics/", {"kind": "escp"})
    targets = chart(response, "target-countries")
    assert max(targets, key=targets.get) == "US"
    assert targets["US"] == 9
    # Regions count through their countries: Tunisia is targeted directly once and through two regions.
    assert targets["TN"] == 3


def test_the_outcome_figures_for_the_seed_data(client, seeded):
    response = client.get("/statistics/")
    assert chart(response, "outcome-types") == {
        "mou": 11,
        "mission": 4,
        "roadmap": 3,
        "office": 2,
        "exchange": 1,
    }
    assert chart(response, "mou-levels") == {"c2c": 1, "none": 10}
    assert chart(response, "outcome-years") == {"none": 21}
    assert chart(response, "outcome-countries")["US"] == 4
    assert (
        chart(response, "member-countries")["SE"] == 4
    )  # ICT4Future's SE-DK member counts for Sweden
    assert sum(chart(response, "sectors").values()) == 19


def test_choosing_a_country_narrows_every_chart_and_the_url_says_so(client, seeded):
    response = client.get("/statistics/", {"target_country": "CN"})
    assert response.status_code == 200
    assert sum(chart(response, "sectors").values()) == 8
    assert chart(response, "outcome-types") == {}  # The CIP projects declare no targets.
    assert "Target country: China" in response.text
    # On the statistics map a country narrows the page; the figures stay in step with the URL.
    assert 'href="?target_country=BR"' in client.get("/statistics/").text


def test_the_map_has_a_shape_for_every_country_in_the_data_with_its_figure_and_link(client, seeded):
    text = client.get("/").text
    in_data = {
        code
        for p in Partnership.objects.published()
        for code in p.member_countries.values_list("country", flat=True)
    }
    # The home map shows the countries partnerships work with (target market or outcomes there).
    working = chart(client.get("/statistics/"), "working-countries")
    names = dict(Country.objects.values_list("code", "name"))
    for code, value in working.items():
        assert code in country_shapes() or code in SMALL_STATES, code
        label = (
            f"{names[code]}: 1 partnership works with it"
            if value == 1
            else f"{names[code]}: {value} partnerships work with it"
        )
        assert re.search(rf'<a href="/countries/{code}/" aria-label="{re.escape(label)}">', text), (
            label
        )
        assert f'data-code="{code}"' in text
    assert in_data  # the member map is on /statistics/
    stats = client.get("/statistics/").text
    for code in in_data:
        assert f'data-code="{code}"' in stats


def test_each_chart_exports_its_table(client, seeded):
    response = client.get(
        "/statistics/", {"chart": "target-countries", "export": "csv", "kind": "escp"}
    )
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert rows[0]["key"] == "US"
    assert rows[0]["partnerships"] == "9"
    assert rows[0]["url"] == "http://testserver/partnerships/?target_country=US"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "nope"}, "“nope” is not a sector on this portal."),
        ({"year": "20x6"}, "“20x6” is not a year."),
        ({"chart": "pie", "export": "csv"}, "Say which chart to export"),
        ({"chart": "sectors", "export": "pdf"}, "Unknown export format “pdf”"),
    ],
)
def test_bad_parameters_answer_400_with_a_message(client, seeded, params, message):
    response = client.get("/statistics/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_partnership_page_maps_its_members_and_targets(client, seeded):
    text = client.get("/partnerships/escp-energy-in-water/").text
    assert '<a href="/countries/GB/" aria-label="United Kingdom: member countries">' in text
    # Poland is a member; in the Baltic Sea Region the partnership targets, it is an EU member
    # state, so not a target market through the region. Russia, a third country there, is.
    assert '<a href="/countries/PL/" aria-label="Poland: member countries">' in text
    assert '<a href="/countries/RU/" aria-label="Russia: target markets">' in text
    assert '<a href="/countries/US/" aria-label="United States of America: target markets">' in text
    assert '<a href="/countries/IN/" aria-label="India: possible target markets">' in text
    # A region's countries are targets too: Tunisia is in the Mediterranean Region.
    assert '<a href="/countries/TN/" aria-label="Tunisia: target markets">' in text


def test_a_country_page_maps_it_and_where_its_partnerships_come_from(client, seeded):
    text = client.get("/countries/JP/").text
    assert '<a href="/countries/JP/" aria-label="Japan: Japan">' in text
    assert (
        '<a href="/countries/PT/" aria-label="Portugal: members of partnerships working with Japan">'
        in text
    )


def test_a_charts_figures_are_written_as_each_language_writes_numbers(settings):
    """The figures are localized once per value and language (portal_tags._figure): English and
    French each get their own, and a change of the number settings is followed."""
    from types import SimpleNamespace

    from django.utils import translation

    from portal.templatetags.portal_tags import chart_table_rows

    rows = [SimpleNamespace(url="", label="United States", value=12345)]
    assert ">12345</td>" in chart_table_rows(rows)
    settings.USE_THOUSAND_SEPARATOR = True
    assert ">12,345</td>" in chart_table_rows(rows)
    with translation.override("fr"):
        assert ">12\xa0345</td>" in chart_table_rows(rows)
    assert ">12,345</td>" in chart_table_rows(rows)

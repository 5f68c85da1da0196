"""Every figure on the home, statistics, sector, country and partnership pages links to exactly its
rows: following its link gives a list (or a table on the page) of as many results as it says.

A figure is an ``<a class="figure" data-figure="N">``; the page it opens says how many results it
holds in ``data-result-count``: a list page on its result count, a section (``#target-countries``)
on itself. Crawled on the seed data and on generated data."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from outcomes.models import Outcome
from partnerships.models import Country, Partnership, Sector

FIGURE = re.compile(r'<a class="figure" data-figure="(\d+)" href="([^"]+)"')
LIST_COUNT = re.compile(r'id="result-count" data-result-count="(\d+)"')


def figures(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return [(int(n), html.unescape(href)) for n, href in FIGURE.findall(response.text)]


def count_at(client, href):
    parts = urlsplit(href)
    response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert response.status_code == 200, href
    if parts.fragment:
        match = re.search(
            rf'id="{re.escape(parts.fragment)}"[^>]*?data-result-count="(\d+)"'
            rf'|id="{re.escape(parts.fragment)}".*?data-result-count="(\d+)"',
            response.text,
            re.S,
        )
        return int(next(group for group in match.groups() if group)) if match else None
    match = LIST_COUNT.search(response.text)
    return int(match.group(1)) if match else None


def pages():
    """The pages with figures: home, statistics, the sectors, the countries with the most
    partnerships working with them and a few without, the partnerships with the most outcomes."""
    yield "/"
    yield "/statistics/"
    yield "/clusters/"
    yield from (sector.get_absolute_url() for sector in Sector.objects.published()[:5])
    working = Partnership.objects.published().tally_by_working_country().counts()
    busiest = sorted(working, key=lambda code: -working[code])[:5]
    yield from (f"/countries/{code}/" for code in busiest)
    yield from (
        country.get_absolute_url() for country in Country.objects.eu_members().order_by("code")[:2]
    )
    with_outcomes = Outcome.objects.published().values("partnership").distinct()[:3]
    yield from (
        partnership.get_absolute_url()
        for partnership in Partnership.objects.filter(pk__in=with_outcomes)
    )


def crawl(client):
    """Every figure of every page, each distinct link opened once."""
    counts, checked, wrong = {}, 0, []
    for page in pages():
        for n, href in figures(client, page):
            if href not in counts:
                counts[href] = count_at(client, href)
            checked += 1
            if counts[href] != n:
                wrong.append((page, n, href, counts[href]))
    return checked, wrong


def test_on_the_seed_every_figure_opens_exactly_its_rows(client, seeded):
    checked, wrong = crawl(client)
    assert wrong == []
    assert checked > 150


def test_the_seed_figures_the_issue_names(client, seeded):
    home = dict((href, n) for n, href in figures(client, "/"))
    other = "/outcomes/?type=roadmap&type=office&type=mission&type=exchange"
    assert home[other] == 10
    assert count_at(client, other) == 10
    assert home["/clusters/#declared"] == 105
    clusters = client.get("/clusters/")
    assert "105 declared member clusters" in clusters.text
    assert "0 clusters" not in clusters.text
    # What the source does not give is a figure too, opening exactly those rows (year=none,
    # level=none): the statistics' "Date not given in the source" and "Level not stated".
    statistics = dict((href, n) for n, href in figures(client, "/statistics/"))
    assert statistics["/outcomes/?year=none"] == 21
    assert statistics["/outcomes/?type=mou&level=none"] == 10
    # Target markets: countries targeted directly or as a region's third countries, no EU member.
    assert (
        count_at(client, "/statistics/#target-countries") == home["/statistics/#target-countries"]
    )


@pytest.mark.long
@pytest.mark.django_db
def test_on_generated_data_every_figure_opens_exactly_its_rows(client):
    call_command("generate_demo_data", partnerships=30, seed=5, verbosity=0)
    checked, wrong = crawl(client)
    assert wrong == []
    assert checked > 50


def test_every_row_of_every_statistics_chart_is_a_figure(client, seeded):
    """ "Date not given in the source", "Level not stated" and a one-row chart's sentence too: a row
    shown as a bare number would escape the crawl."""
    text = client.get("/statistics/").text
    rows = sum(map(int, re.findall(r'class="mb-5 chart" data-result-count="(\d+)"', text)))
    assert len(FIGURE.findall(text)) == rows

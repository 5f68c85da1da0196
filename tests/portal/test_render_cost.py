"""What every rendered page pays, paid once: the FilterSet the page cache builds to know a page's
state is the one its view filters with, pagination links are made in Python, the data's date is
read once, and the statistics page's maps draw the countries without a figure as one shape."""

import re

import pytest
from django.core.cache import cache

from core import data_cache, worldmap
from outcomes.filters import OutcomeFilter
from partnerships.filters import PartnershipFilter


@pytest.fixture
def seeded(seeded_once, db):
    """The seed data, loaded once for the module: these tests only read."""


def _count_inits(monkeypatch, filterset_class) -> list:
    built = []
    original = filterset_class.__init__

    def counted(self, *args, **kwargs):
        built.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(filterset_class, "__init__", counted)
    return built


def test_a_filtered_list_builds_its_filterset_once(client, seeded, monkeypatch):
    built = _count_inits(monkeypatch, PartnershipFilter)
    response = client.get("/partnerships/?target_country=US&sort=name")
    assert response.status_code == 200
    assert built == [PartnershipFilter]


def test_the_statistics_page_builds_each_filterset_once(client, seeded, monkeypatch):
    built_partnerships = _count_inits(monkeypatch, PartnershipFilter)
    built_outcomes = _count_inits(monkeypatch, OutcomeFilter)
    response = client.get("/statistics/?target_country=US")
    assert response.status_code == 200
    assert (len(built_partnerships), len(built_outcomes)) == (1, 1)


def test_page_links_keep_the_filters_in_their_place(client, seeded, settings):
    settings.PAGE_SIZE = 2
    response = client.get("/partnerships/?page=2&target_country=US&sort=name")
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'class="page-link" href="\?([^"]+)"', html)
    # The page keeps its place in the query; the filters and sort are kept as they were.
    assert links[0] == "page=1&amp;target_country=US&amp;sort=name"
    assert 'href="?page=2&amp;target_country=US&amp;sort=name" aria-current="page"' in html
    first = client.get("/partnerships/?target_country=US")
    # Where the query had no page, it comes last.
    assert 'href="?target_country=US&amp;page=2"' in first.content.decode()


def test_the_data_s_date_is_read_from_the_cache_once_a_request(client, seeded, monkeypatch):
    client.get("/partnerships/")  # The date computed and kept.
    reads = []
    original = cache.get

    def counted(key, *args, **kwargs):
        reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted)
    response = client.get("/partnerships/")
    assert response.status_code == 200
    assert reads.count(data_cache.CACHE_KEY) == 1


def test_countries_without_a_figure_are_one_hidden_shape_on_the_map():
    shapes = worldmap.country_shapes()
    some = list(shapes)[:3]
    areas = worldmap.map_areas(dict.fromkeys(some, 5), {}, lambda name, value: f"{name}: {value}")
    assert [area.code for area in areas] == ["", *some]
    assert areas[0].value == 0 and areas[0].shade == worldmap.NO_DATA
    assert areas[0].path == "".join(path for code, path in shapes.items() if code not in some)


@pytest.mark.parametrize("maximum", [1, 2, 4, 5, 6, 7, 13, 100, 2665])
def test_the_legend_gives_each_value_the_shade_the_map_gives_it(maximum):
    legend = worldmap.legend({"XX": maximum})
    ranges = []
    for shade, text in legend:
        first, _, last = text.partition("–")
        ranges.append((shade, int(first), int(last or first)))
    # Every value from 1 to the maximum, in order, each in the shade shade() gives it.
    assert [v for _, first, last in ranges for v in range(first, last + 1)] == list(
        range(1, maximum + 1)
    )
    for shade, first, last in ranges:
        assert {worldmap.shade(v, maximum) for v in (first, last)} == {shade}


def test_a_kept_page_is_found_without_building_its_filterset(client, seeded, settings, monkeypatch):
    settings.PAGE_CACHE = True
    canonical = "/partnerships/?target_country=US&sort=name"
    first = client.get(canonical)
    assert first.status_code == 200
    built = _count_inits(monkeypatch, PartnershipFilter)
    again = client.get(
        "/partnerships/?sort=name&target_country=US"
    )  # Its parameters in another order.
    assert again.content == first.content
    assert built == []
    # Another spelling of the same state (a lower-case code) is validated, then served the kept page.
    other = client.get("/partnerships/?target_country=us&sort=name")
    assert other.content == first.content
    assert built == [PartnershipFilter]

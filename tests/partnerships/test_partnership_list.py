"""/partnerships/: filters, facets, sorting, pagination and bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import strip_tags

from partnerships.models import MemberCountry, Region, TargetMarket
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db
URL = "/partnerships/"


def names(response):
    return [p.name for p in response.context["object_list"]]


@pytest.fixture
def data():
    aerospace = SectorFactory(name="Aerospace", slug="aerospace")
    food = SectorFactory(name="Food", slug="food")
    north_africa = Region.objects.create(name="North Africa", slug="north-africa")
    north_africa.countries.set(["TN", "MA", "EG"])
    wings = PartnershipFactory(name="Wings", sectors=[aerospace])
    TargetMarket.objects.create(partnership=wings, country_id="US")
    MemberCountry.objects.create(partnership=wings, country_id="SE", cross_border_country_id="DK")
    grain = PartnershipFactory(name="Grain", sectors=[food])
    TargetMarket.objects.create(partnership=grain, region=north_africa)
    MemberCountry.objects.create(partnership=grain, country_id="GB")
    dates = PartnershipFactory(name="Dates", sectors=[food], kind="project")
    TargetMarket.objects.create(partnership=dates, country_id="TN")
    OutcomeFactory(partnership=dates, type="office", country_id="TN")
    PartnershipFactory(name="Hidden draft", sectors=[food], is_published=False)
    return {"wings": wings, "grain": grain, "dates": dates}


def test_it_lists_published_partnerships_only(client, data):
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Dates", "Grain", "Wings"]
    assert "3 partnerships" in response.text
    assert "Hidden draft" not in response.text


def test_values_of_one_facet_combine_with_or_and_facets_with_and(client, data):
    assert names(client.get(URL, {"sector": ["aerospace", "food"]})) == ["Dates", "Grain", "Wings"]
    assert names(client.get(URL, {"sector": "food", "kind": "escp"})) == ["Grain"]


def test_a_target_country_is_reached_directly_or_through_a_region(client, data):
    response = client.get(URL, {"target_country": "TN"})
    assert names(response) == ["Dates", "Grain"]
    why = {p.name: strip_tags(p.why) for p in response.context["object_list"]}
    assert why == {"Dates": "targets directly", "Grain": "targets through North Africa"}


def test_works_with_adds_the_partnerships_with_outcomes_there_and_says_why(client, data):
    OutcomeFactory(partnership=data["wings"], type="mission", country_id="TN")
    response = client.get(URL, {"works_with": "TN"})
    why = {p.name: strip_tags(p.why) for p in response.context["object_list"]}
    assert why == {
        "Dates": "targets directly; 1 office",
        "Grain": "targets through North Africa",
        "Wings": "1 mission",
    }
    assert "Why it is listed" in response.text


def test_target_region_reaches_its_third_countries_and_overlapping_regions(client, data):
    maghreb = Region.objects.create(name="Maghreb", slug="maghreb")
    maghreb.countries.set(["TN", "MA", "FR"])
    TargetMarket.objects.create(partnership=data["wings"], region=maghreb)
    response = client.get(URL, {"target_region": "maghreb"})
    assert {p.name: strip_tags(p.why) for p in response.context["object_list"]} == {
        "Wings": "targets Maghreb",
        "Dates": "targets Tunisia (in Maghreb)",
        "Grain": "through North Africa (shares third countries with Maghreb)",
    }


def test_country_codes_are_case_insensitive_and_accept_eu_aliases(client, data):
    assert names(client.get(URL, {"member_country": "uk"})) == names(
        client.get(URL, {"member_country": "GB"})
    )
    assert names(client.get(URL, {"member_country": "GB"})) == ["Grain"]


def test_a_cross_border_member_counts_for_both_its_countries(client, data):
    assert names(client.get(URL, {"member_country": "SE"})) == ["Wings"]
    assert names(client.get(URL, {"member_country": "DK"})) == ["Wings"]


def test_outcome_type_finds_partnerships_with_such_an_outcome(client, data):
    assert names(client.get(URL, {"outcome_type": "office"})) == ["Dates"]
    assert names(client.get(URL, {"outcome_type": "mou"})) == []


def test_search_looks_in_names(client, data):
    assert names(client.get(URL, {"q": "rain"})) == ["Grain"]


def test_each_facet_option_shows_how_many_results_it_would_give(client, data):
    response = client.get(URL, {"sector": "food"})
    sector_choices = dict(response.context["filter"].form.fields["sector"].choices)
    # Within "sector" the other options count as if added (OR): all published rows.
    assert sector_choices == {"aerospace": "Aerospace (1)", "food": "Food (2)"}
    kind_choices = dict(response.context["filter"].form.fields["kind"].choices)
    assert kind_choices == {
        "escp": "European Strategic Cluster Partnership (1)",
        "project": "Internationalisation project (1)",
    }
    target_choices = dict(response.context["filter"].form.fields["target_country"].choices)
    assert target_choices == {"EG": "Egypt (1)", "MA": "Morocco (1)", "TN": "Tunisia (2)"}


def test_active_filters_each_have_a_remove_link(client, data):
    response = client.get(URL, {"sector": ["food", "aerospace"], "kind": "escp", "page": "1"})
    chips = {
        (chip["name"], chip["value"]): chip["remove_url"]
        for chip in response.context["active_filters"]
    }
    assert chips[("Sector", "Food")] == "?sector=aerospace&kind=escp"
    assert (
        chips[("Kind", "European Strategic Cluster Partnership")] == "?sector=food&sector=aerospace"
    )
    assert "Clear all filters" in response.text


def test_sorting_by_a_column(client, data):
    assert names(client.get(URL, {"sort": "-name"})) == ["Wings", "Grain", "Dates"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sector": "nope"}, "“nope” is not a sector on this portal."),
        ({"target_country": "XX"}, "“XX” is not a country code."),
        ({"member_country": "<script>"}, "“&lt;script&gt;” is not a country code."),
        ({"target_region": "atlantis"}, "“atlantis” is not a region on this portal."),
        ({"kind": "club"}, "“club” is not a kind of partnership on this portal."),
        ({"outcome_type": "gift"}, "“gift” is not an outcome type on this portal."),
        (
            {"sort": "password"},
            "Select a valid choice. password is not one of the available choices.",
        ),
        ({"page": "abc"}, "There is no page “abc”"),
        ({"page": "99999"}, "There is no page “99999”: the results fill 1 page. Showing page 1."),
        ({"page": "0"}, "There is no page “0”"),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_parameter_answers_400_with_a_message_and_is_left_out(client, data, params, message):
    response = client.get(URL, {**params, "kind": params.get("kind", "escp")})
    assert response.status_code == 400
    assert message in response.text
    if "kind" not in params:
        # The good filter still applies; the bad one is ignored.
        assert names(response) == ["Grain", "Wings"]


def test_the_number_of_queries_does_not_grow_with_the_rows(client, settings, data):
    settings.PAGE_SIZE = 100

    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"sector": ["food", "aerospace"], "target_country": "TN"})
        assert response.status_code == 200
        return len(queries), len(response.context["object_list"])

    few, rows_few = queries_for_list()
    food = data["grain"].sectors.get()
    north_africa = Region.objects.get()
    for _ in range(45):
        partnership = PartnershipFactory(sectors=[food])
        TargetMarket.objects.create(partnership=partnership, region=north_africa)
        MemberCountry.objects.create(partnership=partnership, country_id="FR")
        OutcomeFactory(partnership=partnership)
    many, rows_many = queries_for_list()
    assert (rows_few, rows_many) == (2, 47)
    assert many == few


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sector": "food"},
        {"sector": ["aerospace", "food"], "sort": "-name"},
        {"kind": "project", "target_country": "tn"},
        {"works_with": "TN", "member_country": "GB"},
        {"target_region": "north-africa", "sort": "partners"},
        {"outcome_type": "office"},
        {"member_country": ["dk", "GB"], "page": "1"},
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_page_filtered_by_its_facets_reads_its_rows_through_compiled_sql(
    client, data, monkeypatch, params, language
):
    from django.http import QueryDict

    from core import compiled_queries
    from partnerships.filters import PartnershipFilter
    from partnerships.lists import PARTNERSHIPS

    read = []
    model_rows = compiled_queries.model_rows
    monkeypatch.setattr(
        compiled_queries, "model_rows", lambda *a, **k: read.append(r := model_rows(*a, **k)) or r
    )
    response = client.get(f"/{language}{URL}" if language != "en" else URL, params)
    assert response.status_code == 200
    assert len(read) == 1 and read[0] is not None
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    with translation.override(language):
        expected = PartnershipFilter(query, queryset=PARTNERSHIPS.rows()).qs
        assert names(response) == [partnership.name for partnership in expected]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "grain", "sector": "food"},
        {"q": "a"},
        {"q": "a", "sort": "-name", "target_region": "north-africa"},
        {"q": "nothing like it"},
    ],
)
def test_a_search_reads_its_rows_by_its_keys_on_postgresql(client, data, monkeypatch, params):
    """Through compiled SQL, the search's kept keys one parameter (an array's text), where
    PostgreSQL takes it; through the ORM elsewhere. The rows are the ORM's either way."""
    from django.db import connection
    from django.http import QueryDict

    from core import compiled_queries
    from partnerships.filters import PartnershipFilter
    from partnerships.lists import PARTNERSHIPS

    read = []
    model_rows = compiled_queries.model_rows
    monkeypatch.setattr(
        compiled_queries, "model_rows", lambda *a, **k: read.append(r := model_rows(*a, **k)) or r
    )
    response = client.get(URL, params)
    assert response.status_code == 200
    compiled = [rows for rows in read if rows is not None]
    assert len(compiled) == (1 if connection.vendor == "postgresql" else 0)
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, [value])
    expected = PartnershipFilter(query, queryset=PARTNERSHIPS.rows()).qs
    assert names(response) == [partnership.name for partnership in expected]
    if "grain" in params["q"]:
        assert names(response) == ["Grain"]


@pytest.mark.parametrize(
    "params", [{"sector": "food"}, {"q": "a", "sort": "-name"}, {"page": "1"}, {}]
)
def test_a_pages_keys_are_kept_and_its_rows_read_by_them_until_the_data_changes(
    client, data, monkeypatch, params
):
    from core.filters import FacetedFilterSet

    by_keys = []
    rows_by_keys = FacetedFilterSet.rows_by_keys
    monkeypatch.setattr(
        FacetedFilterSet,
        "rows_by_keys",
        lambda self, keys, **kw: by_keys.append(keys) or rows_by_keys(self, keys, **kw),
    )
    first = client.get(URL, params)
    assert by_keys == []  # worked out, and its keys kept
    again = client.get(URL, params)
    assert len(by_keys) == 1  # read by the kept keys
    assert names(again) == names(first)
    assert again.text.count("<tr") == first.text.count("<tr")
    data["grain"].name = "A grain"
    data["grain"].save()  # a change of the data: the kept keys are not read again
    changed = client.get(URL, params)
    assert len(by_keys) == 1
    if "sort" not in params:
        assert names(changed)[0] == "A grain"


def test_a_page_with_a_bad_value_is_not_kept(client, data, monkeypatch):
    from core.filters import FacetedFilterSet

    by_keys = []
    monkeypatch.setattr(
        FacetedFilterSet, "rows_by_keys", lambda self, keys, **kw: by_keys.append(keys)
    )
    for _ in range(2):
        response = client.get(URL, {"sector": ["food", "nowhere"]})
        assert response.status_code == 400
    assert by_keys == []

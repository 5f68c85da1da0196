"""Curated text and country names in the reader's language (core/translated.py): the English
fallback marked, search in any language, the API's ?lang= and Accept-Language, the collation."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from outcomes.models import Outcome
from partnerships.filters import PartnershipFilter
from partnerships.models import Country, MemberCountry, Partnership, TargetMarket
from portal.i18n import path_in_language
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lighting():
    """A partnership named in English only, in an English-only sector, targeting China."""
    sector = SectorFactory(name="Lighting", slug="lighting")
    partnership = PartnershipFactory(
        name="European Lighting Cluster Alliance",
        acronym="ELCA",
        slug="elca",
        description="Lighting clusters going to China together.",
        sectors=[sector],
    )
    TargetMarket.objects.create(partnership=partnership, country_id="CN")
    MemberCountry.objects.create(partnership=partnership, country_id="FR")
    return partnership


@pytest.fixture
def translated(lighting):
    lighting.name_fr = "Alliance lumineuse des grappes européennes"
    lighting.name_de = "Europäische Allianz der Beleuchtungscluster"
    lighting.save()
    return lighting


def page(client, url, language):
    """``url`` as a reader of ``language`` opens it: under /fr/, /de/ (the language a request
    activates stays active after it, so ``reverse()`` here may give any language's address)."""
    response = client.get(path_in_language(url, language))
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_missing_translation_shows_the_english_text_marked_as_such(client, lighting):
    text = page(client, lighting.get_absolute_url(), "fr")

    assert '<h1><span lang="en">European Lighting Cluster Alliance</span>' in text
    assert "(en anglais)" in text  # the note, in the reader's language
    assert '<div lang="en"><p>Lighting clusters going to China together.</p></div>' in text
    # In English nothing is marked.
    assert 'lang="en"><p>' not in page(client, lighting.get_absolute_url(), "en")


def test_a_translated_name_is_shown_unmarked_in_lists_and_on_its_page(client, translated):
    detail = page(client, translated.get_absolute_url(), "fr")
    listed = page(client, reverse("partnerships:partnership-list"), "fr")

    assert "<h1>Alliance lumineuse des grappes européennes" in detail
    assert "Alliance lumineuse des grappes européennes - ELCA</a>" in listed
    # Its sector has no French name: English, marked, once for the cell.
    assert '<span lang="en">Lighting</span>' in listed
    assert "Europäische Allianz der Beleuchtungscluster" in page(
        client, translated.get_absolute_url(), "de"
    )


def test_country_names_come_in_the_readers_language(client, lighting):
    listed = page(client, reverse("partnerships:partnership-list"), "fr")
    assert ">Chine</a>" in listed  # its target, in the table
    assert "<h1>Chine" in page(client, reverse("partnerships:country-detail", args=["CN"]), "fr")
    assert "<h1>Deutschland" in page(
        client, reverse("partnerships:country-detail", args=["DE"]), "de"
    )
    with translation.override("de"):
        assert str(Country.objects.get(code="TR")) == "Türkei"
    assert Country.objects.filter(name="China").exists()  # queries still read the English column


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_country_named_in_any_language_finds_the_partnerships_working_with_it(
    client, lighting, language
):
    PartnershipFactory(name="Other", slug="other")
    text = page(client, reverse("partnerships:partnership-list") + "?q=Chine", language)

    assert lighting.get_absolute_url() in text
    assert "/partnerships/other/" not in text


def test_a_partnership_is_found_by_its_french_name_and_an_outcome_by_its_german_title(
    client, translated
):
    outcome = OutcomeFactory(partnership=translated, title="MoU with Shanghai")
    Outcome.objects.filter(pk=outcome.pk).update(title_de="Absichtserklärung mit Schanghai")

    # Words are searched without their accents (partnerships/search.py): "grappes", not "éclairage".
    found = page(client, reverse("partnerships:partnership-list") + "?q=grappes", "en")
    assert translated.get_absolute_url() in found
    found = page(client, reverse("outcomes:outcome-list") + "?q=Schanghai", "en")
    assert f"/outcomes/{outcome.pk}/" in found


def test_the_api_gives_names_in_the_language_asked_for_with_english_keys(client, translated):
    url = "/api/partnerships/"

    german = client.get(url, {"lang": "de"})
    french = client.get(url, headers={"accept-language": "fr"})
    english = client.get(url)

    row = german.json()["results"][0]
    assert row["name"] == "Europäische Allianz der Beleuchtungscluster"
    assert row["member_country_names"] == ["Frankreich"]
    assert german["Content-Language"] == "de"
    assert "Accept-Language" in german["Vary"]
    row = french.json()["results"][0]
    assert (row["name"], row["member_country_names"]) == (
        "Alliance lumineuse des grappes européennes",
        ["France"],
    )
    assert english.json()["results"][0]["name"] == "European Lighting Cluster Alliance"


def test_the_api_refuses_a_language_it_does_not_have(client, lighting):
    response = client.get("/api/partnerships/", {"lang": "xx"})

    assert response.status_code == 400
    assert "Unknown language “xx”: use one of en, fr, de." in response.json()["detail"]["lang"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collations are PostgreSQL's")
def test_lists_sort_by_the_localised_name_with_the_languages_collation(client):
    for slug, name_fr in (("z", "Zèbre"), ("e", "Éclairage"), ("d", "Drones")):
        PartnershipFactory(name=slug.upper(), slug=slug, name_fr=name_fr)

    with translation.override("fr"):
        names = [partnership.name_fr for partnership in sorted_partnerships()]
        countries = list(
            Country.objects.annotate_direct_target_counts().values_list("code", flat=True)
        )
    # "É" sorts with "E", not after "Z" as in a byte order.
    assert names == ["Drones", "Éclairage", "Zèbre"]
    assert countries.index("EG") < countries.index("ES") < countries.index("FR")  # Égypte


def sorted_partnerships():
    filterset = PartnershipFilter(QueryDict(""), queryset=Partnership.objects.published())
    return filterset.qs


def test_curators_enter_the_translations_in_groups_per_language(client, editor, lighting):
    client.force_login(editor)
    url = reverse("admin:partnerships_partnership_change", args=[lighting.pk])

    text = client.get(url).content.decode()

    assert "In French" in text and 'name="name_fr"' in text and 'name="description_de"' in text
    assert 'name="name_en"' not in text  # the English is the name field itself


def test_the_apis_sectors_and_countries_are_named_in_the_language_asked_for(client, lighting):
    lighting.sectors.update(name_de="Beleuchtung")

    sectors = client.get("/api/sectors/", {"lang": "de"}).json()["results"]
    country = client.get("/api/countries/CN/", headers={"accept-language": "fr"}).json()

    assert [sector["name"] for sector in sectors] == ["Beleuchtung"]
    assert (country["code"], country["name"]) == ("CN", "Chine")


@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/?q=Chine",
        "/partnerships/?sort=name",
        "/countries/",
        "/countries/CN/",
        "/outcomes/",
        "/partnerships/elca/",
    ],
)
def test_a_page_in_french_asks_as_many_queries_as_in_english(client, lighting, url):
    OutcomeFactory(partnership=lighting, title="MoU with Shanghai", country_id="CN")
    counts = {}
    for language in ("en", "fr"):
        page(client, url, language)  # the cached options and counts, read once per language
        with CaptureQueriesContext(connection) as queries:
            page(client, url, language)
        counts[language] = len(queries)

    assert counts["fr"] == counts["en"]

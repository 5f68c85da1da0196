"""The interface in English, French and German: the language in the address, the switcher, the first
visit's Accept-Language, hreflang, and no English left on a French or German page (portal/i18n.py)."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.catalogues import (
    PLACEHOLDER,
    catalogue,
    data_text,
    other_languages,
    read_po,
    visible_text,
)
from tests.pages import public_pages

pytestmark = pytest.mark.django_db

FILTERED = "/partnerships/?sector=healthcare&target_country=JP"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def alternates(response) -> dict[str, str]:
    return dict(
        re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
        )
    )


def switcher_links(response) -> dict[str, str]:
    found = re.findall(
        r'<a class="nav-link" href="(/language/[^"]+)" hreflang="([^"]+)"',
        response.content.decode(),
    )
    return {code: href.replace("&amp;", "&") for href, code in found}


def test_english_addresses_stay_and_french_and_german_ones_have_a_prefix(client, seeded):
    for path, language in [
        ("/partnerships/", "en"),
        ("/fr/partnerships/", "fr"),
        ("/de/partnerships/", "de"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert html_lang(response) == language
        assert response["Content-Language"] == language
    assert client.get("/en/partnerships/").status_code == 404


def test_every_page_names_its_versions_in_each_language_and_the_default(client, seeded):
    response = client.get("/fr/countries/TN/")
    assert alternates(response) == {
        "en": "http://testserver/countries/TN/",
        "x-default": "http://testserver/countries/TN/",
        "fr": "http://testserver/fr/countries/TN/",
        "de": "http://testserver/de/countries/TN/",
    }


def test_the_first_visit_to_the_home_page_follows_accept_language(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/fr/"
    assert {"Accept-Language", "Cookie"} <= {name.strip() for name in response["Vary"].split(",")}
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/de/"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert english.status_code == 200 and html_lang(english) == "en"
    # A language the portal does not have: English.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR").status_code == 200


def test_only_the_home_page_redirects_a_link_to_an_english_page_opens_in_english(client, seeded):
    response = client.get("/partnerships/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and html_lang(response) == "en"


def test_switching_language_keeps_the_filters_and_is_remembered_for_the_session(client, seeded):
    links = switcher_links(client.get(FILTERED))
    assert set(links) == {"en", "fr", "de"}
    response = client.get(links["fr"])
    assert response.status_code == 302
    assert response["Location"] == "/fr" + FILTERED
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and not cookie["max-age"]  # ends with the browser's session
    french = client.get(response["Location"])
    assert html_lang(french) == "fr" and "Healthcare" in french.content.decode()
    # Remembered: the home page opens in French whatever the browser asks for, until English is chosen.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/fr/"
    back = client.get(switcher_links(french)["en"])
    assert back["Location"] == FILTERED
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").status_code == 200


def test_the_switcher_goes_nowhere_but_the_portal(client, db):
    response = client.get("/language/de/", {"next": "https://elsewhere.example/partnerships/"})
    assert response["Location"] == "/de/"
    assert client.get("/language/xx/", {"next": "/"}).status_code == 404
    # Crawlers find each language at its own address (hreflang), not through the switcher.
    assert "Disallow: /language/" in client.get("/robots.txt").text.splitlines()


def test_programs_addresses_have_no_prefix_and_keep_working(client, seeded):
    for path in [
        "/api/partnerships/",
        "/healthz",
        "/sitemap.xml",
        "/robots.txt",
        "/catalog.jsonld",
    ]:
        assert client.get(path).status_code == 200, path
    assert client.get("/fr/api/partnerships/").status_code == 404
    english, french = client.get("/feeds/outcomes/"), client.get("/fr/feeds/outcomes/")
    assert "new outcomes" in english.content.decode()
    assert "nouveaux résultats" in french.content.decode()
    assert french["Access-Control-Allow-Origin"] == "*"


def test_kept_pages_and_figures_are_kept_per_language(client, seeded, settings):
    settings.PAGE_CACHE = True
    cache.clear()
    assert html_lang(client.get("/statistics/")) == "en"
    german = client.get("/de/statistics/").content.decode()
    assert '<html lang="de"' in german and "Ergebnisse nach Art" in german
    assert "Outcomes by type" not in german
    assert html_lang(client.get("/statistics/")) == "en"


def test_the_admin_speaks_the_curators_language(client, editor):
    client.force_login(editor)
    page = client.get(f"/{settings.ADMIN_URL}", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/{settings.ADMIN_URL}", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="fr"' in page


def test_error_pages_speak_the_pages_language(client, db):
    response = client.get("/de/no-such-page/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def english_phrases(language: str) -> tuple[set[str], list[str]]:
    """What of the English catalogue must not be left on a page in ``language``: whole short strings
    ("Sectors"), to be matched as a piece of text, and phrases of three words or more of the longer
    ones, cut at their placeholders and markup. Strings written the same in ``language`` ("Type",
    "Description" in French) are not looked for."""
    whole, phrases = set(), []
    entries = read_po(catalogue(language))
    # A word that is also the language's own for another string ("Filter" is German for "Filters").
    translations = {text.strip(" .,:;()·—") for entry in entries for text in entry.msgstr}
    for entry in entries:
        for english, translated in zip(
            [entry.msgid, entry.msgid_plural or entry.msgid], entry.msgstr, strict=False
        ):
            if english.strip(" .,:;()·—") == translated.strip(" .,:;()·—"):
                continue
            for part in PLACEHOLDER.split(english):
                part = " ".join(part.split()).strip(" .,:;()·—")
                if not re.search(r"[A-Za-z]", part):
                    continue
                if len(part.split()) >= 3:
                    phrases.append(part)
                elif part == " ".join(english.split()).strip(" .,:;()·—"):
                    whole.add(part)
    return whole - translations, phrases


@pytest.mark.parametrize("language", other_languages())
def test_no_english_interface_text_is_left_on_any_page_type(client, seeded, language):
    whole, phrases = english_phrases(language)
    # What the data says in English is not the interface's: "European Strategic Cluster
    # Partnerships Overview" is a source's title.
    data = data_text()
    whole = {text for text in whole if text not in data.splitlines()}
    phrases = [phrase for phrase in phrases if phrase not in data]
    left = {}
    with translation.override(settings.LANGUAGE_CODE):
        pages = public_pages()
    for name, url in pages.items():
        response = client.get(f"/{language}{url}")
        assert response.status_code in (200, 400), url
        pieces = visible_text(response.content.decode())
        text = " ".join(pieces)
        found = {piece for piece in pieces if piece.strip(" .,:;()·—") in whole}
        found |= {phrase for phrase in phrases if phrase in text}
        if found:
            left[name] = sorted(found)
    assert left == {}


def test_numbers_for_machines_stay_unlocalised_on_french_and_german_pages(client, seeded):
    """French and German write 497,1 where English writes 497.1: not in an SVG's coordinates, nor
    in the figures and counts that scripts and tests read from attributes."""
    for path in ["/fr/", "/de/statistics/"]:
        page = client.get(path).content.decode()
        numbers = re.findall(r' (?:cx|cy|x|y|width|height|viewBox|data-[a-z-]+)="([^"]*)"', page)
        assert numbers, path
        assert [n for n in numbers if re.search(r"\d,\d|\d[\u202f\xa0]\d", n)] == [], path


def test_a_french_page_costs_the_queries_its_english_page_does(client, seeded):
    """Cold (an empty cache) and warm, as tests/portal/test_queries_per_page.py counts them."""

    def queries(path):
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200, path
        return len(context)

    for path in ["/", FILTERED, "/countries/TN/", "/outcomes/?type=mou", "/statistics/"]:
        counts = {}
        for prefix in ("", "/fr"):
            # What a process reads once in its life (which ICU collations the database has) is
            # not a page's cost: read before counting, whichever test this process ran first.
            client.get(prefix + path)
        for prefix in ("", "/fr"):
            cache.clear()
            counts[prefix] = (queries(prefix + path), queries(prefix + path))
        assert counts["/fr"] == counts[""], path

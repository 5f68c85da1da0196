"""Search understands places and sectors (issue 16 point 7): on the seed, ``q=brazil``,
``q=ICT Brazil`` and ``q=north africa`` find the partnerships related to what they name, and the
page offers the filter the words name."""

import pytest

from partnerships.search import ReadSearch, read, vocabulary

pytestmark = pytest.mark.django_db


def found(client, **params) -> set[str]:
    response = client.get("/partnerships/", params)
    assert response.status_code == 200
    return {partnership.slug for partnership in response.context["object_list"]}


def test_a_country_name_finds_the_partnerships_working_with_it(client, seeded):
    brazil = found(client, q="brazil")
    # Before, no partnership's name or description held the word: 0 results.
    assert {
        "ict4future",
        "textile2020",
        "mind-the-gap",
        "food-health-wellbeing-partnership",
    } <= brazil
    assert found(client, works_with="BR") <= brazil
    assert (
        "eu4sports" in brazil
    )  # No target market there, a business mission: it works with Brazil.
    assert "elca" not in brazil  # China only.
    # Any case, and the page offers the filter the word names.
    page = client.get("/partnerships/", {"q": "BRAZIL"}).text
    assert found(client, q="BRAZIL") == brazil
    assert 'href="?works_with=BR">Filter by works with: Brazil</a>' in page


def test_a_sector_and_a_country_narrow_each_other(client, seeded):
    assert found(client, q="ICT Brazil") == {"ict4future"}
    page = client.get("/partnerships/", {"q": "ICT Brazil"}).text
    assert "Filter by sector: ICT" in page
    assert 'href="?q=ict&amp;works_with=BR"' in page


def test_a_region_name_finds_the_partnerships_targeting_it(client, seeded):
    north_africa = found(client, q="north africa")
    assert "escp-for-personalized-healthcare" in north_africa
    assert found(client, target_region="north-africa") <= north_africa
    assert (
        "Filter by target region: North Africa"
        in client.get("/partnerships/", {"q": "North  Africa"}).text
    )


def test_words_that_name_nothing_still_match_text(client, seeded):
    assert found(client, q="energy water") == {"escp-energy-in-water"}
    # "in" is also India's code, but among other words it is a word.
    assert found(client, q="lighting in china") == {"elca"}


CHOICES = {
    "country": [("BR", "Brazil"), ("CI", "Côte d'Ivoire"), ("IN", "India"), ("US", "USA")],
    "region": [("baltic-sea-region", "Baltic Sea Region"), ("north-africa", "North Africa")],
    "sector": [("ict", "ICT")],
}
LABELS = dict(CHOICES["country"])


@pytest.mark.parametrize(
    ("text", "meanings", "words"),
    [
        ("cote d'IVOIRE", [("works_with", "CI")], []),
        ("baltic sea", [("target_region", "baltic-sea-region")], []),
        ("ict br", [("sector", "ict"), ("works_with", "BR")], []),
        ("in", [("works_with", "IN")], []),
        ("solar in brazil", [("works_with", "BR")], ["solar", "in"]),
        ("north africa north africa", [("target_region", "north-africa")], []),
    ],
)
def test_read_names_the_longest_names_and_codes_only_when_every_word_names_something(
    text, meanings, words
):
    result = read(text, vocabulary(CHOICES), LABELS)
    assert isinstance(result, ReadSearch)
    assert [(m.filter, m.value) for m in result.meanings] == meanings
    assert list(result.words) == words

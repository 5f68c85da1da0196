"""List pages stop at settings.LIST_MAX_ROWS rows; the exports still hold every row."""

import csv
import io

import pytest

from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eleven_outcomes(settings):
    settings.PAGE_SIZE = 3
    settings.LIST_MAX_ROWS = 5  # the fifth row is on page 2: pages stop there
    partnership = PartnershipFactory()
    for number in range(11):
        OutcomeFactory(partnership=partnership, title=f"Outcome {number:02}", date=None, year=None)


def titles(response):
    return [outcome.title for outcome in response.context["object_list"]]


def test_the_last_page_says_where_pages_stop_and_offers_no_next(client, eleven_outcomes):
    response = client.get("/outcomes/", {"sort": "title", "page": 2})
    assert response.status_code == 200
    assert titles(response) == ["Outcome 03", "Outcome 04", "Outcome 05"]
    assert response.context["result_count"] == 11
    page = response.content.decode()
    assert "Pages stop at page 2, the first 6 of the 11 results" in page
    assert "Next<span" not in page
    assert 'href="?sort=title&amp;page=3"' not in page


def test_a_page_past_the_last_one_is_refused_with_the_way_to_the_rest(client, eleven_outcomes):
    response = client.get("/outcomes/", {"sort": "title", "page": 3})
    assert response.status_code == 400
    assert titles(response) == ["Outcome 00", "Outcome 01", "Outcome 02"]
    assert (
        "There is no page “3”: pages stop at page 2, the first 6 of the 11 results. Narrow the "
        "filters, or download the results: the exports hold them all. Showing page 1."
    ) in response.content.decode()


def test_the_export_of_a_list_deeper_than_its_pages_holds_every_row(client, eleven_outcomes):
    response = client.get("/outcomes/", {"sort": "title", "export": "csv"})
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["title"] for row in rows] == [f"Outcome {number:02}" for number in range(11)]


def test_a_list_within_the_limit_shows_no_note(client, eleven_outcomes, settings):
    settings.LIST_MAX_ROWS = 11
    response = client.get("/outcomes/", {"sort": "title", "page": 4})
    assert response.status_code == 200
    assert titles(response) == ["Outcome 09", "Outcome 10"]
    assert "Pages stop" not in response.content.decode()


def test_filtered_lists_stop_at_the_same_depth(client, eleven_outcomes):
    response = client.get("/partnerships/", {"page": 2})
    # One partnership: one page, nothing to stop.
    assert response.status_code == 400
    assert "the results fill 1 page" in response.content.decode()

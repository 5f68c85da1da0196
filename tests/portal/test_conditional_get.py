"""Conditional GET: a second request with the validator it was given gets 304 Not Modified, on the
pages, the feeds, the API and the exports; and the open data can be read from other sites (CORS)."""

import time
import xml.etree.ElementTree as ET

import pytest

from tests.factories import OutcomeFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def rows(db):
    partnership = PartnershipFactory(slug="grain")
    OutcomeFactory(partnership=partnership, country_id="TN")
    return partnership


@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/",
        "/partnerships/grain/",
        "/feeds/outcomes/",
        "/api/partnerships/",
        "/api/partnerships/grain/",
        "/partnerships/?export=csv",
        "/outcomes/?export=json",
        "/statistics/?export=csv&chart=sectors",
    ],
)
def test_a_second_get_with_the_etag_is_not_modified(client, rows, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_change_of_the_data_changes_the_validators(client, rows):
    urls = ["/partnerships/", "/feeds/outcomes/", "/api/partnerships/", "/partnerships/?export=csv"]
    etags = {url: client.get(url)["ETag"] for url in urls}
    OutcomeFactory(partnership=PartnershipFactory(slug="seeds", name="Seeds"), country_id="BR")
    for url in urls:
        assert client.get(url, headers={"If-None-Match": etags[url]}).status_code == 200, url


def test_exports_with_other_parameters_have_other_etags(client, rows):
    csv, json = client.get("/partnerships/?export=csv"), client.get("/partnerships/?export=json")
    assert csv["ETag"] != json["ETag"]
    assert (
        client.get("/partnerships/?export=json", headers={"If-None-Match": csv["ETag"]}).status_code
        == 200
    )


def test_the_feed_answers_if_modified_since(client, rows):
    last_modified = client.get("/feeds/outcomes/")["Last-Modified"]
    again = client.get("/feeds/outcomes/", headers={"If-Modified-Since": last_modified})
    assert again.status_code == 304


def test_an_empty_feeds_updated_date_does_not_move(client, db):
    def updated():
        response = client.get("/feeds/outcomes/")
        return ET.fromstring(response.content).findtext(f"{ATOM}updated"), response["Last-Modified"]

    first = updated()
    time.sleep(1.1)
    assert updated() == first
    last_modified = first[1]
    assert (
        client.get("/feeds/outcomes/", headers={"If-Modified-Since": last_modified}).status_code
        == 304
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/partnerships/",
        "/api/",
        "/feeds/outcomes/",
        "/partnerships/?export=csv",
        "/outcomes/?export=json",
    ],
)
def test_open_data_can_be_read_from_any_site(client, rows, url):
    for response in (client.get(url), client.head(url)):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", ["/partnerships/", "/", "/admin/login/"])
def test_pages_and_the_admin_are_not_opened_to_other_sites(client, rows, url):
    assert "Access-Control-Allow-Origin" not in client.get(url)


def test_writes_to_the_api_get_no_cors_header(client, rows):
    response = client.post("/api/partnerships/")
    assert response.status_code == 405
    assert "Access-Control-Allow-Origin" not in response


def test_pages_are_sent_gzipped_and_still_answer_304_but_exports_are_not(client, rows):
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    page = client.get("/partnerships/", headers=gzip)
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert (
        int(page["Content-Length"]) == len(page.content) < len(client.get("/partnerships/").content)
    )
    assert page["ETag"].startswith('W/"')
    again = client.get("/partnerships/", headers={**gzip, "If-None-Match": page["ETag"]})
    assert again.status_code == 304
    # The streamed exports go as they are made: no Content-Encoding, every row readable.
    export = client.get("/partnerships/?export=csv", headers=gzip)
    assert export.streaming and not export.has_header("Content-Encoding")
    assert rows.name in b"".join(export.streaming_content).decode()

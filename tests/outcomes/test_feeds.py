"""The Atom feeds of newly published outcomes: site-wide, per partnership, per country, per sector."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from outcomes.models import Outcome
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory, country

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "published": entry.findtext(f"{ATOM}published"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def titles(client, url):
    return [entry["title"] for entry in entries(client, url)]


@pytest.fixture
def robotics(db):
    return SectorFactory(name="Robotics", slug="robotics")


@pytest.fixture
def feed_urls(partnership, robotics):
    partnership.sectors.add(robotics)
    return [
        reverse("feeds:outcomes"),
        reverse("feeds:partnership", args=[partnership.slug]),
        reverse("feeds:country", args=["BR"]),
        reverse("feeds:sector", args=[robotics.slug]),
    ]


def test_an_outcome_enters_every_feed_it_belongs_to_when_an_editor_publishes_it(
    client, editor, partnership, feed_urls
):
    draft = OutcomeFactory(
        partnership=partnership,
        title="MoU with a São Paulo cluster",
        country=country("BR"),
        is_published=False,
    )
    for url in feed_urls:
        assert "Memorandum of Understanding: MoU with a São Paulo cluster" not in titles(
            client, url
        )

    client.force_login(editor)
    client.post(
        reverse("admin:outcomes_outcome_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    client.logout()

    for url in feed_urls:
        found = [e for e in entries(client, url) if e["title"].endswith("São Paulo cluster")]
        assert len(found) == 1, url
        assert found[0]["link"] == f"http://testserver{draft.get_absolute_url()}"
        assert found[0]["published"]


def test_each_feed_holds_only_its_own_outcomes(client, partnership, other_partnership, feed_urls):
    OutcomeFactory(partnership=partnership, title="Ours in Brazil", country=country("BR"))
    OutcomeFactory(partnership=other_partnership, title="Theirs in Brazil", country=country("BR"))
    OutcomeFactory(partnership=partnership, title="Ours in Japan", country=country("JP"))
    site, own, brazil, sector = feed_urls

    assert {t.split(": ", 1)[1] for t in titles(client, site)} == {
        "Ours in Brazil",
        "Theirs in Brazil",
        "Ours in Japan",
    }
    assert {t.split(": ", 1)[1] for t in titles(client, own)} == {"Ours in Brazil", "Ours in Japan"}
    assert {t.split(": ", 1)[1] for t in titles(client, brazil)} == {
        "Ours in Brazil",
        "Theirs in Brazil",
    }
    assert {t.split(": ", 1)[1] for t in titles(client, sector)} == {
        "Ours in Brazil",
        "Ours in Japan",
    }


def test_outcomes_of_a_draft_partnership_stay_out_of_the_feeds(client, db):
    hidden = PartnershipFactory(is_published=False)
    OutcomeFactory(partnership=hidden, title="Not yet public")
    assert titles(client, reverse("feeds:outcomes")) == []
    assert client.get(reverse("feeds:partnership", args=[hidden.slug])).status_code == 404


def test_the_newest_publication_comes_first(client, partnership):
    first = OutcomeFactory(partnership=partnership, title="Signed long ago")
    second = OutcomeFactory(partnership=partnership, title="Signed earlier still")
    Outcome.objects.filter(pk=first.pk).update(published_at=second.published_at.replace(year=2020))
    assert [t.split(": ", 1)[1] for t in titles(client, reverse("feeds:outcomes"))] == [
        "Signed earlier still",
        "Signed long ago",
    ]


def test_curators_text_comes_out_escaped_in_the_summary(client, partnership):
    OutcomeFactory(
        partnership=partnership,
        title="<b>Bold</b> title",
        description='<script>alert(1)</script><img src=x onerror="alert(2)">',
    )
    [entry] = entries(client, reverse("feeds:outcomes"))
    # Feed readers render the summary as HTML: once the XML is read, no tag may be left live.
    assert "<script>" not in entry["summary"]
    assert "<img" not in entry["summary"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry["summary"]
    # The Atom title is plain text: the reader shows the angle brackets as typed.
    assert entry["title"] == "Memorandum of Understanding: <b>Bold</b> title"


def test_country_feeds_accept_the_same_codes_and_aliases_as_the_country_pages(client, partnership):
    OutcomeFactory(
        partnership=partnership, title="MoU with a London cluster", country=country("GB")
    )
    for code in ("GB", "gb", "UK"):
        assert titles(client, reverse("feeds:country", args=[code])) == [
            "Memorandum of Understanding: MoU with a London cluster"
        ]


@pytest.mark.parametrize(
    "url",
    ["/feeds/partnerships/no-such-partnership/", "/feeds/countries/ZZ/", "/feeds/sectors/nothing/"],
)
def test_a_feed_of_something_unknown_is_not_found(client, db, url):
    assert client.get(url).status_code == 404


def test_pages_announce_their_feeds(client, partnership, robotics):
    partnership.sectors.add(robotics)
    pages = {
        reverse("home"): reverse("feeds:outcomes"),
        partnership.get_absolute_url(): reverse("feeds:partnership", args=[partnership.slug]),
        reverse("partnerships:country-detail", args=["BR"]): reverse("feeds:country", args=["BR"]),
        robotics.get_absolute_url(): reverse("feeds:sector", args=[robotics.slug]),
    }
    for page, feed in pages.items():
        html = client.get(page).text
        announced = re.findall(
            r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html
        )
        assert feed in announced, page


def test_the_feed_costs_the_same_queries_for_one_entry_as_for_many(
    client, partnership, django_assert_num_queries
):
    OutcomeFactory(partnership=partnership)
    with django_assert_num_queries(1) as one:
        client.get(reverse("feeds:outcomes"))
    OutcomeFactory.create_batch(5, partnership=partnership, country=country("CN"))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("feeds:outcomes"))


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["trace", "post", "put", "patch", "delete", "options"])
def test_a_feed_answers_only_get_and_head(client, robotics, method):
    """As the pages do: TRACE and the writing methods are refused with 405 and what is allowed."""
    partnership = PartnershipFactory(slug="robots", sectors=[robotics])
    OutcomeFactory(partnership=partnership, country_id="JP")
    urls = [
        reverse("feeds:outcomes"),
        reverse("feeds:partnership", args=["robots"]),
        reverse("feeds:country", args=["JP"]),
        reverse("feeds:sector", args=["robotics"]),
    ]
    for url in urls:
        assert client.head(url).status_code == 200, url
        response = client.generic(method.upper(), url)
        assert response.status_code == 405, (url, response.status_code)
        assert response["Allow"] == "GET, HEAD"

"""What machines read: sitemap.xml and robots.txt, the favicon and manifest, each page's card
(description, Open Graph) and the schema.org JSON-LD of partnership, country and outcome pages."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from outcomes.models import Outcome
from partnerships.models import Country, Partnership, Sector, TargetMarket
from tests.factories import OutcomeFactory, PartnershipFactory, SectorFactory
from tests.pages import public_pages

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_locations(client):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    locations = []
    for section in ET.fromstring(index.content).iter(f"{SITEMAP}loc"):
        response = client.get(section.text.removeprefix("http://testserver"))
        assert response.status_code == 200, section.text
        locations += [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    return [location.removeprefix("http://testserver") for location in locations]


@pytest.fixture
def with_drafts(seeded):
    """A draft partnership, in a sector only it has, targeting a country nobody else names."""
    draft = PartnershipFactory(
        slug="draft-alliance", is_published=False, sectors=[SectorFactory(slug="draft-sector")]
    )
    TargetMarket.objects.create(partnership=draft, country_id="MN")
    OutcomeFactory(partnership=draft, country_id="MN", title="A draft's MoU")
    return draft


def test_the_sitemap_lists_every_published_page_and_no_draft(client, with_drafts):
    listed = sitemap_locations(client)
    assert len(listed) == len(set(listed))
    expected = {
        record.get_absolute_url()
        for queryset in (
            Partnership.objects.published(),
            Sector.objects.published(),
            Country.objects.published(),
            Outcome.objects.published(),
        )
        for record in queryset
    }
    assert expected <= set(listed)
    assert {"/", "/partnerships/", "/outcomes/", "/sectors/", "/countries/", "/statistics/"} <= set(
        listed
    )
    assert not [url for url in listed if "draft" in url or url == "/countries/MN/"]
    assert Outcome.objects.filter(partnership=with_drafts).get().get_absolute_url() not in listed
    # Every address listed answers.
    for url in listed[:: max(1, len(listed) // 40)]:
        assert client.get(url).status_code == 200, url


def test_robots_txt_allows_the_site_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
    assert "admin" not in response.text


def test_the_favicon_and_the_manifest(client, db):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "EU Cluster Internationalisation Portal"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for entry in data["icons"]:
        assert client.get(entry["src"]).status_code == 200, entry["src"]


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta, self.links, self.json_ld, self._in_json_ld = {}, {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
            self._in_json_ld = False


def head(client, url):
    parser = Head()
    parser.feed(client.get(url).text)
    return parser


def test_every_page_has_a_card_of_its_own(client, seeded):
    descriptions = {}
    for name, url in public_pages().items():
        found = head(client, url)
        meta = found.meta
        for key in ("description", "og:title", "og:description", "og:url", "og:image", "og:type"):
            assert meta.get(key), (name, key)
        assert meta["og:description"] == meta["description"]
        assert meta["og:url"] == found.links["canonical"]
        assert found.links["manifest"] == "/manifest.webmanifest"
        assert found.links["icon"] == "/favicon.ico"
        descriptions[name] = meta["description"]
    specific = ["partnership", "outcome", "sector", "country", "partnerships", "countries"]
    assert len({descriptions[name] for name in specific}) == len(specific)
    assert "Tunisia" in descriptions["country"]
    assert "Healthcare" in descriptions["sector"]


def test_partnership_country_and_outcome_pages_describe_themselves_in_schema_org(client, seeded):
    pages = public_pages()
    [partnership] = head(client, pages["partnership"]).json_ld
    assert partnership["@context"] == "https://schema.org"
    assert partnership["@type"] == "Organization"
    escp = Partnership.objects.get(slug="escp-energy-in-water")
    assert partnership["name"] == escp.name
    assert partnership["url"] == "http://testserver/partnerships/escp-energy-in-water/"
    assert set(partnership["knowsAbout"]) == {s.name for s in escp.sectors.all()}
    assert partnership["areaServed"]

    [country] = head(client, pages["country"]).json_ld
    assert (country["@type"], country["identifier"], country["name"]) == (
        "Country",
        "TN",
        "Tunisia",
    )

    [outcome] = head(client, pages["outcome"]).json_ld
    record = Outcome.objects.get(source_locator="bioxclusters/office-cn-1")
    assert outcome["@type"] == "Action"
    assert outcome["name"] == record.title
    assert outcome["agent"]["url"] == "http://testserver" + record.partnership.get_absolute_url()
    assert outcome["location"]["address"]["addressCountry"] == "CN"


def test_json_ld_cannot_end_its_script_early(client, db):
    PartnershipFactory(slug="tricky", name="</script><script>alert(1)</script> & <!--")
    text = client.get("/partnerships/tricky/").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert "<" not in block.group(1)
    assert json.loads(block.group(1))["name"] == "</script><script>alert(1)</script> & <!--"

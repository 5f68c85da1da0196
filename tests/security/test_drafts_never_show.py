"""Drafts never show on the public site, not even indirectly (issue 14, point 3).

The portal is crawled twice as a visitor: over the seed data, then again after drafts carrying a
unique marker were added across every curated kind. Both crawls start from every public URL
pattern (read from the URLconf, so a new page type cannot be forgotten: a pattern with no sample
fails the test) and follow every link, facet option, export, API link and feed link they find
(each facet option through the API, and every second one's page as well).

The second crawl must find the same URLs and get the same answers, byte for byte (an XLSX cell
for cell): so no list, facet option, count, figure, map or export moved because of a draft. And no
answer names the marker or the country that only drafts use, except where the URL itself names
them (a probe such as ``?q=quokkaflux``, whose answer must equal the one before the drafts).
"""

import html
import io
import json
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from outcomes.filters import OutcomeFilter
from outcomes.models import Organisation, Outcome
from partnerships.filters import ClusterFilter, PartnershipFilter
from partnerships.models import (
    Cluster,
    MemberCountry,
    Membership,
    Partnership,
    Region,
    Sector,
    TargetMarket,
)
from portal.sitemaps import SITEMAPS

pytestmark = pytest.mark.django_db

MARKER = "quokkaflux"  # in every draft's name, city and counterpart; nowhere in the seed
DRAFT_COUNTRY, DRAFT_COUNTRY_NAME = "MN", "Mongolia"  # no published record uses it
CODE = re.compile(rf"(?<![A-Za-z0-9]){DRAFT_COUNTRY}(?![A-Za-z0-9])")

# Drafts whose URLs are known before they exist, so that both crawls ask for them.
DRAFT_PARTNERSHIP, DRAFT_PROJECT = f"{MARKER}-alliance", f"{MARKER}-project"
DRAFT_CLUSTER, LONE_DRAFT_CLUSTER = f"{MARKER}-cluster", f"{MARKER}-lone-cluster"
DRAFT_SECTOR, DRAFT_REGION = f"{MARKER}-sector", f"{MARKER}-steppe"
# A published cluster and a published partnership whose pages would name a draft they are tied to.
PUBLISHED_CLUSTER, PUBLISHED_PARTNERSHIP = "aerospace-valley", "elca"

# The language switcher (a redirect that sets a cookie) and the pages in the other languages, which
# show the same records as the English ones (tests/portal/test_languages.py): crawled in English.
SKIPPED_PREFIXES = (
    "/admin/",
    "/static/",
    "/language/",
    *(f"/{code}/" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE),
)
# The API's lists that take the filters of a page: each facet option is tried on both.
API_OF_LIST = {"/partnerships/": "/api/partnerships/", "/outcomes/": "/api/outcomes/"}
API_OF_LIST["/clusters/"] = "/api/clusters/"


def published_records():
    """The seed, with what it lacks: a named cluster and an MoU with a counterpart."""
    call_command("load_seed", verbosity=0)
    elca = Partnership.objects.get(slug=PUBLISHED_PARTNERSHIP)
    cluster = Cluster.objects.create(
        name="Aerospace Valley",
        slug=PUBLISHED_CLUSTER,
        country_id="FR",
        city="Toulouse",
        is_published=True,
        published_at=timezone.now(),
    )
    Membership.objects.create(partnership=elca, cluster=cluster, role="coordinator")
    Outcome.objects.create(
        partnership=elca,
        type=Outcome.Type.MOU,
        title="MoU with a Chinese lighting cluster",
        country_id="CN",
        city="Shanghai",
        counterpart=Organisation.objects.create(name="Shanghai Lighting Cluster", country_id="CN"),
        is_published=True,
        published_at=timezone.now(),
    )


def add_drafts():
    """Drafts of every curated kind, each tied to published records whose figures it would move."""
    elca = Partnership.objects.get(slug=PUBLISHED_PARTNERSHIP)
    healthcare = Sector.objects.get(slug="healthcare")
    sector = Sector.objects.create(name=f"{MARKER.title()} Sector", slug=DRAFT_SECTOR)
    region = Region.objects.create(name=f"{MARKER.title()} Steppe", slug=DRAFT_REGION)
    region.countries.set([DRAFT_COUNTRY, "KZ"])
    north_africa = Region.objects.get(slug="north-africa")

    # A draft partnership in a published sector, with member countries and targets (a country only
    # it uses, published ones, a region only it targets, a published region), and a published
    # outcome: an outcome shows only when its partnership is published too.
    draft = Partnership.objects.create(
        name=f"{MARKER.title()} Alliance",
        acronym=MARKER.upper(),
        slug=DRAFT_PARTNERSHIP,
        kind=Partnership.Kind.ESCP,
        description=f"The {MARKER} draft.",
        partner_count=5,
        country_count=3,
        related_partnership=elca,
        is_published=False,
    )
    draft.sectors.set([sector, healthcare])
    for position, (code, cross_border) in enumerate(
        [(DRAFT_COUNTRY, None), ("FR", None), ("SE", "NO")]
    ):
        MemberCountry.objects.create(
            partnership=draft,
            position=position,
            country_id=code,
            cross_border_country_id=cross_border,
        )
    for position, target in enumerate(
        [
            {"country_id": DRAFT_COUNTRY},
            {"country_id": "JP"},
            {"region": region},
            {"region": north_africa},
            {"country_id": "IN", "tentative": True},
        ]
    ):
        TargetMarket.objects.create(partnership=draft, position=position, **target)
    counterpart = Organisation.objects.create(
        name=f"{MARKER.title()} Chamber of Commerce", country_id=DRAFT_COUNTRY
    )
    Outcome.objects.create(
        partnership=draft,
        type=Outcome.Type.MOU,
        title=f"MoU signed in {MARKER.title()} City",
        country_id=DRAFT_COUNTRY,
        city=f"{MARKER.title()} City",
        counterpart=counterpart,
        level=Outcome.Level.B2B,
        date=timezone.now().date().replace(year=2013),
        is_published=True,
        published_at=timezone.now(),
    )
    # A draft project run by a published partnership.
    project = Partnership.objects.create(
        name=f"{MARKER.title()} Project",
        slug=DRAFT_PROJECT,
        kind=Partnership.Kind.PROJECT,
        related_partnership=elca,
        is_published=False,
    )
    project.sectors.set([healthcare])

    # Draft outcomes of a published partnership, in published countries and in the draft-only one.
    for outcome_type, code, extra in [
        (Outcome.Type.MOU, DRAFT_COUNTRY, {"counterpart": counterpart, "level": "c2c"}),
        (
            Outcome.Type.MOU,
            "CN",
            {
                "counterpart": Organisation.objects.create(
                    name=f"{MARKER.title()} Lighting Works", country_id="CN"
                ),
                "level": "a2a",
            },
        ),
        (Outcome.Type.OFFICE, "CN", {"subtype": "joint_office"}),
        (Outcome.Type.MISSION, "US", {"direction": "outgoing", "year": 1999}),
    ]:
        Outcome.objects.create(
            partnership=elca,
            type=outcome_type,
            title=f"{MARKER.title()} {outcome_type} draft",
            description=f"Drafted by the {MARKER} team.",
            country_id=code,
            city=f"{MARKER.title()} Town",
            is_published=False,
            **extra,
        )
    # A published MoU co-signed by the draft partnership.
    Outcome.objects.filter(partnership=elca, is_published=True).first().co_signatories.add(draft)

    # A draft cluster named as a member of a published partnership, a published cluster named as a
    # member of the draft partnership, and a draft cluster of no partnership.
    draft_cluster = Cluster.objects.create(
        name=f"{MARKER.title()} Cluster",
        acronym=MARKER.upper()[:8],
        slug=DRAFT_CLUSTER,
        city=f"{MARKER.title()} Town",
        country_id=DRAFT_COUNTRY,
        label=Cluster.Label.GOLD,
        is_published=False,
    )
    Membership.objects.create(partnership=elca, cluster=draft_cluster, role="partner")
    Membership.objects.create(
        partnership=draft, cluster=Cluster.objects.get(slug=PUBLISHED_CLUSTER), role="coordinator"
    )
    Membership.objects.create(partnership=draft, cluster=draft_cluster, role="partner")
    Cluster.objects.create(
        name=f"{MARKER.title()} Lone Cluster",
        slug=LONE_DRAFT_CLUSTER,
        city=f"{MARKER.title()} Village",
        country_id="DE",
        cross_border_country_id=DRAFT_COUNTRY,
        label=Cluster.Label.SILVER,
        is_published=False,
    )


# Crawling


def public_url_patterns():
    """(name, parameter names) of every public URL pattern, from the URLconf."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) or None
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (
                    (f"{namespace}:{pattern.name}" if namespace else pattern.name),
                    tuple(pattern.pattern.converters),
                )

    return {
        name: parameters
        for name, parameters in walk(get_resolver().url_patterns)
        if not name.startswith("admin")
    }


def start_urls():
    """Every public URL pattern, each parameterised one with every record of the seed (and the
    drafts' own slugs and the draft-only country, known before the drafts exist)."""
    partnerships = [*Partnership.objects.values_list("slug", flat=True), DRAFT_PARTNERSHIP]
    partnerships.append(DRAFT_PROJECT)
    clusters = [*Cluster.objects.values_list("slug", flat=True), DRAFT_CLUSTER, LONE_DRAFT_CLUSTER]
    sectors = [*Sector.objects.values_list("slug", flat=True), DRAFT_SECTOR]
    regions = [*Region.objects.values_list("slug", flat=True), DRAFT_REGION]
    outcomes = list(Outcome.objects.values_list("pk", flat=True))
    # The countries the seed uses anywhere, the draft-only one, and one nobody uses.
    countries = sorted(
        {
            *MemberCountry.objects.values_list("country", flat=True),
            *TargetMarket.objects.exclude(country=None).values_list("country", flat=True),
            *Region.countries.through.objects.values_list("country", flat=True),
            *Outcome.objects.exclude(country=None).values_list("country", flat=True),
            *Cluster.objects.values_list("country", flat=True),
            DRAFT_COUNTRY,
            "AQ",
        }
    )
    samples = {
        "partnerships:partnership-detail": [{"slug": s} for s in partnerships],
        "feeds:partnership": [{"slug": s} for s in partnerships],
        "api:partnership": [{"slug": s} for s in partnerships],
        "partnerships:cluster-detail": [{"slug": s} for s in clusters],
        "api:cluster": [{"slug": s} for s in clusters],
        "partnerships:sector-detail": [{"slug": s} for s in sectors],
        "feeds:sector": [{"slug": s} for s in sectors],
        "api:sector": [{"slug": s} for s in sectors],
        "api:region": [{"slug": s} for s in regions],
        "partnerships:country-detail": [{"code": c} for c in countries],
        "feeds:country": [{"code": c} for c in countries],
        "api:country": [{"code": c} for c in countries],
        "outcomes:outcome-detail": [{"pk": pk} for pk in outcomes],
        "api:outcome": [{"outcome_id": pk} for pk in outcomes],
        "sitemap-section": [{"section": section} for section in SITEMAPS],
        # A redirect that sets the language cookie, kept from crawlers by robots.txt; the other
        # languages' pages show what the English ones do (tests/portal/test_languages.py).
        "switch-language": [],
    }
    urls = []
    for name, parameters in public_url_patterns().items():
        if not parameters:
            urls.append(reverse(name))
            continue
        assert name in samples, f"{name} takes {parameters}: give it samples in start_urls()"
        urls.extend(reverse(name, kwargs=kwargs) for kwargs in samples[name])
    # Probes: searches for the drafts' words, filters for their values, on every list and the API.
    # Each list takes its own filters' parameters (others are redirected away).
    lists = {
        "/partnerships/": PartnershipFilter.base_filters,
        "/reports/escp-overview/": PartnershipFilter.base_filters,
        "/outcomes/": OutcomeFilter.base_filters,
        "/clusters/": ClusterFilter.base_filters,
        "/statistics/": PartnershipFilter.base_filters | OutcomeFilter.base_filters,
    }
    probes = [
        ("q", MARKER),
        ("q", MARKER[2:7]),
        ("q", f"{MARKER} town"),
        ("q", "chamber of commerce"),
        ("sector", DRAFT_SECTOR),
        ("target_region", DRAFT_REGION),
        ("target_country", DRAFT_COUNTRY),
        ("member_country", DRAFT_COUNTRY),
        ("country", DRAFT_COUNTRY),
        ("partnership", DRAFT_PARTNERSHIP),
        ("year", "1999"),
    ]
    for path, parameters in lists.items():
        for name, value in probes:
            if name in parameters:
                query = urlencode({name: value})
                urls.append(f"{path}?{query}")
                if path in API_OF_LIST:
                    urls.append(f"{API_OF_LIST[path]}?{query}")
    return urls


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def comparable(response, content: bytes):
    """What must not change: the status and the content; an XLSX as its cells (the file carries
    the moment it was written)."""
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        # The "About this table" sheet says when the file was made: every other cell must hold.
        cells = [
            [list(row) for row in sheet.iter_rows(values_only=True) if row[:1] != ("Exported",)]
            for sheet in workbook.worksheets
        ]
        return response.status_code, repr(cells)
    # A feed without entries too: it is dated by the data's last change, not when it is asked for.
    text = content.decode("utf-8", errors="replace")
    # A form's per-visitor values: its CSRF token, and the report form's signed opening time.
    return response.status_code, PER_VISITOR.sub(r'name="\1" value="…"', text)


PER_VISITOR = re.compile(r'name="(csrfmiddlewaretoken|opened)" value="[^"]*"')
HREF = re.compile(r'href="([^"]*)"')
CHECKBOX = re.compile(r'<input type="checkbox"[^>]*? name="([^"]+)" value="([^"]*)"')


def links(url: str, text: str, content_type: str):
    """Every same-site link of an answer: hrefs, the JSON API's URLs, and for an unfiltered list
    page each of its facet options (a checkbox, not a link) on the page and in the API."""
    found = []
    if content_type.startswith("application/json"):

        def strings(value):
            if isinstance(value, dict):
                for item in value.values():
                    yield from strings(item)
            elif isinstance(value, list):
                for item in value:
                    yield from strings(item)
            elif isinstance(value, str):
                yield value

        found = [s for s in strings(json.loads(text)) if s.startswith("http://testserver/")]
    elif "html" in content_type or "xml" in content_type:
        found = [html.unescape(href) for href in HREF.findall(text)]
        path = urlsplit(url).path
        if not urlsplit(url).query and path in API_OF_LIST:
            # Every option's rows and count through the API; the page, whose rows are the API's
            # (tests/api/test_same_rows_as_pages.py) and whose facet counts come from the code the
            # other pages use, for every second option of each facet: a filtered page costs five
            # API answers, and CI has fifteen minutes for the whole suite.
            seen_of_facet = Counter()
            for name, value in CHECKBOX.findall(text):
                query = urlencode({name: html.unescape(value)})
                found.append(f"{API_OF_LIST[path]}?{query}")
                if seen_of_facet[name] % 2 == 0:
                    found.append(f"{path}?{query}")
                seen_of_facet[name] += 1
    for link in found:
        parts = urlsplit(urljoin(f"http://testserver{url}", link))
        if parts.netloc != "testserver" or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        # A PDF is compressed (any two letters may appear in its bytes) and seconds to make: its
        # rows are the export's, which the crawl reads as CSV, XLSX and JSON (tests/test_reports.py).
        if ("export", "pdf") in parse_qsl(parts.query):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, urls) -> dict[str, tuple[int, str]]:
    """Every answer reachable from ``urls``, by URL."""
    cache.clear()
    answers, queue = {}, deque(dict.fromkeys(urls))
    seen = set(queue)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        content = body_of(response)
        answers[url] = comparable(response, content)
        # Links are followed from unfiltered pages (and their next pages): a filtered page's links
        # lead to combinations of filters, whose counts its own facet counts already show.
        if response.status_code != 200 or {key for key, _ in parse_qsl(urlsplit(url).query)} - {
            "page"
        }:
            continue
        # Binary answers (the favicon) hold no links; decoding them must not fail.
        for link in links(url, content.decode(errors="replace"), response.get("Content-Type", "")):
            # The statistics' maps narrow the page to each country (180 KB each): the same filters
            # are tried on the lists, and on the statistics by the probes.
            if link not in seen and not link.startswith("/statistics/?"):
                seen.add(link)
                queue.append(link)
    return answers


def names_a_draft(url: str) -> bool:
    """A probe whose URL itself names a draft's word or the draft-only country."""
    query = " ".join(value for _, value in parse_qsl(urlsplit(url).query))
    return (
        MARKER[2:7] in url.lower()
        or bool(CODE.search(urlsplit(url).path + " " + query))
        or "chamber" in url
    )


REPORT_FORM = "/outcomes/report/"


def leaks(answers) -> list[str]:
    found = []
    for url, (_, text) in answers.items():
        if names_a_draft(url):
            continue
        if MARKER in text.lower():
            found.append(f"{url} names the marker “{MARKER}”")
        # "Report a result" offers every country of the ISO list, as every country's page exists.
        if url.startswith(REPORT_FORM):
            continue
        if DRAFT_COUNTRY_NAME in text or CODE.search(text):
            found.append(f"{url} names the draft-only country {DRAFT_COUNTRY}")
    return found


def differences(before, after) -> list[str]:
    found = [f"{url} is new: a draft added a link to it" for url in after.keys() - before.keys()]
    found += [f"{url} is no longer linked" for url in before.keys() - after.keys()]
    for url in before.keys() & after.keys():
        if before[url] != after[url]:
            (status_before, text_before), (status_after, text_after) = before[url], after[url]
            if status_before != status_after:
                found.append(f"{url} answered {status_before}, now {status_after}")
                continue
            start = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(text_before, text_after, strict=False))
                    if a != b
                ),
                min(len(text_before), len(text_after)),
            )
            found.append(
                f"{url} changed at {start}: {text_before[max(0, start - 60) : start + 60]!r} -> "
                f"{text_after[max(0, start - 60) : start + 60]!r}"
            )
    return sorted(found)


@pytest.mark.long
def test_drafts_change_no_public_answer(client):
    published_records()
    urls = start_urls()
    before = crawl(client, urls)
    assert len(before) > 500, "the crawl should reach every page, facet, export and API record"
    assert not leaks(before), "the marker or the country must be unused before the drafts"
    assert before[f"/clusters/{PUBLISHED_CLUSTER}/"][0] == 200
    # Every link leads to a page, and a probe or a draft's own URL answers 400 or 404 (no redirect
    # would hide a page from the comparison).
    assert {
        url: status for url, (status, _) in before.items() if status not in (200, 400, 404)
    } == {}

    add_drafts()
    after = crawl(client, urls)

    problems = leaks(after) + differences(before, after)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_a_drafts_own_pages_are_not_found(client):
    published_records()
    add_drafts()
    draft_outcomes = Outcome.objects.exclude(pk__in=Outcome.objects.published())
    assert draft_outcomes.count() == 5
    urls = [
        f"/partnerships/{DRAFT_PARTNERSHIP}/",
        f"/feeds/partnerships/{DRAFT_PARTNERSHIP}/",
        f"/api/partnerships/{DRAFT_PARTNERSHIP}/",
        f"/clusters/{DRAFT_CLUSTER}/",
        f"/api/clusters/{DRAFT_CLUSTER}/",
        f"/sectors/{DRAFT_SECTOR}/",
        f"/feeds/sectors/{DRAFT_SECTOR}/",
        f"/api/sectors/{DRAFT_SECTOR}/",
        f"/api/regions/{DRAFT_REGION}/",
        *(outcome.get_absolute_url() for outcome in draft_outcomes),
        *(f"/api/outcomes/{outcome.pk}/" for outcome in draft_outcomes),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_a_draft_members_name_cannot_be_found_by_searching(client):
    """Probing substrings of an unpublished member cluster's name finds nothing."""
    published_records()
    add_drafts()
    for text in (MARKER, MARKER[3:8], MARKER.upper()[:8]):
        response = client.get("/api/partnerships/", {"q": text})
        assert response.json()["count"] == 0, text
        assert not client.get("/partnerships/", {"q": text}).context["object_list"]
    # The published cluster still finds the published partnership it is named in.
    assert [
        row["slug"]
        for row in client.get("/api/partnerships/", {"q": "aerospace valley"}).json()["results"]
    ] == [PUBLISHED_PARTNERSHIP]


def test_countries_only_drafts_use_are_not_listed(client):
    published_records()
    add_drafts()
    listed, page = set(), "/api/countries/?page_size=100"
    while page:
        answer = client.get(page).json()
        listed |= {row["code"] for row in answer["results"]}
        page = answer["next"]
    assert DRAFT_COUNTRY not in listed
    assert "KZ" not in listed  # only in the region only the draft targets
    assert "CN" in listed and "TN" in listed  # a target, and a country of a targeted region
    assert DRAFT_COUNTRY_NAME not in client.get("/countries/").text

"""Random and malicious values in every query parameter and path segment of every public URL.

Whatever the URL holds, the portal answers below 500, never reflects a payload unescaped in HTML, and
gives its plain-text messages (bad exports) as text/plain.
"""

import re

import pytest
from django.http import QueryDict
from hypothesis import example, given
from hypothesis import strategies as st

from outcomes.models import Outcome
from tests.security.payloads import (
    FIXED,
    RAW_JUNK,
    XSS_PAYLOADS,
    assert_nothing_reflected,
    encoded,
    query_strings,
)

pytestmark = pytest.mark.django_db

PARTNERSHIP_FILTERS = [
    "q",
    "kind",
    "sector",
    "target_country",
    "target_region",
    "member_country",
    "outcome_type",
]
OUTCOME_FILTERS = ["q", "type", "level", "country", "partnership", "sector", "year"]
CLUSTER_FILTERS = ["q", "country", "label"]
PAGE_STATE = ["sort", "page", "export", "bom"]

LIST_PAGES = {
    "/partnerships/": PARTNERSHIP_FILTERS + PAGE_STATE,
    "/reports/escp-overview/": PARTNERSHIP_FILTERS + PAGE_STATE,
    "/outcomes/": OUTCOME_FILTERS + PAGE_STATE,
    "/clusters/": CLUSTER_FILTERS + PAGE_STATE,
    "/statistics/": sorted({*PARTNERSHIP_FILTERS, *OUTCOME_FILTERS, *PAGE_STATE, "chart"}),
}
ALL_NAMES = sorted({name for names in LIST_PAGES.values() for name in names})
# Pages without filters: any parameter must be ignored, whatever it holds.
OTHER_PAGES = [
    "/",
    "/partnerships/escp-energy-in-water/",
    "/sectors/",
    "/sectors/healthcare/",
    "/countries/",
    "/countries/TN/",
    "/about/exports/",
    "/outcomes/{outcome}/",
    "/outcomes/report/",  # reads ?partnership=<slug> to fill in the form, and nothing else
]
CHARTS = [
    "sectors",
    "outcome-types",
    "outcome-years",
    "mou-levels",
    "target-countries",
    "outcome-countries",
    "member-countries",
]


@pytest.fixture
def pages(seeded):
    outcome = Outcome.objects.published().order_by("pk").first()
    return {"outcome": outcome.pk}


@pytest.mark.parametrize("path", LIST_PAGES)
@given(query=query_strings(ALL_NAMES))
@example(query="q=" + encoded(XSS_PAYLOADS[0]))
@example(query="sector=" + encoded(XSS_PAYLOADS[1]) + "&page=" + encoded(XSS_PAYLOADS[2]))
@example(query="target_country=%00&country=%00&member_country=%00")
@example(query="page=99999999999999999999&sort=" + encoded("'; DROP TABLE x; --"))
@example(query="year=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%93")  # full-width digits
@example(query="q=" + "A" * 10_000)
@example(query="&".join(f"sector={i}" for i in range(500)))
def test_list_pages_survive_any_query(client, seeded, path, query):
    response = client.get(f"{path}?{query}")
    assert_nothing_reflected(response)


@pytest.mark.parametrize("path", OTHER_PAGES)
@given(query=query_strings(ALL_NAMES))
@example(query="q=" + encoded(XSS_PAYLOADS[1]) + "&page=-1")
@example(query="q=nul%00in%00it")
def test_other_pages_ignore_any_query(client, pages, path, query):
    response = client.get(f"{path.format(**pages)}?{query}")
    # export= is the one parameter these pages know (export=pdf); any other value of it is a 400.
    asked_export = "export" in QueryDict(query) and QueryDict(query).get("export") != "pdf"
    assert response.status_code in ((200, 301, 400) if asked_export else (200, 301))
    assert_nothing_reflected(response)


FILTER_VALUES = {
    "/partnerships/": PARTNERSHIP_FILTERS,
    "/reports/escp-overview/": PARTNERSHIP_FILTERS,
    "/outcomes/": OUTCOME_FILTERS,
    "/clusters/": CLUSTER_FILTERS,
}


@pytest.mark.parametrize("path", FILTER_VALUES)
@given(
    fmt=st.sampled_from(["csv", "xlsx", "json"]),
    query=st.data(),
)
def test_every_export_survives_any_filters(client, seeded, path, fmt, query):
    filters = query.draw(query_strings(FILTER_VALUES[path] + ["sort", "bom"]))
    # A made-up parameter is first dropped by a redirect (portal/page_cache.py).
    response = client.get(f"{path}?{filters}&export={fmt}", follow=True)
    body = assert_nothing_reflected(response)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert response.status_code == 400
        assert body  # a message that says what was wrong


@given(chart=st.sampled_from([*CHARTS, *FIXED[:20]]), query=query_strings(ALL_NAMES))
@example(chart=XSS_PAYLOADS[0], query="export=" + encoded(XSS_PAYLOADS[1]))
def test_statistics_exports_survive_any_chart_and_filters(client, seeded, chart, query):
    for fmt in ("csv", "json", encoded(XSS_PAYLOADS[0])):
        response = client.get(f"/statistics/?{query}&chart={encoded(chart)}&export={fmt}")
        assert_nothing_reflected(response)


@pytest.mark.parametrize(
    "pattern",
    [
        "/partnerships/{}/",
        "/clusters/{}/",
        "/sectors/{}/",
        "/countries/{}/",
        "/outcomes/{}/",
        "/reports/{}/",
    ],
)
@given(segment=st.one_of(st.sampled_from(FIXED).map(encoded), st.sampled_from(RAW_JUNK)))
@example(segment="%00")  # Was a 500 on PostgreSQL: /countries/%00/ reached the database.
@example(segment="nul%00in%00it")
@example(segment="99999999999999999999999")
@example(segment="..%2F..%2Fetc%2Fpasswd")
def test_detail_pages_survive_any_path_segment(client, seeded, pattern, segment):
    response = client.get(pattern.format(segment))
    assert response.status_code in (200, 301, 404), response.status_code
    assert_nothing_reflected(response)


def api_detail_paths():
    """Every /api/ route with a path parameter, read from the API's own schema."""
    from portal.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    return sorted(path for path in schema["paths"] if "{" in path)


@pytest.mark.parametrize("pattern", api_detail_paths())
@given(segment=st.one_of(st.sampled_from(FIXED).map(encoded), st.sampled_from(RAW_JUNK)))
@example(segment="%00")  # Was a 500 on PostgreSQL for partnerships, clusters, sectors and regions.
@example(segment="nul%00in%00it")
@example(segment="99999999999999999999999")
@example(segment="-1")
@example(segment="..%2F..%2Fetc%2Fpasswd")
def test_every_api_path_parameter_survives_any_value(client, seeded, pattern, segment):
    response = client.get(re.sub(r"\{[^}]+\}", segment, pattern))
    assert response.status_code in (200, 301, 400, 404), response.status_code

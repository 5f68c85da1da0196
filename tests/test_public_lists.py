"""Each public list is declared once (core/public_lists.py): its page, API endpoints, export
columns, import columns and its part of /about/exports/ all come from that declaration."""

import csv
import io

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, resolve, reverse
from ninja import NinjaAPI

from core import public_lists
from core.api_lists import list_router
from core.list_views import FilteredListView
from partnerships.exports import ClusterExport
from partnerships.filters import ClusterFilter
from partnerships.models import Cluster
from partnerships.schemas import ClusterOut
from portal import urls as portal_urls
from portal.api import api
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db

# A list no app has: the gold-label clusters, declared here and nowhere else.
GOLD_CLUSTERS = public_lists.PublicList(
    name="gold-clusters",
    title="Gold clusters",
    rows=lambda: Cluster.objects.published().filter(label=Cluster.Label.GOLD),
    page_url_name="gold-cluster-list",
    filterset_class=ClusterFilter,
    export_class=ClusterExport,
    schema=ClusterOut,
    summary="Published clusters with the gold label",
    item_name="gold-cluster",
    item_summary="One published gold cluster",
    not_found="There is no published gold cluster “%(slug)s”.",
)


class GoldClusterListView(FilteredListView):
    public_list = GOLD_CLUSTERS
    template_name = "partnerships/cluster_list.html"


made_up_api = NinjaAPI(urls_namespace="made-up-api")
made_up_api.add_router("", list_router([GOLD_CLUSTERS]))

# This module is the URLconf of the test below: the portal's, plus the made-up list's page and API.
urlpatterns = [
    path("gold-clusters/", GoldClusterListView.as_view(), name="gold-cluster-list"),
    path("made-up-api/", made_up_api.urls),
    *portal_urls.urlpatterns,
]


@pytest.fixture
def gold_clusters_registered():
    public_lists.register(GOLD_CLUSTERS)
    yield
    public_lists.unregister(GOLD_CLUSTERS)


@pytest.mark.urls(__name__)
def test_one_declaration_gives_a_list_its_page_api_export_and_help(
    client, gold_clusters_registered
):
    ClusterFactory(name="Shining", slug="shining", label="gold")
    ClusterFactory(name="Dull", slug="dull", label="bronze")

    page = client.get("/gold-clusters/")
    assert page.status_code == 200
    assert "<h1>Gold clusters</h1>" in page.content.decode()
    assert [cluster.slug for cluster in page.context["object_list"]] == ["shining"]

    exported = client.get("/gold-clusters/", {"export": "csv", "bom": "0"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0] == [column.name for column in ClusterExport.columns]
    assert [row[0] for row in rows[1:]] == ["Shining"]

    listed = client.get("/made-up-api/gold-clusters/", {"country": "fr"}).json()
    assert [row["slug"] for row in listed["results"]] == ["shining"]
    assert listed["results"][0]["api_url"] == "http://testserver/made-up-api/gold-clusters/shining/"
    assert client.get(listed["results"][0]["api_url"]).json() == listed["results"][0]
    assert client.get("/made-up-api/gold-clusters/dull/").json() == {
        "detail": "There is no published gold cluster “dull”."
    }
    schema = made_up_api.get_openapi_schema(path_prefix="/made-up-api/")
    operation = schema["paths"]["/made-up-api/gold-clusters/"]["get"]
    assert operation["summary"] == "Published clusters with the gold label"
    assert {"country", "label", "sort"} <= {
        parameter["name"] for parameter in operation["parameters"]
    }

    help_page = client.get("/about/exports/").content.decode()
    assert (
        'Gold clusters <small class="text-body-secondary"><a href="/gold-clusters/">' in help_page
    )


def test_every_registered_list_is_served_from_its_declaration(client):
    registered = public_lists.registered()
    assert [listed.name for listed in registered] == [
        "partnerships",
        "clusters",
        "sectors",
        "countries",
        "regions",
        "escp-overview",
        "outcomes",
        "outcomes-report",
    ]
    paths = api.get_openapi_schema(path_prefix=reverse("api:index"))["paths"]
    help_page = client.get("/about/exports/").content.decode()
    for listed in registered:
        if listed.page_url_name:
            view = resolve(reverse(listed.page_url_name)).func.view_class
            assert view.public_list is listed, listed.name
        if listed.schema:
            assert reverse(f"api:{listed.name}") in paths, listed.name
            assert f"<code>{reverse(f'api:{listed.name}')}</code>" in help_page
        if listed.export_class:
            assert f'{listed.title} <small class="text-body-secondary">' in help_page


def test_every_import_reads_columns_of_its_lists_export():
    resources = [
        resource_class
        for model_admin in admin.site._registry.values()
        for resource_class in getattr(model_admin, "resource_classes", [])
    ]
    assert {resource.__name__ for resource in resources} >= {
        "PartnershipResource",
        "ClusterResource",
        "OutcomeResource",
    }
    for resource_class in resources:
        resource = resource_class()
        exported = [column.name for column in resource.public_list.export_class.columns]
        imported = [field.column_name for field in resource.get_import_fields()]
        assert set(imported) <= set(exported), resource_class.__name__
        assert sorted([*imported, *resource.ignored_columns]) == sorted(exported)


def test_the_page_and_the_api_of_a_list_share_its_cached_total(client):
    ClusterFactory(country_id="SE")
    # Counted once, by the page: the API reads the total kept under the list's name and filters.
    assert client.get("/clusters/", {"country": "se"}).context["paginator"].count == 1
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/clusters/", {"country": "SE", "page_size": 1}).json()
    assert listed["count"] == 1
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"]]

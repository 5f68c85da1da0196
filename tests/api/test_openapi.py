"""The OpenAPI schema: documents the filters, matches the exports, and the API keeps to it (schemathesis)."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from outcomes.exports import OutcomeExport
from outcomes.filters import OutcomeFilter
from outcomes.schemas import OutcomeOut
from partnerships.exports import ClusterExport, PartnershipExport
from partnerships.filters import ClusterFilter, PartnershipFilter
from partnerships.models import MemberCountry, Region, TargetMarket
from partnerships.schemas import ClusterOut, PartnershipOut
from tests.factories import ClusterFactory, OutcomeFactory, PartnershipFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_rows():
    """A few published rows of every kind (the seed would take seconds for each operation)."""
    region = Region.objects.create(name="North Africa", slug="north-africa")
    region.countries.set(["TN", "MA"])
    partnership = PartnershipFactory(slug="grain", sectors=[SectorFactory(slug="food")])
    TargetMarket.objects.create(partnership=partnership, region=region)
    MemberCountry.objects.create(
        partnership=partnership, country_id="SE", cross_border_country_id="DK"
    )
    OutcomeFactory(partnership=partnership, country_id="TN")
    ClusterFactory(slug="seeds", cross_border_country_id="BE")


@pytest.fixture
def connection_kept_open():
    """Calls go straight to the WSGI app, whose end-of-request signal would close the database
    connection, and with it the test's transaction on PostgreSQL; Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded once, at collection: the schema needs no database. (schemathesis' lazy from_fixture()
# reads a private attribute that pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Invalid input too (negative mode): a bad page number or filter value must be a 4xx, never a 500.
schema.config.generation.update(modes=["positive", "negative"])


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema_and_never_fails(case, some_rows, connection_kept_open):
    # Plain bodies: the WSGI client does not undo the gzip a browser's Accept-Encoding gets.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance],
    )


@pytest.mark.parametrize(
    ("path", "filterset_class"),
    [
        ("/api/partnerships/", PartnershipFilter),
        ("/api/clusters/", ClusterFilter),
        ("/api/outcomes/", OutcomeFilter),
    ],
)
def test_every_filter_of_the_page_is_a_documented_query_parameter(client, path, filterset_class):
    operation = client.get("/api/openapi.json").json()["paths"][path]["get"]
    documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    assert documented == {*filterset_class.base_filters, "page", "page_size"}


@pytest.mark.parametrize(
    ("schema_class", "export_class"),
    [(PartnershipOut, PartnershipExport), (ClusterOut, ClusterExport), (OutcomeOut, OutcomeExport)],
)
def test_fields_are_the_export_columns_and_the_api_link(schema_class, export_class):
    assert list(schema_class.model_fields) == [c.name for c in export_class.columns] + ["api_url"]


def test_the_docs_are_a_page_of_the_portal_drawn_from_the_schema(client):
    """/api/docs names every endpoint, parameter and field of the schema, and loads nothing else."""
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!testserver/)""", page)
    assert "<script" not in page
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        assert f"<code>GET {path}</code>" in page
        for parameter in operations["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in page, (path, parameter["name"])
    for name, component in schema["components"]["schemas"].items():
        assert f'id="shape-{name}"' in page
        for field in component.get("properties", {}):
            assert f"<code>{field}</code>" in page, (name, field)


def test_the_schema_is_tidy(client):
    """No empty ``servers`` list; every component referred to; every address a URI."""
    schema = client.get("/api/openapi.json").json()
    assert "servers" not in schema or schema["servers"]
    components = schema["components"]["schemas"]
    text = json.dumps({"paths": schema["paths"], "components": components})
    referred = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert set(components) == referred
    assert "Input" not in components
    for name, component in components.items():
        for field, spec in component.get("properties", {}).items():
            if field in {"url", "api_url", "next", "previous", "docs", "openapi"}:
                formats = {spec.get("format")} | {s.get("format") for s in spec.get("anyOf", [])}
                assert formats & {"uri", "uri-template"}, (name, field)
            if field in {"website", "evidence_url"}:
                assert spec["format"] == "uri-reference", (name, field)

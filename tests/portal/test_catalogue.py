"""/catalog.jsonld: a DCAT-AP catalogue of every export, read as RDF with rdflib."""

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from core import exports, public_lists
from tests.factories import PartnershipFactory

pytestmark = [
    pytest.mark.django_db,
    # rdflib's own JSON-LD parser, not ours.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

# Namespaces are read through their module (ns.DCAT): pytest, looking for tests among a module's
# names, would ask them for attributes they do not have, and rdflib warns at each.
AUTHORITY = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def graph(client, db):
    PartnershipFactory(slug="grain")
    response = client.get("/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return Graph().parse(data=response.content, format="json-ld")


def test_the_catalogue_describes_itself(graph):
    [catalogue] = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
    assert str(catalogue) == "http://testserver/catalog.jsonld"
    for predicate in (
        ns.DCTERMS.title,
        ns.DCTERMS.description,
        ns.DCTERMS.publisher,
        ns.DCTERMS.license,
    ):
        assert graph.value(catalogue, predicate) is not None, predicate
    assert graph.value(catalogue, ns.DCTERMS.modified) is not None
    publisher = graph.value(catalogue, ns.DCTERMS.publisher)
    assert str(graph.value(publisher, ns.FOAF.name)) == "EU Cluster Internationalisation Portal"


def test_every_export_is_a_distribution_of_every_format(graph):
    [catalogue] = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
    datasets = set(graph.objects(catalogue, ns.DCAT.dataset))
    listed = [item for item in public_lists.registered() if item.export_class]
    assert {str(graph.value(d, ns.DCTERMS.identifier)) for d in datasets} == {
        item.name for item in listed
    }
    for dataset in datasets:
        assert (dataset, ns.RDF.type, ns.DCAT.Dataset) in graph
        for predicate in (
            ns.DCTERMS.title,
            ns.DCTERMS.description,
            ns.DCAT.landingPage,
            ns.DCTERMS.modified,
        ):
            assert graph.value(dataset, predicate) is not None, (dataset, predicate)
        distributions = list(graph.objects(dataset, ns.DCAT.distribution))
        formats = {graph.value(d, ns.DCTERMS.format) for d in distributions}
        assert formats == {URIRef(f"{AUTHORITY}file-type/{key.upper()}") for key in exports.FORMATS}
        for distribution in distributions:
            assert graph.value(distribution, ns.DCTERMS.license) == URIRef(
                "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
            )
            assert graph.value(distribution, ns.DCTERMS.modified) is not None
            assert graph.value(distribution, ns.DCAT.mediaType) is not None
            assert str(graph.value(distribution, ns.DCAT.downloadURL)).startswith(
                "http://testserver/"
            )


def test_each_download_answers_with_its_media_type(client, graph):
    for distribution in graph.subjects(ns.RDF.type, ns.DCAT.Distribution):
        url = str(graph.value(distribution, ns.DCAT.downloadURL)).removeprefix("http://testserver")
        if "/partnerships/" not in url:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        media_type = str(graph.value(distribution, ns.DCAT.mediaType)).rsplit("media-types/", 1)[1]
        assert response["Content-Type"].startswith(media_type), url


def test_the_licence_and_publisher_are_settings(client, db, settings):
    settings.OPEN_DATA_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"
    settings.OPEN_DATA_PUBLISHER_NAME = "European Commission"
    settings.OPEN_DATA_PUBLISHER_URI = (
        "http://publications.europa.eu/resource/authority/corporate-body/COM"
    )
    graph = Graph().parse(data=client.get("/catalog.jsonld").content, format="json-ld")
    [catalogue] = graph.subjects(ns.RDF.type, ns.DCAT.Catalog)
    publisher = graph.value(catalogue, ns.DCTERMS.publisher)
    assert str(publisher).endswith("corporate-body/COM")
    assert str(graph.value(publisher, ns.FOAF.name)) == "European Commission"
    assert str(graph.value(catalogue, ns.DCTERMS.license)).endswith("licence/CC0")


def test_the_turtle_catalogue_is_the_same_graph(client, graph):
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    turtle = Graph().parse(data=response.content, format="turtle")
    assert len(turtle) == len(graph) > 100
    assert isomorphic(turtle, graph)

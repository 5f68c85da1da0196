"""/catalog.jsonld and /catalog.ttl: the portal's open data as a DCAT-AP catalogue, the profile
data.europa.eu harvests, in JSON-LD and in Turtle.

One dataset per registered list with an export (core/public_lists.py), one distribution per
export format (core.exports.FORMATS), each with its licence, publisher and last update: a new list
or format is in the catalogue without an edit here. Written as JSON-LD from plain dicts (json.dumps
escapes every value), so no RDF library is needed to serve it; the tests read it with rdflib.
The Turtle is written from the same dicts by ``turtle()``, which knows only their few shapes (nodes
with an ``@id``, references, literals with a language or a type, lists); the tests check that
rdflib reads the two as the same graph.
"""

import mimetypes
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from core import data_cache, exports, public_lists
from portal.context_processors import SITE_NAME

# The EU's controlled vocabularies, which DCAT-AP asks formats, languages and themes to be from.
EU_AUTHORITY = "http://publications.europa.eu/resource/authority"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
# Besides the standard ones: XLSX is not in every Python's table of types.
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LANGUAGES = {"en": "ENG", "fr": "FRA", "de": "DEU"}


def media_type(fmt: str) -> str:
    return (
        MEDIA_TYPES.get(fmt)
        or mimetypes.guess_type(f"export.{fmt}")[0]
        or "application/octet-stream"
    )


def _text(value: object) -> dict[str, str]:
    return {"@value": str(value), "@language": get_language() or settings.LANGUAGE_CODE}


def _date(moment) -> dict[str, str] | None:
    return moment and {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _ref(uri: str) -> dict[str, str]:
    return {"@id": uri}


def catalogue(base: str) -> dict[str, Any]:
    """The catalogue, its addresses under ``base`` ("https://host", no trailing slash)."""
    updated = _date(data_cache.data_updated_at())
    publisher = {
        "@id": settings.OPEN_DATA_PUBLISHER_URI or f"{base}/#publisher",
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER_NAME or str(SITE_NAME),
    }
    licence = {"@id": settings.OPEN_DATA_LICENCE, "@type": "dct:LicenseDocument"}
    language = _ref(f"{EU_AUTHORITY}/language/{LANGUAGES.get((get_language() or 'en')[:2], 'ENG')}")
    datasets = []
    for listed in public_lists.registered():
        if not (listed.export_class and listed.page_url_name):
            continue
        page = base + reverse(listed.page_url_name)
        datasets.append(
            {
                "@id": f"{page}#dataset",
                "@type": "dcat:Dataset",
                "dct:identifier": listed.name,
                "dct:title": _text(listed.title),
                "dct:description": _text(listed.summary or listed.title),
                "dcat:landingPage": _ref(page),
                "dct:publisher": publisher,
                "dct:license": licence,
                "dct:accessRights": _ref(f"{EU_AUTHORITY}/access-right/PUBLIC"),
                "dct:language": language,
                "dcat:theme": _ref(f"{EU_AUTHORITY}/data-theme/ECON"),
                "dcat:keyword": [_text(listed.title)],
                "dct:modified": updated,
                "dcat:distribution": [
                    {
                        "@id": f"{page}?export={fmt}",
                        "@type": "dcat:Distribution",
                        "dct:title": _text(f"{listed.title} ({name})"),
                        "dcat:accessURL": _ref(f"{page}?export={fmt}"),
                        "dcat:downloadURL": _ref(f"{page}?export={fmt}"),
                        "dct:format": _ref(f"{EU_AUTHORITY}/file-type/{fmt.upper()}"),
                        "dcat:mediaType": _ref(
                            f"https://www.iana.org/assignments/media-types/{media_type(fmt)}"
                        ),
                        "dct:license": licence,
                        "dct:modified": updated,
                        # Its documentation: what each column holds.
                        "foaf:page": _ref(f"{base}{reverse('exports-help')}"),
                    }
                    for fmt, name in exports.FORMATS.items()
                ],
            }
        )
    return {
        "@context": CONTEXT,
        "@id": f"{base}{reverse('catalogue')}",
        "@type": "dcat:Catalog",
        "dct:title": _text(SITE_NAME),
        "dct:description": _text(
            gettext(
                "Open data of the European Strategic Cluster Partnerships, their clusters and "
                "outcomes."
            )
        ),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:language": language,
        "foaf:homepage": _ref(f"{base}/"),
        "dct:modified": updated,
        "dcat:dataset": datasets,
    }


@require_safe
def catalogue_view(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(catalogue(base), content_type="application/ld+json")


@require_safe
def catalogue_turtle_view(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    return HttpResponse(turtle(catalogue(base)), content_type="text/turtle; charset=utf-8")


# Characters an IRI in Turtle may not hold (RDF 1.1 Turtle, IRIREF), written %-encoded instead.
_NOT_IN_IRI = {ord(c): f"%{ord(c):02X}" for c in '<>"{}|^`\\ '}
_LITERAL_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}


def turtle(document: dict[str, Any]) -> str:
    """The catalogue's JSON-LD (``catalogue()``) as Turtle: its triples, each subject once."""
    triples: dict[str, dict[tuple[str, str], None]] = {}  # subject -> its (predicate, object)s

    def term(value) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return '"' + value.translate(_LITERAL_ESCAPES) + '"'
        if "@value" in value:
            literal = '"' + str(value["@value"]).translate(_LITERAL_ESCAPES) + '"'
            if "@language" in value:
                return f"{literal}@{value['@language']}"
            return f"{literal}^^{value['@type']}" if "@type" in value else literal
        subject = "<" + value["@id"].translate(_NOT_IN_IRI) + ">"
        for key, objects in value.items():
            if key == "@id":
                continue
            predicate = "a" if key == "@type" else key
            for item in objects if isinstance(objects, list) else [objects]:
                written = item if key == "@type" else term(item)
                if written is not None:
                    triples.setdefault(subject, {})[(predicate, written)] = None
        return subject

    term({key: value for key, value in document.items() if key != "@context"})
    lines = [f"@prefix {prefix}: <{uri}> ." for prefix, uri in document["@context"].items()]
    for subject, statements in triples.items():
        lines.append("")
        written = [f"    {predicate} {obj}" for predicate, obj in statements]
        lines.append(subject + "\n" + " ;\n".join(written) + " .")
    return "\n".join(lines) + "\n"

"""/catalog.jsonld: the portal's open data as a DCAT-AP catalogue, the profile data.europa.eu
harvests.

One dataset per registered list with an export (core/public_lists.py), one distribution per
export format (core.exports.FORMATS), each with its licence, publisher and last update: a new list
or format is in the catalogue without an edit here. Written as JSON-LD from plain dicts (json.dumps
escapes every value), so no RDF library is needed to serve it; the tests read it with rdflib.
"""

import mimetypes
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
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

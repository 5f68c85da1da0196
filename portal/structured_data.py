"""schema.org descriptions (JSON-LD) of a partnership, a country and an outcome, for search engines
and other machines that read a page's data rather than its text.

Each is made from what the page already read (a partnership's related rows, read by its view:
portal/partnership_page.py): no query of its own. Only facts the page shows; nothing is added that the data does not hold.
"""

from typing import Any

from django.http import HttpRequest

from outcomes.models import Outcome
from partnerships.models import Country
from portal.partnership_page import PartnershipPage

CONTEXT = "https://schema.org"


def describe(obj: object, request: HttpRequest) -> dict[str, Any] | None:
    """The JSON-LD of ``obj``'s page, or None for a kind of record with none."""
    for kind, description in DESCRIPTIONS.items():
        if isinstance(obj, kind):
            return {"@context": CONTEXT, **_without_empty(description(obj, request))}
    return None


def _url(request: HttpRequest, obj) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())


def _country(country: Country, request: HttpRequest) -> dict[str, Any]:
    return {
        "@type": "Country",
        "@id": _url(request, country),
        "name": country.name,
        "identifier": country.code,
        "url": _url(request, country),
    }


def _partnership(page: PartnershipPage, request: HttpRequest) -> dict[str, Any]:
    partnership = page.partnership
    url = _url(request, partnership)
    targets = [
        {
            "@type": "Country",
            "@id": request.build_absolute_uri(target.url),
            "name": target.name,
            "identifier": target.code,
            "url": request.build_absolute_uri(target.url),
        }
        if target.code
        else {"@type": "Place", "name": target.english_name}
        for target in page.targets
        if not target.tentative
    ]
    return {
        "@type": "Organization",
        "@id": url,
        "name": partnership.name,
        "alternateName": partnership.acronym,
        "description": partnership.description,
        "url": url,
        "sameAs": partnership.website,
        "foundingDate": partnership.start_date and partnership.start_date.isoformat(),
        "dissolutionDate": partnership.end_date and partnership.end_date.isoformat(),
        "knowsAbout": page.english_sector_names,
        "areaServed": targets,
    }


def _outcome(outcome: Outcome, request: HttpRequest) -> dict[str, Any]:
    place = {"@type": "Place", "name": outcome.city}
    if outcome.country_id:
        place["address"] = {"@type": "PostalAddress", "addressCountry": outcome.country_id}
        place["containedInPlace"] = _country(outcome.country, request)
    return {
        # What a partnership did (signed, opened, led, exchanged): an action, with it as agent.
        "@type": "Action",
        "@id": _url(request, outcome),
        "name": outcome.title,
        "additionalType": outcome.get_type_display(),
        "description": outcome.description,
        "url": _url(request, outcome),
        "agent": {
            "@type": "Organization",
            "@id": _url(request, outcome.partnership),
            "name": outcome.partnership.display_name,
            "url": _url(request, outcome.partnership),
        },
        "participant": outcome.counterpart
        and {"@type": "Organization", "name": outcome.counterpart.name},
        "location": place if outcome.city or outcome.country_id else None,
        "startTime": (outcome.date and outcome.date.isoformat())
        or (outcome.year and str(outcome.year)),
        "sameAs": outcome.evidence_url,
    }


DESCRIPTIONS = {PartnershipPage: _partnership, Country: _country, Outcome: _outcome}


def _without_empty(description: dict[str, Any]) -> dict[str, Any]:
    """Leaves out what the record does not say (a blank acronym, no end date, no targets)."""
    return {key: value for key, value in description.items() if value not in (None, "", [])}

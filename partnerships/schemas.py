"""The API's shapes of partnerships, clusters, sectors, countries and regions.

Partnerships and clusters carry the columns of their exports (docs/exports.md),
under the same names and with the same values, plus ``api_url``. Sectors, countries and regions
are read from their records, which the API gives ``url`` and ``api_url`` (core/api_lists.py).
"""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from core.api_lists import Url, UrlOrBlank
from core.translated import original, translation_of
from partnerships.exports import AS_OF_DESCRIPTION, SOURCE_DESCRIPTION


class PartnershipOut(Schema):
    name: str
    acronym: str
    kind: str = Field(description=_("escp or project."))
    sectors: list[str] = Field(description=_("The sectors it works in, by name."))
    programme: str
    strand: str
    call: str
    funding: str = Field(description=_("co_funded or voluntary; empty where not known."))
    partner_count: int | None
    country_count: int | None
    member_countries: list[str] = Field(description=_("ISO 3166-1 alpha-2 codes."))
    member_country_entries: list[str] = Field(description=_("As the source lists them: SE-DK."))
    member_country_names: list[str]
    target_countries: list[str] = Field(
        description=_("ISO codes of the countries it targets directly.")
    )
    tentative_target_countries: list[str]
    target_regions: list[str] = Field(description=_("The regions it targets, by name."))
    start_date: datetime.date | None
    end_date: datetime.date | None
    status: str = Field(description=_("active, ended or planned; empty without an end date."))
    website: UrlOrBlank = Field(description=_("Its address; empty where not known."))
    contact_email: str
    source: str = Field(description=SOURCE_DESCRIPTION)
    as_of: datetime.date | None = Field(description=AS_OF_DESCRIPTION)
    slug: str
    url: Url = Field(description=_("Its page on the portal."))
    api_url: Url = Field(description=_("This record in the API."))


class ClusterOut(Schema):
    name: str
    acronym: str
    city: str
    country: str = Field(description=_("ISO 3166-1 alpha-2 code."))
    cross_border_country: str | None = Field(
        description=_("ISO code of its second country, for a cross-border cluster.")
    )
    country_name: str
    label: str = Field(description=_("bronze, silver or gold; empty where not known."))
    website: UrlOrBlank = Field(description=_("Its address; empty where not known."))
    slug: str
    url: Url = Field(description=_("Its page on the portal."))
    api_url: Url = Field(description=_("This record in the API."))


class NamedInReaderLanguage(Schema):
    """A sector's or region's name and description in the language ?lang= or Accept-Language asks
    for (core/translated.py), the English where none was entered."""

    @staticmethod
    def resolve_name(record) -> str:
        return translation_of(record, "name") or original(record, "name")

    @staticmethod
    def resolve_description(record) -> str:
        return translation_of(record, "description") or original(record, "description")


class SectorOut(NamedInReaderLanguage):
    slug: str
    name: str
    description: str
    partnership_count: int = Field(description=_("How many published partnerships work in it."))
    url: Url = Field(description=_("Its page on the portal."))
    api_url: Url = Field(description=_("This record in the API."))


class CountryOut(Schema):
    code: str = Field(description=_("ISO 3166-1 alpha-2 (GB, not UK)."))
    name: str
    is_eu_member: bool
    direct_target_count: int = Field(
        description=_("How many published partnerships target it directly (not through a region).")
    )
    url: Url = Field(description=_("Its page on the portal."))
    api_url: Url = Field(description=_("This record in the API."))


class RegionOut(NamedInReaderLanguage):
    slug: str
    name: str
    description: str
    countries: list[str] = Field(description=_("ISO codes of the countries it contains."))
    url: Url = Field(description=_("The partnerships that target it, on the portal."))
    api_url: Url = Field(description=_("This record in the API."))

    @staticmethod
    def resolve_countries(region) -> list[str]:
        return [country.code for country in region.countries.all()]

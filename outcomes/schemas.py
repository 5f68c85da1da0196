"""The API's shape of an outcome: the columns of the outcomes export (docs/exports.md), plus ``api_url``."""

import datetime

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from core.api_lists import Url, UrlOrBlank
from outcomes import types as outcome_types
from partnerships.exports import AS_OF_DESCRIPTION, SOURCE_DESCRIPTION


class OutcomeOut(Schema):
    id: int
    partnership: str = Field(description=_("The name of the partnership that achieved it."))
    partnership_slug: str
    type: str = Field(description=f"{outcome_types.values_text()}.")
    kind: str = Field(description=_("The kind within the type, e.g. joint_office."))
    level: str = Field(description=_("For an MoU: c2c, b2b or a2a."))
    title: str
    country: str | None = Field(
        description=_("ISO 3166-1 alpha-2 code of the country it is with or in.")
    )
    country_name: str | None
    city: str
    date: datetime.date | None = Field(description=_("ISO 8601; for an MoU, the signing date."))
    year: int | None
    counterpart: str | None = Field(
        description=_("For an MoU: the organisation it was signed with.")
    )
    venue: str
    direction: str
    evidence_url: UrlOrBlank = Field(description=_("A link to its evidence; empty where none."))
    source: str = Field(description=SOURCE_DESCRIPTION)
    as_of: datetime.date | None = Field(description=AS_OF_DESCRIPTION)
    url: Url = Field(description=_("Its page on the portal."))
    api_url: Url = Field(description=_("This record in the API."))

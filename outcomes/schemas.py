"""The API's shape of an outcome: the columns of the outcomes export (docs/exports.md), plus ``api_url``."""

import datetime

from ninja import Field, Schema


class OutcomeOut(Schema):
    id: int
    partnership: str = Field(description="The name of the partnership that achieved it.")
    partnership_slug: str
    type: str = Field(description="mou, roadmap, office, mission or exchange.")
    kind: str = Field(description="The kind within the type, e.g. joint_office.")
    level: str = Field(description="For an MoU: c2c, b2b or a2a.")
    title: str
    country: str | None = Field(
        description="ISO 3166-1 alpha-2 code of the country it is with or in."
    )
    country_name: str | None
    city: str
    date: datetime.date | None = Field(description="ISO 8601; for an MoU, the signing date.")
    year: int | None
    counterpart: str | None = Field(description="For an MoU: the organisation it was signed with.")
    venue: str
    direction: str
    evidence_url: str
    url: str = Field(description="Its page on the portal.")
    api_url: str = Field(description="This record in the API.")

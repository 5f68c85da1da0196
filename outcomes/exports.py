"""The columns of the outcomes export. They are documented in docs/exports.md: keep them stable.

Rows are read with values(), not as model instances: an export can be a
million rows, and dictionaries are several times faster to build.
"""

from django.urls import reverse

from portal.exports import Column, Export

FIELDS = [
    "pk",
    "partnership__name",
    "partnership__slug",
    "type",
    "subtype",
    "level",
    "title",
    "country",
    "country__name",
    "city",
    "date",
    "year",
    "counterpart__name",
    "venue",
    "direction",
    "evidence_url",
]


def field(name):
    return lambda row: row[name]


class OutcomeExport(Export):
    stem = "outcomes"
    columns = [
        Column(
            "id",
            field("pk"),
            "number",
            width=8,
            description="The outcome's number on the portal; an import with it updates that outcome.",
        ),
        Column(
            "partnership",
            field("partnership__name"),
            width=40,
            description="The name of the partnership that achieved it.",
        ),
        Column(
            "partnership_slug",
            field("partnership__slug"),
            width=25,
            description="The partnership's identifier.",
        ),
        Column(
            "type", field("type"), width=9, description="mou, roadmap, office, mission or exchange."
        ),
        Column(
            "kind",
            field("subtype"),
            width=18,
            description="The kind within the type, e.g. joint_strategy, joint_office, business_trip.",
        ),
        Column("level", field("level"), width=6, description="For an MoU: c2c, b2b or a2a."),
        Column("title", field("title"), width=45, description="A short description."),
        Column(
            "country",
            field("country"),
            width=8,
            description="ISO code of the country it is with or in.",
        ),
        Column(
            "country_name", field("country__name"), width=25, description="That country's name."
        ),
        Column("city", field("city"), width=15, description="The city, where there is one."),
        Column(
            "date",
            field("date"),
            "date",
            width=12,
            description="The date (ISO 8601); for an MoU, the signing date.",
        ),
        Column(
            "year",
            field("year"),
            "number",
            width=6,
            description="The year, also where only the year is known.",
        ),
        Column(
            "counterpart",
            field("counterpart__name"),
            width=30,
            description="For an MoU: the organisation it was signed with.",
        ),
        Column(
            "venue",
            field("venue"),
            width=14,
            description="For an MoU: trade_fair, dedicated_office or other.",
        ),
        Column(
            "direction",
            field("direction"),
            width=9,
            description="For a mission or exchange: incoming or outgoing.",
        ),
        Column(
            "evidence_url",
            field("evidence_url"),
            width=30,
            description="A link to evidence of the outcome.",
        ),
        Column("url", field("url"), width=45, description="Its page on the portal."),
    ]

    def fetch(self):
        # An outcome's page is its list's URL plus its id; reverse() per row would cost seconds a million rows.
        prefix = self.base_url + reverse("outcomes:outcome-list")
        for row in self.queryset.values(*FIELDS).iterator(chunk_size=2000):
            row["url"] = f"{prefix}{row['pk']}/"
            yield row

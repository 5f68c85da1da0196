"""The columns of the outcomes export. They are documented in docs/exports.md: keep them stable.

Rows are read with values(), not as model instances: an export can be a
million rows, and dictionaries are several times faster to build. Every column
is a value column, so on PostgreSQL the database writes the CSV lines itself.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.exports import Export, value_column
from outcomes import types as outcome_types
from partnerships.exports import AS_OF_DESCRIPTION, SOURCE_DESCRIPTION


class OutcomeExport(Export):
    stem = "outcomes"
    columns = [
        value_column(
            "id",
            "pk",
            "number",
            width=8,
            description=_(
                "The outcome's number on the portal; an import with it updates that outcome."
            ),
            label=_("Number"),
        ),
        value_column(
            "partnership",
            "partnership__name",
            width=40,
            description=_("The name of the partnership that achieved it."),
            label=_("Partnership"),
        ),
        value_column(
            "partnership_slug",
            "partnership__slug",
            width=25,
            description=_("The partnership's identifier."),
            label=_("Partnership identifier"),
        ),
        value_column(
            "type",
            "type",
            width=9,
            description=lazy(lambda: f"{outcome_types.values_text()}.", str)(),
            label=_("Type"),
        ),
        value_column(
            "kind",
            "subtype",
            width=18,
            description=_(
                "The kind within the type, e.g. joint_strategy, joint_office, business_trip."
            ),
            label=_("Kind"),
        ),
        value_column(
            "level",
            "level",
            width=6,
            description=_("For an MoU: c2c, b2b or a2a."),
            label=_("Level"),
        ),
        value_column(
            "title", "title", width=45, description=_("A short description."), label=_("Title")
        ),
        value_column(
            "country",
            "country",
            width=8,
            description=_("ISO code of the country it is with or in."),
            label=_("Country code"),
        ),
        value_column(
            "country_name",
            "country__name",
            width=25,
            description=_("That country's name."),
            label=_("Country"),
        ),
        value_column(
            "city",
            "city",
            width=15,
            description=_("The city, where there is one."),
            label=_("City"),
        ),
        value_column(
            "date",
            "date",
            "date",
            width=12,
            description=_("The date (ISO 8601); for an MoU, the signing date."),
            label=_("Date"),
        ),
        value_column(
            "year",
            "year",
            "number",
            width=6,
            description=_("The year, also where only the year is known."),
            label=_("Year"),
        ),
        value_column(
            "counterpart",
            "counterpart__name",
            width=30,
            description=_("For an MoU: the organisation it was signed with."),
            label=_("Counterpart"),
        ),
        value_column(
            "venue",
            "venue",
            width=14,
            description=_("For an MoU: trade_fair, dedicated_office or other."),
            label=_("Venue"),
        ),
        value_column(
            "direction",
            "direction",
            width=9,
            description=_("For a mission or exchange: incoming or outgoing."),
            label=_("Direction"),
        ),
        value_column(
            "evidence_url",
            "evidence_url",
            width=30,
            description=_("A link to evidence of the outcome."),
            label=_("Evidence"),
        ),
        value_column(
            "source",
            "citation",
            width=60,
            description=SOURCE_DESCRIPTION,
            label=_("Source"),
        ),
        value_column(
            "as_of",
            "as_of",
            "date",
            width=12,
            description=AS_OF_DESCRIPTION,
            label=_("Information as of"),
        ),
        value_column(
            "url",
            "url",
            width=45,
            description=_("Its page on the portal."),
            label=_("Page on the portal"),
        ),
    ]

    print_columns = ("date", "partnership", "type", "title", "country_name")

    def annotations(self) -> dict[str, Any]:
        # An outcome's page is its list's URL plus its id; reverse() per row would cost seconds a million rows.
        prefix = self.base_url + reverse("outcomes:outcome-list")
        return {
            "url": Concat(Value(prefix), Cast("pk", CharField()), Value("/")),
            "citation": _citation(),
        }

    def fetch(self) -> Iterator[dict[str, Any]]:
        return self.values().iterator(chunk_size=2000)


def _after_comma(field: str, *, as_text: bool = False) -> Case:
    """ ", <field>", or nothing where the field is null or empty; ``as_text`` casts a date."""
    empty = (
        Q(**{f"{field}__isnull": True})
        if as_text
        else Q(**{field: ""}) | Q(**{f"{field}__isnull": True})
    )
    value = Cast(field, CharField()) if as_text else F(field)
    return Case(
        When(empty, then=Value("")),
        default=Concat(Value(", "), value),
        output_field=CharField(),
    )


def _citation() -> Case:
    """Sourced.export_citation() in SQL, for COPY: title, publisher, ISO date, page or slide."""
    return Case(
        When(source__isnull=True, then=Value("")),
        default=Concat(
            F("source__title"),
            _after_comma("source__publisher"),
            # A date cast to text is ISO 8601 in PostgreSQL and SQLite alike.
            _after_comma("source__date", as_text=True),
            _after_comma("source_page"),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


# The stored fields the export reads (the benchmark copies them with psql as its yardstick).
FIELDS = [
    column.source for column in OutcomeExport.columns if column.source not in {"url", "citation"}
]

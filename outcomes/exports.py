"""The columns of the outcomes export. They are documented in docs/exports.md: keep them stable.

Rows are read with values(), not as model instances: an export can be a
million rows, and dictionaries are several times faster to build. Every column
is a value column, so on PostgreSQL the database writes the CSV lines itself.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.exports import Column, Export, value_column
from core.translated import localized
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
            "title",
            "title_in_language",
            width=45,
            description=_("A short description."),
            label=_("Title"),
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
            "country_name_in_language",
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
            # The reader's language (the API's ?lang=): the English where none was entered.
            "title_in_language": localized("title"),
            "country_name_in_language": localized("country__name"),
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


def _results_in_words(groups: list[tuple[str, list[tuple[str, int]]]]) -> str:
    """ "4 MoUs (United States, Japan, Brazil, India) + 1 roadmap", as the source lists a project's
    results; ``groups`` is [(type, [(country name, count)])] in the types' order."""
    by_value = {t.value: t for t in outcome_types.DEFINED}
    parts = []
    for type_value, countries in groups:
        known = by_value.get(type_value)
        total = sum(n for _, n in countries)
        part = known.counted % {"count": total} if known else f"{total} {type_value}"
        named = [f"{n} {name}" if n > 1 else name for name, n in countries if name]
        if named:
            part += f" ({', '.join(named)})"
        parts.append(part)
    return " + ".join(parts)


class ResultsExport(Export):
    """One row per partnership with published outcomes: its results in words, as the source's
    "Examples from 6 CIP Cluster Internationalisation Projects" lists them."""

    stem = "outcomes-report"
    columns = [
        Column(
            "partnership",
            lambda p: p.display_name,
            width=45,
            description=_("The partnership, with its acronym after a dash."),
            label=_("Partnership"),
        ),
        Column(
            "sectors",
            lambda p: [s.name for s in p.sectors.all()],
            "list",
            width=30,
            description=_("The sectors it works in."),
            label=_("Sectors"),
        ),
        Column(
            "outcomes",
            lambda p: p.outcome_count,
            "number",
            width=10,
            description=_("How many published outcomes it has."),
            label=_("Outcomes"),
        ),
        Column(
            "results",
            lambda p: p.results,
            width=90,
            description=_(
                "Its outcomes in words: “4 MoUs (United States of America, Japan, Brazil, India) "
                "+ 1 roadmap”, by type, with the countries and how many with each."
            ),
            label=_("Results"),
        ),
    ]

    def fetch(self) -> Iterator[Any]:
        """Partnerships in chunks, each chunk's outcomes counted by type and country in one query."""
        from outcomes.models import Outcome

        order = {t.value: index for index, t in enumerate(outcome_types.DEFINED)}
        chunk: list = []

        def flushed():
            counts: dict[int, dict[str, dict[str, int]]] = {}
            rows = (
                Outcome.objects.published()
                .filter(partnership__in=[p.pk for p in chunk])
                .values_list("partnership_id", "type", "country__name")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for partnership_id, type_value, country, n in rows:
                by_type = counts.setdefault(partnership_id, {}).setdefault(type_value, {})
                by_type[country or ""] = by_type.get(country or "", 0) + n
            for partnership in chunk:
                by_type = counts.get(partnership.pk, {})
                partnership.outcome_count = sum(sum(c.values()) for c in by_type.values())
                partnership.results = _results_in_words(
                    [
                        (t, sorted(c.items(), key=lambda item: (-item[1], item[0])))
                        for t, c in sorted(by_type.items(), key=lambda item: order.get(item[0], 99))
                    ]
                )
                yield partnership

        # The page hands its page of rows as a list; an export, the whole queryset.
        partnerships = (
            self.queryset.iterator(chunk_size=500)
            if isinstance(self.queryset, QuerySet)
            else self.queryset
        )
        for partnership in partnerships:
            chunk.append(partnership)
            if len(chunk) == 500:
                yield from flushed()
                chunk = []
        if chunk:
            yield from flushed()

"""The figures behind /statistics/: each chart is a list of rows, computed from filtered querysets.

A row is (key, label, value, url). The same rows draw the chart, fill the table
beside it, and make its CSV export, so the three cannot disagree.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.counts import count_together
from core.exports import Column, Export
from outcomes import types as outcome_types
from outcomes.filters import LevelChoices
from outcomes.models import NO_DATE_LABEL, NOT_GIVEN, Outcome
from partnerships.filters import country_choices, region_choices, sector_choices


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int
    url: str = ""


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    unit: str  # What the values count, in the reader's words: "partnerships".
    rows: list[Row]
    # The name of the values' column in the chart's export, which stays the same in every language.
    column: str

    @property
    def maximum(self) -> int:
        return max((row.value for row in self.rows), default=0)


def _ranked(counts: dict[str, int], names: dict[str, str], url) -> list[Row]:
    rows = [Row(key, str(names.get(key, key)), n, url(key)) for key, n in counts.items() if n]
    return sorted(rows, key=lambda row: (-row.value, row.label))


def country_names(*count_dicts) -> dict[str, str]:
    codes = {code for counts in count_dicts for code in counts}
    return {code: name for code, name in all_country_names().items() if code in codes}


def all_country_names() -> dict[str, str]:
    """Every country's name by code, read once until the data changes."""
    return dict(country_choices())


def charts(partnerships, outcomes) -> list[Chart]:
    """Every chart of the page, for already filtered partnerships and outcomes."""
    partnership_list = reverse("partnerships:partnership-list")
    outcome_list = reverse("outcomes:outcome-list")
    mous = outcomes.of_type([Outcome.Type.MOU])
    counts = count_together(
        {
            "sectors": partnerships.tally_by_sector(),
            "targets": partnerships.tally_by_target_country(),
            "regions": partnerships.tally_by_target_region(),
            "working": partnerships.tally_by_working_country(),
            "members": partnerships.tally_by_member_country(),
            "outcome_countries": outcomes.tally_by_country(),
            "types": outcomes.tally_by_type(),
            "years": outcomes.tally_by_year(),
            # Outcomes without a year and MoUs without a level under NOT_GIVEN, last in their chart.
            "levels": mous.tally_by_level(),
        }
    )
    by_sector, targets, members = counts["sectors"], counts["targets"], counts["members"]
    outcome_countries = counts["outcome_countries"]
    working = counts["working"]
    names = country_names(targets, members, outcome_countries, working)
    sectors = dict(sector_choices())
    regions = dict(region_choices())
    types = dict(outcome_types.type_choices)
    levels = dict(LevelChoices())
    return [
        Chart(
            "sectors",
            gettext("Partnerships by sector"),
            gettext("partnerships"),
            _ranked(by_sector, sectors, lambda slug: f"{partnership_list}?sector={slug}"),
            column="partnerships",
        ),
        Chart(
            "outcome-types",
            gettext("Outcomes by type"),
            gettext("outcomes"),
            _ranked(counts["types"], types, lambda t: f"{outcome_list}?type={t}"),
            column="outcomes",
        ),
        Chart(
            "outcome-years",
            gettext("Outcomes by year"),
            gettext("outcomes"),
            sorted(
                (
                    Row(
                        y,
                        str(NO_DATE_LABEL) if y == NOT_GIVEN else y,
                        n,
                        f"{outcome_list}?year={y}",
                    )
                    for y, n in counts["years"].items()
                ),
                key=lambda row: (row.key == NOT_GIVEN, row.key),
            ),
            column="outcomes",
        ),
        Chart(
            "mou-levels",
            gettext("MoUs by level"),
            gettext("MoUs"),
            _not_given_last(
                _ranked(
                    counts["levels"],
                    levels,
                    lambda level: f"{outcome_list}?type=mou&level={level}",
                )
            ),
            column="MoUs",
        ),
        Chart(
            "target-countries",
            gettext(
                "Target countries, by partnerships targeting them (directly, or through a region "
                "of which they are third countries)"
            ),
            gettext("partnerships"),
            _ranked(targets, names, lambda code: f"{partnership_list}?target_country={code}"),
            column="partnerships",
        ),
        Chart(
            "target-regions",
            gettext(
                "Target regions, by partnerships targeting them, one of their third countries, "
                "or a region sharing third countries with them"
            ),
            gettext("partnerships"),
            _ranked(
                counts["regions"], regions, lambda slug: f"{partnership_list}?target_region={slug}"
            ),
            column="partnerships",
        ),
        Chart(
            "working-countries",
            gettext("Countries partnerships work with (target market or outcomes there)"),
            gettext("partnerships"),
            _ranked(working, names, lambda code: f"{partnership_list}?works_with={code}"),
            column="partnerships",
        ),
        Chart(
            "outcome-countries",
            gettext("Countries, by outcomes with them"),
            gettext("outcomes"),
            _ranked(outcome_countries, names, lambda code: f"{outcome_list}?country={code}"),
            column="outcomes",
        ),
        Chart(
            "member-countries",
            gettext("Member countries, by partnerships with members there"),
            gettext("partnerships"),
            _ranked(members, names, lambda code: f"{partnership_list}?member_country={code}"),
            column="partnerships",
        ),
    ]


def _not_given_last(rows: list[Row]) -> list[Row]:
    """What the source does not give after what it does, whatever the counts."""
    return sorted(rows, key=lambda row: row.key == NOT_GIVEN)


class ChartExport(Export):
    """One chart's table as a file, through the same writers as the list exports."""

    def __init__(self, chart: Chart, base_url: str) -> None:
        super().__init__(chart.rows, base_url)
        self.stem = f"statistics-{chart.slug}"
        self.columns = [
            Column(
                "key", lambda row: row.key, width=14, description=_("The code or slug of the row.")
            ),
            Column("label", lambda row: row.label, width=45, description=_("What the row counts.")),
            Column(chart.column, lambda row: row.value, "number", width=12),
            Column("url", lambda row: base_url + row.url if row.url else "", width=60),
        ]

    def fetch(self) -> QuerySet:
        return self.queryset

    def row_count(self) -> int:
        return len(self.queryset)
